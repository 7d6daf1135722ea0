"""`python manage.py import_cin_census FILE`: load CP plan history from a CIN census return.

Runs in the foreground with a progress bar (the share of the file read, and the children so far);
prints what was created, updated, left unchanged and rejected, and why each rejected child was.
A file that is not a readable census return imports nothing: one line on standard error says
why, and the command exits with status 1.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from cases.census import CensusFileError
from cases.history_import import REPORT_HEADER, ImportSummary, import_census, report_rows
from limits.spreadsheets import csv_writer


class Command(BaseCommand):
    help = "Import children and their CP plans from a DfE Children in Need census return (XML)."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="the census return (XML)")
        parser.add_argument("--report", type=Path, help="also write the rejected children to this CSV file")
        parser.add_argument("--no-progress", action="store_true", help="no progress bar (for logs and cron)")

    def handle(self, *args, file: Path, report: Path | None, no_progress: bool, **options):
        if not file.is_file():
            raise CommandError(f"No such file: {file}")
        summary = ImportSummary()
        with (
            file.open("rb") as stream,
            tqdm(
                total=file.stat().st_size,
                unit="B",
                unit_scale=True,
                desc="Reading",
                delay=1,
                disable=no_progress,
            ) as bar,
        ):

            def progress(running: ImportSummary) -> None:
                nonlocal summary
                summary = running
                bar.update(stream.tell() - bar.n)
                bar.set_postfix(children=running.children_read, rejected=running.children_rejected)

            try:
                summary = import_census(stream, on_progress=progress)
            except CensusFileError as error:
                raise CommandError(f"{file}: {error} Nothing was imported.") from None
        self._print(summary)
        if report is not None:
            with report.open("w", newline="", encoding="utf-8") as out:
                writer = csv_writer(out)
                writer.writerow(REPORT_HEADER)
                writer.writerows(report_rows(r.as_dict() for r in summary.rejections))
            self.stdout.write(f"Rejection report written to {report}")

    def _print(self, summary: ImportSummary) -> None:
        for line in summary.lines():
            self.stdout.write(line)
        for rejection in summary.rejections:
            for violation in rejection.violations:
                self.stdout.write(f"Rejected {rejection.child_id or '(no LAchildID)'}: {violation}")
