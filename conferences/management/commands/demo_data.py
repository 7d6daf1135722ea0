"""Build the demo council (see conferences/demo.py)."""

from django.core.management.base import BaseCommand

from conferences import demo
from people.models import ServiceArea


class Command(BaseCommand):
    help = "Build a realistic demo council: service areas, teams, one user per role, children, plans, requests."

    def add_arguments(self, parser):
        parser.add_argument("--if-empty", action="store_true", help="Do nothing when the database has data already.")
        parser.add_argument("--children", type=int, default=60)

    def handle(self, *args, if_empty=False, children=60, **options):
        if if_empty and ServiceArea.objects.exists():
            self.stdout.write("Demo data already loaded.")
            return
        demo.build(children=children, out=self.stdout.write)
        self.stdout.write(self.style.SUCCESS(f"Demo ready. Every demo user's password is '{demo.DEMO_PASSWORD}'."))
