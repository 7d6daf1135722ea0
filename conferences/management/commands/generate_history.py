"""`python manage.py generate_history --children N`: a council's ten years of CP history, built fast
(conferences/generated_history.py), with the demo people to sign in as."""

from django.core.management.base import BaseCommand, CommandError

from conferences import demo, generated_history


class Command(BaseCommand):
    help = "Build a ten-year CP history of N children (plans, families, teams, requests) in an empty database."

    def add_arguments(self, parser):
        parser.add_argument("--children", type=int, default=100_000, help="How many children (default 100,000).")
        parser.add_argument("--seed", type=int, default=2026, help="The same seed and size give the same council.")

    def handle(self, *args, children: int, seed: int, **options):
        if children < 10:
            raise CommandError("--children must be at least 10.")
        try:
            generated_history.generate(children=children, seed=seed, out=self.stdout.write)
        except generated_history.HistoryExists as error:
            raise CommandError(str(error)) from None
        self.stdout.write(self.style.SUCCESS(f"History ready. Every demo user's password is '{demo.DEMO_PASSWORD}'."))
