"""A school section returned by the link teacher reopens the teacher's task."""

import datetime

from django.core import mail
from django.test import TestCase

from delegation import services
from delegation.models import Delegation
from peps.models import Pep, SectionB
from quality import services as quality_services
from tests.delegation.helpers import delegate, fresh
from tests.delegation.test_delegation import complete_school_section
from tests.factories import PepFactory


def _returned_to_school(pep, delegation, social_worker, link_teacher):
    complete_school_section(pep)
    services.delegation_submit(delegation, delegation.teacher)
    pep.next_meeting_date = datetime.date(2024, 8, 1)
    pep.save()
    quality_services.pep_finalise(pep, social_worker)
    with TestCase.captureOnCommitCallbacks(execute=True):
        quality_services.pep_return(
            pep, link_teacher, ["B"], "Add the child's own words on attendance."
        )


def test_returning_section_b_reopens_the_teachers_task_and_tells_them(
    child, social_worker, link_teacher, designated_teacher, administrator
):
    pep = PepFactory(child=child, social_worker=social_worker)
    delegation = delegate(pep, designated_teacher, administrator)

    _returned_to_school(pep, delegation, social_worker, link_teacher)

    delegation = fresh(delegation)
    assert delegation.status == Delegation.Status.ASSIGNED
    assert SectionB.objects.get(pep=pep).submitted_at is None
    assert designated_teacher.has_perm("peps.complete_school_section", pep)
    notice = mail.outbox[-1]
    assert notice.to == [designated_teacher.email]
    assert "Add the child's own words on attendance." in notice.body


def test_submitting_again_sends_the_pep_back_for_review(
    child, social_worker, link_teacher, designated_teacher, administrator
):
    pep = PepFactory(child=child, social_worker=social_worker)
    delegation = delegate(pep, designated_teacher, administrator)
    _returned_to_school(pep, delegation, social_worker, link_teacher)

    services.delegation_submit(fresh(delegation), designated_teacher)

    pep.refresh_from_db()
    assert pep.status == Pep.Status.FINALISED
    assert pep.reopened_sections == []
    assert fresh(delegation).status == Delegation.Status.SUBMITTED
