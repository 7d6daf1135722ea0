"""`python manage.py import_benchmark [--children N] [--output FILE]`: the census import beside its floor.

Generates a return of N children (cases/census_benchmark.py), then in one run: a plain
parse-and-insert of the same rows, a first import and a second import of the unchanged file, and
the peak memory of a first import at other sizes. Each import runs in its own process, against
this database, with children IDs no earlier run used (plans are never deleted): run it on a
scratch database, never a council's.
"""

import json
import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand

from cases.census_benchmark import import_benchmark


class Command(BaseCommand):
    help = "Measure the census import beside a plain parse-and-insert of the same rows (scratch database only)."

    def add_arguments(self, parser):
        parser.add_argument("--children", type=int, default=20_000, help="children in the return (default 20,000)")
        parser.add_argument(
            "--memory-sizes",
            type=lambda text: tuple(int(n) for n in text.split(",")),
            default=(5_000, 20_000, 40_000),
            help="children in the returns whose peak memory is measured (default 5000,20000,40000)",
        )
        parser.add_argument("--output", type=Path, help="also write the figures to this JSON file")

    def handle(self, *args, children: int, memory_sizes: tuple[int, ...], output: Path | None, **options):
        with tempfile.TemporaryDirectory() as folder:
            figures = import_benchmark(folder, children=children, memory_sizes=memory_sizes)
        rows = [
            ("children / plans", f"{figures['children']:,} / {figures['plans']:,}"),
            ("first import", f"{figures['first_import_seconds']} s ({figures['children_per_second']:,} children/s)"),
            ("plain parse + insert", f"{figures['plain_insert_seconds']} s"),
            ("first import / plain", f"{figures['ratio_to_plain_insert']}x"),
            ("second import (unchanged)", f"{figures['second_import_seconds']} s"),
            ("first / second", f"{figures['second_import_speedup']}x"),
            *((f"peak memory, {size:,} children", f"{mb} MB") for size, mb in figures["peak_memory_mb"].items()),
        ]
        width = max(len(name) for name, _ in rows)
        for name, value in rows:
            self.stdout.write(f"{name:<{width}}  {value}")
        if output is not None:
            output.write_text(json.dumps(figures, indent=2) + "\n")
            self.stdout.write(f"Figures written to {output}")
