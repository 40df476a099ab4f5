from django.apps import AppConfig


class DelegationConfig(AppConfig):
    name = "delegation"
    verbose_name = "Delegation to schools"

    def ready(self) -> None:
        from delegation import signals  # noqa: F401 (connects the receivers)
