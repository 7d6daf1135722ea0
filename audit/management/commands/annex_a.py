"""`python manage.py annex_a --date YYYY-MM-DD --format csv|xlsx --output FILE`: Ofsted Annex A list 7."""

from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from audit import annex_a
from limits.dates import parse_bounded_date


def _date(value: str) -> date:
    try:
        return parse_bounded_date(value, "The date")
    except ValueError as error:
        raise CommandError(str(error)) from None


class Command(BaseCommand):
    help = "Write Ofsted Annex A list 7 (children on a CP plan in the six months before a date) as CSV or XLSX."

    def add_arguments(self, parser):
        parser.add_argument("--date", required=True, help="the list's date, YYYY-MM-DD (usually the inspection's)")
        parser.add_argument("--format", choices=sorted(annex_a.FORMATS), default="csv")
        parser.add_argument("--output", type=Path, required=True, help="the file to write")

    def handle(self, *args, date: str, format: str, output: Path, **options):
        on_date = _date(date)
        write, _content_type = annex_a.FORMATS[format]
        try:
            output.write_bytes(write(on_date))
        except OSError as error:
            raise CommandError(f"Cannot write {output}: {error.strerror}") from error
        self.stdout.write(f"Annex A list 7 at {on_date:%d/%m/%Y} written to {output}")
