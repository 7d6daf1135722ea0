"""`python manage.py benchmark [--children N] [--output FILE] [--duration S]` (operations/benchmark/run.py)."""

import datetime
import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from operations.benchmark import run


class Command(BaseCommand):
    help = (
        "Measure the pages, the indicators, the census import and the assessment on a database of N children "
        "built for the purpose, beside their floors, and set each figure beside its target."
    )

    def add_arguments(self, parser):
        parser.add_argument("--children", type=int, default=100_000, help="The council's size (default 100,000).")
        parser.add_argument("--output", type=Path, help="Also write the results to this JSON file.")
        parser.add_argument("--duration", type=float, default=60, help="Seconds of load on each page (default 60).")
        parser.add_argument(
            "--import-children", type=int, default=20_000, help="Children in the census return (default 20,000)."
        )
        parser.add_argument(
            "--database", help="Its database (default repeatplans_bench_N): built if missing, then kept."
        )
        parser.add_argument(
            "--wait", type=float, default=0, help="Seconds each person waits between pages (default 0: back to back)."
        )
        parser.add_argument(
            "--repeats", type=int, default=5, help="Alternating runs of the indicators' measures (default 5)."
        )
        parser.add_argument("--keep", action="store_true", help="Keep the run's copy of the database afterwards.")
        parser.add_argument(
            "--schema-from",
            help="Build from a copy of this empty, migrated database instead of migrating a new one (the tests' own).",
        )

    def handle(self, *args, children, output, duration, import_children, repeats, **options):
        if children < 100:
            raise CommandError("--children must be at least 100.")
        if duration <= 0 or import_children < 1 or repeats < 1:
            raise CommandError("--duration, --import-children and --repeats must be positive.")
        try:
            result = run.benchmark(
                children,
                duration,
                import_children,
                options["database"],
                options["wait"],
                options["keep"],
                say=self._say,
                schema_from=options["schema_from"],
                repeats=repeats,
            )
        except RuntimeError as error:
            raise CommandError(str(error)) from None
        self.stdout.write("")
        self.stdout.write(result["table"])
        if output:
            output.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
            self.stdout.write(f"\nResults written to {output}.")

    def _say(self, message: str) -> None:
        self.stdout.write(f"[{datetime.datetime.now():%H:%M:%S}] {message}")
