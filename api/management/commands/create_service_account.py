"""`python manage.py create_service_account USERNAME --role ROLE [--team NAME | --service-area NAME]`

An integration's own user: a role like a person's, no password (it signs in only with API tokens),
and every API call it makes is written to the audit trail.
"""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from api.models import ServiceAccount
from cases.permissions import ensure_role_groups
from people.groups import place_staff
from people.models import ServiceArea, Staff, Team
from people.roles import Role


class Command(BaseCommand):
    help = "Create (or update) a service account for an integration, with a role."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument("--team", help="The team, for a team role.")
        parser.add_argument("--service-area", dest="service_area", help="The service area, for an area role.")
        parser.add_argument("--description", default="", help="What the integration is.")

    @transaction.atomic
    def handle(self, *args, username, role, team=None, service_area=None, description="", **options):
        team_obj = Team.objects.filter(name=team).first() if team else None
        if team and team_obj is None:
            raise CommandError(f"No team is called '{team}'.")
        area_obj = ServiceArea.objects.filter(name=service_area).first() if service_area else None
        if service_area and area_obj is None:
            raise CommandError(f"No service area is called '{service_area}'.")
        ensure_role_groups()
        user, created = get_user_model().objects.get_or_create(username=username)
        if not created and not ServiceAccount.objects.filter(user=user).exists():
            raise CommandError(f"'{username}' is a person's account: give the integration a username of its own.")
        if created:
            user.set_unusable_password()
            user.save()
        Staff.objects.update_or_create(user=user, defaults={"role": role, "team": team_obj, "service_area": area_obj})
        place_staff(user.staff)
        ServiceAccount.objects.update_or_create(user=user, defaults={"description": description})
        self.stdout.write(
            f"Service account {username} ({Role(role).label}) is ready: make it a token with create_api_token."
        )
