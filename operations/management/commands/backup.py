"""`python manage.py backup FILE`: the whole database (records, the trail, history) in pg_dump's custom format."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from operations.postgres import PostgresToolError, run


class Command(BaseCommand):
    help = "Write the whole database to FILE (pg_dump custom format); `restore FILE` reads it back."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file: Path, **options):
        try:
            run("pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--file={file}")
        except PostgresToolError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"Backed up the database to {file} ({file.stat().st_size:,} bytes).")
