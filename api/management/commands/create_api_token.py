"""`python manage.py create_api_token USERNAME [--days N] [--name LABEL]`: prints one new token, and nothing else.

The token is shown only now; the database keeps its SHA-256 digest.
"""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from api.tokens import TokenError, create_token


class Command(BaseCommand):
    help = "Make an API token for a user and print it on one line (it is not shown again)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--days", type=int, default=None, help="Days until it expires (default 90).")
        parser.add_argument("--name", default="", help="A label: what the token is for.")

    def handle(self, *args, username, days=None, name="", **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user is called '{username}'.")
        try:
            _, raw = create_token(user, days=days, name=name)
        except TokenError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(raw)
