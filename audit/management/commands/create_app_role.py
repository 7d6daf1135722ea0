"""Create or update the app's own database role. Run with the owner's DATABASE_URL, after `migrate`."""

from django.core.management.base import BaseCommand
from django.db import transaction

from audit.database_roles import create_app_role


class Command(BaseCommand):
    help = "Create or update the login role the app connects as: it owns nothing and only adds to the trail."

    def add_arguments(self, parser):
        parser.add_argument("name", help="The role's name, e.g. gatekeeping_app.")
        parser.add_argument("--password", help="Set (or change) the role's password.")

    def handle(self, *args, name, password, **options):
        with transaction.atomic():
            create_app_role(name, password)
        self.stdout.write(f"Role {name} has the app's rights.")
