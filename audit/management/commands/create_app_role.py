"""Create or update the app's own database role. Run with the owner's DATABASE_URL, after `migrate`."""

from urllib.parse import quote, urlencode

from django.core.management.base import BaseCommand
from django.db import connection, transaction

from audit.database_roles import create_app_role


def app_database_url(name: str, password: str | None) -> str:
    """The owner's database at the same address (a TCP host or a socket folder), signed in as `name`."""
    settings = connection.settings_dict
    credentials = quote(name, safe="") + (f":{quote(password, safe='')}" if password else "")
    host = settings.get("HOST") or ""
    port = f":{settings['PORT']}" if settings.get("PORT") else ""
    socket = (settings.get("OPTIONS") or {}).get("host")
    query = f"?{urlencode({'host': socket})}" if socket and not host else ""
    return f"postgres://{credentials}@{host}{port}/{quote(settings['NAME'], safe='')}{query}"


class Command(BaseCommand):
    help = "Create or update the login role the app connects as: it owns nothing and only adds to the trail."

    def add_arguments(self, parser):
        parser.add_argument("name", help="The role's name, e.g. gatekeeping_app.")
        parser.add_argument("--password", help="Set (or change) the role's password.")
        parser.add_argument(
            "--print-url",
            action="store_true",
            help="Print only the DATABASE_URL the app should use (same database, this role), for scripts.",
        )

    def handle(self, *args, name, password, print_url, **options):
        with transaction.atomic():
            create_app_role(name, password)
        if print_url:
            self.stdout.write(app_database_url(name, password))
        else:
            self.stdout.write(f"Role {name} has the app's rights.")
