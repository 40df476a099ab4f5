from __future__ import annotations

from types import SimpleNamespace

import pytest
from simple_history.models import HistoricalRecords


@pytest.fixture
def acting_as():
    """Pretend a request by a user is being served, as HistoryRequestMiddleware does.

    Changes made while it is in force are attributed to that user, both in
    simple_history's versions and in the audit trail.
    """

    def act(user):
        HistoricalRecords.context.request = SimpleNamespace(user=user)

    yield act
    if hasattr(HistoricalRecords.context, "request"):
        del HistoricalRecords.context.request
