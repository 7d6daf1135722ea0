from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = "Children and CP plans"

    def ready(self):
        from cases import signals  # noqa: F401
