"""`python manage.py repeat_outcomes --from 2023-04-01 --to 2024-03-31 [--service-area NAME] [--format json|csv]`

Of the CP plans that ended in the period (both days included), how many were followed by another plan
for the same child within 12 months and within 2 years, in total and by length, by how the plan ended,
by what was outstanding at closure and by team (audit/repeat_outcomes.py). The same figures as the page.
"""

import json

from django.core.management.base import BaseCommand, CommandError

from audit import repeat_outcomes
from audit.management.commands.indicators import _date
from people.models import ServiceArea


class Command(BaseCommand):
    help = "Print what followed each CP plan that ended in a period, as JSON or CSV."

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
        report = repeat_outcomes.outcomes(start, end, service_area=service_area)
        if output_format == "csv":
            self.stdout.write(repeat_outcomes.report_csv(report), ending="")
        else:
            self.stdout.write(json.dumps(report, indent=2))
