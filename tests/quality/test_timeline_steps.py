"""Workflow moves close the matching step of the PEP's preparation timeline."""

import datetime

from peps.models import PepTask
from peps.services import pep_create
from quality import services


def test_finalising_closes_the_finalise_task(child, social_worker):
    pep = pep_create(child, datetime.date(2024, 2, 1), social_worker)
    pep.next_meeting_date = datetime.date(2024, 8, 1)
    pep.save()

    services.pep_finalise(pep, social_worker, today=datetime.date(2024, 2, 2))

    finalise = PepTask.objects.get(pep=pep, step="finalise")
    assert finalise.completed_at is not None
    still_open = PepTask.objects.filter(pep=pep, completed_at__isnull=True)
    assert "finalise" not in set(still_open.values_list("step", flat=True))
