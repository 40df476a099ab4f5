"""A stand-in for `peps.services.pep_create` until the real one reaches main.

It has the real operation's signature and does its core: the PEP with its four
sections, tied to the child's social worker and current school.

TODO: Delete this module and import pep_create from peps.services once the importers
branch, which writes the real operation, is merged into main.
"""

from __future__ import annotations

from datetime import date

from django.db import transaction

from accounts.models import User
from peps.models import Child, Pep, SectionA, SectionB, SectionC, SectionD


@transaction.atomic
def pep_create(
    child: Child, meeting_date: date, created_by: User, *, late_reason: str = ""
) -> Pep:
    enrolment = (
        child.enrolments.filter(ended_on__isnull=True).select_related("school").first()
    )
    pep = Pep.objects.create(
        child=child,
        meeting_date=meeting_date,
        due_on=child.next_pep_due_on,
        late_reason=late_reason,
        school=enrolment.school if enrolment else None,
        social_worker=child.social_worker,
        created_by=created_by,
    )
    for section in (SectionA, SectionB, SectionC, SectionD):
        section.objects.create(pep=pep)
    return pep
