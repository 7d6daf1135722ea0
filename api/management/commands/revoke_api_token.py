"""`python manage.py revoke_api_token LABEL_OR_PREFIX`: revoke the token(s) with that label, or that prefix."""

from django.core.management.base import BaseCommand, CommandError

from api.tokens import TokenError, revoke_matching


class Command(BaseCommand):
    help = "Revoke API tokens by label (every live token with it) or by prefix (as lists show it)."

    def add_arguments(self, parser):
        parser.add_argument("label_or_prefix")

    def handle(self, *args, label_or_prefix, **options):
        try:
            revoked = revoke_matching(label_or_prefix)
        except TokenError as error:
            raise CommandError(str(error)) from None
        for token in revoked:
            self.stdout.write(f"Revoked {token.prefix} ({token.name or 'no label'}) of {token.user.username}")
