"""`python manage.py indicators --from 2025-04-01 --to 2026-03-31 [--service-area NAME] [--format json|csv]`

Prints the performance indicators for the period, both dates included: the whole report the indicators
page shows (quality.indicators.report: the headline, the months, the figures per service area and per
team), as JSON, or as the page's CSV download. It runs in the foreground.
"""

import json
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from limits.dates import parse_bounded_date
from people.models import ServiceArea
from quality import indicator_export, indicators


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
        report = indicators.report(start, end, service_area=service_area)
        if output_format == "csv":
            self.stdout.write(indicator_export.report_csv(report), ending="")
        else:
            self.stdout.write(json.dumps(indicator_export.as_json(report), indent=2))
