"""`python manage.py restore FILE`: a backup into a new, empty database, in one transaction.

Only into an empty database: the trail is append-only, so a restore never overwrites or merges
with records that are there; create a database, point DATABASE_URL at it, then restore.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from operations.postgres import PostgresToolError, run


class Command(BaseCommand):
    help = "Restore a backup written by `backup FILE` into the (new, empty) database DATABASE_URL names."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file: Path, **options):
        if not file.is_file():
            raise CommandError(f"No backup at {file}.")
        if connection.introspection.table_names():
            raise CommandError(
                f"The database {connection.settings_dict['NAME']} already has tables: restore into a new, "
                "empty database (create it and point DATABASE_URL at it)."
            )
        connection.close()
        try:
            run(
                "pg_restore",
                "--single-transaction",
                "--no-owner",
                "--no-privileges",
                "--exit-on-error",
                f"--dbname={connection.settings_dict['NAME']}",
                str(file),
            )
        except PostgresToolError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"Restored {file} into {connection.settings_dict['NAME']}.")
