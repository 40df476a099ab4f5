from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = "Audit trail"

    def ready(self) -> None:
        # Connecting the receivers here keeps them live in web processes, Celery
        # workers and management commands alike.
        from audit import jobs, signals

        signals.connect()
        jobs.connect()
