"""Run the daily reminders now: what is due tomorrow, today or overdue, escalations, and the digests.

Celery beat runs the same task every weekday morning in production; the demo runs this at startup.
"""

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from notifications.tasks import send_reminders


class Command(BaseCommand):
    help = "Send today's reminders, escalations and daily digest emails (runs in this process)."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="Run as if on this day (YYYY-MM-DD); default today.")

    def handle(self, *args, **options):
        on = options["date"]
        if on:
            try:
                date.fromisoformat(on)
            except ValueError:
                raise CommandError(f"--date must be a date as YYYY-MM-DD, not '{on}'.") from None
        summary = send_reminders.apply(kwargs={"on": on}, throw=True).get()
        if not summary["working_day"]:
            self.stdout.write(f"{summary['date']} is not a working day: no reminders sent.")
            return
        made = ", ".join(f"{n} {kind.replace('_', ' ')}" for kind, n in summary["made"].items())
        digests = f"digest emails to {summary['digests']} people"
        self.stdout.write(self.style.SUCCESS(f"Reminders for {summary['date']}: {made or 'nothing new'}; {digests}."))
