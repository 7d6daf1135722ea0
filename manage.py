#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "repeatplans.settings")
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(sys.argv)
    except ImproperlyConfigured as error:
        # A missing setting is the operator's to fix: one line that says which, not a traceback.
        sys.exit(f"ImproperlyConfigured: {error}")


if __name__ == "__main__":
    main()
