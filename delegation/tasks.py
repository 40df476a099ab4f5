"""Daily upkeep of delegations, run by Celery beat."""

from __future__ import annotations

import logging

from celery import shared_task

from delegation import services

logger = logging.getLogger(__name__)


@shared_task(name="delegation.tasks.expire_delegations")
def expire_delegations() -> dict[str, int]:
    """Expire overdue delegations, end access 30 days after submission, tidy imports.

    Idempotent: each delegation is re-read under a row lock and skipped once done.
    """
    counts = services.expire_delegations()
    logger.info(
        "Delegation upkeep: %d expired, %d left trays, %d stale imports deleted",
        counts["expired"],
        counts["access_ended"],
        counts["imports_deleted"],
    )
    return counts
