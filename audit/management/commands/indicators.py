"""`python manage.py indicators --from 2025-04-01 --to 2026-03-31 [--service-area NAME] [--format json|csv]`

Prints the performance indicators (audit.indicators) for the period, both dates included. It runs
in the foreground: the same figures as the indicators page and its downloads.
"""

import json
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from audit import indicator_export, indicators
from limits.dates import parse_bounded_date
from people.models import ServiceArea


def _date(value: str) -> date:
    try:
        return parse_bounded_date(value, "The date")
    except ValueError as error:
        raise CommandError(str(error)) from None


class Command(BaseCommand):
    help = "Print the repeat-plan performance indicators for a period, as JSON or CSV."

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="date_from", required=True, help="First day of the period (YYYY-MM-DD).")
        parser.add_argument("--to", dest="date_to", required=True, help="Last day of the period (YYYY-MM-DD).")
        parser.add_argument("--service-area", dest="service_area", help="Only this service area (its name).")
        parser.add_argument("--format", dest="output_format", choices=["json", "csv"], default="json")

    def handle(self, *args, date_from, date_to, service_area=None, output_format="json", **options):
        start, end = _date(date_from), _date(date_to)
        if start > end:
            raise CommandError("--from must be on or before --to.")
        if service_area and not ServiceArea.objects.filter(name=service_area).exists():
            known = ", ".join(ServiceArea.objects.values_list("name", flat=True)) or "none"
            raise CommandError(f"No service area is called '{service_area}'. Known service areas: {known}.")
        figures = indicators.indicators(start, end, service_area=service_area)
        if output_format == "csv":
            self.stdout.write(indicator_export.headline_csv(figures), ending="")
        else:
            self.stdout.write(json.dumps(figures, indent=2))
