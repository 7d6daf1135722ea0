from django.apps import AppConfig


class ConferencesConfig(AppConfig):
    name = "conferences"
    verbose_name = "Conference requests"

    def ready(self):
        from conferences import signals  # noqa: F401
