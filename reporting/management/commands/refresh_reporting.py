"""Work out the dashboards' figures now, instead of waiting for the scheduled job."""

from django.core.management.base import BaseCommand

from reporting.facts import refresh_facts


class Command(BaseCommand):
    help = "Rebuild the figures the dashboards read, as the scheduled job does."

    def handle(self, *args: object, **options: object) -> None:
        refresh = refresh_facts()
        self.stdout.write(
            f"Dashboard figures worked out as of {refresh.as_of}: "
            f"peps={refresh.peps} children={refresh.children}"
        )
