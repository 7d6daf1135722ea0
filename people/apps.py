from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "people"
    verbose_name = "Staff, teams and service areas"

    def ready(self):
        from people import signals  # noqa: F401
