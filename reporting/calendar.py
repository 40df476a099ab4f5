"""The numbered working days that let SQL count "10 working days after the meeting"."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import date, timedelta

from django.db import transaction

from peps import cycle

logger = logging.getLogger(__name__)

# Wide enough for any PEP an authority still holds and any deadline it will set.
FIRST_DAY = date(2000, 1, 1)
LAST_DAY = date(2060, 12, 31)


def numbered_days(first: date, last: date) -> Iterator[tuple[date, bool, int]]:
    """(day, is working day, working days from `first` up to and including day)."""
    number = 0
    day = first
    while day <= last:
        working = cycle.is_working_day(day)
        if working:
            number += 1
        yield day, working, number
        day += timedelta(days=1)


def refresh_working_days(first: date = FIRST_DAY, last: date = LAST_DAY) -> int:
    """Rebuild the table, e.g. after the holidays package learns a new bank holiday."""
    from reporting.models import WorkingDay

    rows = [
        WorkingDay(day=day, is_working_day=working, number=number)
        for day, working, number in numbered_days(first, last)
    ]
    with transaction.atomic():
        WorkingDay.objects.all().delete()
        WorkingDay.objects.bulk_create(rows, batch_size=2000)

    logger.info("Numbered %s calendar days for reporting", len(rows))
    return len(rows)
