#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys

# Commands that never read the database run without one: with no DATABASE_URL they get Django's
# dummy database instead of an error, and nothing is started. `check --database` reads it.
WITHOUT_DATABASE = {"help", "version", "collectstatic", "check", "makemigrations", "diffsettings", "findstatic"}


def needs_no_database(argv: list[str]) -> bool:
    command = argv[1] if len(argv) > 1 else "help"
    if command in ("-h", "--help", "--version"):
        return True
    return command in WITHOUT_DATABASE and not (command == "check" and "--database" in argv)


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "repeatplans.settings")
    if not os.environ.get("DATABASE_URL") and needs_no_database(sys.argv):
        os.environ["DJANGO_WITHOUT_DATABASE"] = "true"
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(sys.argv)
    except ImproperlyConfigured as error:
        # A missing setting is the operator's to fix: one line that says which, not a traceback.
        sys.exit(f"ImproperlyConfigured: {error}")


if __name__ == "__main__":
    main()
