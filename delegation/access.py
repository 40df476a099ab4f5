"""Permission-checked reads for the delegation portal. Anything else is a 404.

Rules, in plain English:
- A teacher reaches a delegation only if it is theirs (they opened its link under the
  invited address), it is live or submitted less than 30 days ago, and they hold the
  PEP's view grant. All three are checked on every request, so a late daily task
  cannot leave a door open.
- A teacher edits through a delegation only while it is live, they hold the
  complete-school-section grant, and the PEP's rules let them edit Sections B and D
  (a finalised or approved PEP is locked).
- Staff delegate or retract a PEP's school section if they may open the PEP and are a
  Virtual School administrator or the child's link teacher.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.http import Http404
from django.utils import timezone

from accounts.models import User
from accounts.roles import STAFF_ROLES, Role
from delegation import rules
from delegation.models import Delegation
from peps import access as pep_access
from peps.models import Enrolment, Pep, PupilVoiceAttachment


def teacher_delegation(user: User, pk: int) -> Delegation:
    """A delegation its teacher may read: theirs, live or recently submitted."""
    if not user.is_authenticated or not user.is_active:
        raise Http404("No such task.")
    delegation = (
        Delegation.objects.select_related("pep", "pep__child", "pep__school")
        .filter(pk=pk, teacher=user)
        .first()
    )
    if delegation is None or not rules.is_readable(
        delegation.status,
        delegation.expires_at,
        delegation.submitted_at,
        timezone.now(),
    ):
        raise Http404("No such task.")
    if not user.has_perm("peps.view_pep", delegation.pep):
        raise Http404("No such task.")
    return delegation


def may_edit(user: User, delegation: Delegation) -> bool:
    if not rules.is_live(delegation.status, delegation.expires_at, timezone.now()):
        return False
    if not user.has_perm("peps.complete_school_section", delegation.pep):
        return False
    return rules_allow_school_sections(user, delegation.pep)


def rules_allow_school_sections(user: User, pep: Pep) -> bool:
    editable = pep_access.editable_sections(user, pep)
    return {"B", "D"} <= editable


def teacher_delegation_for_edit(user: User, pk: int) -> Delegation:
    delegation = teacher_delegation(user, pk)
    if not may_edit(user, delegation):
        raise Http404("No such task to edit.")
    return delegation


def teacher_attachment(delegation: Delegation, pk: int) -> PupilVoiceAttachment:
    attachment = delegation.pep.voice_attachments.filter(pk=pk).first()
    if attachment is None:
        raise Http404("No such attachment.")
    return attachment


@dataclass
class Tray:
    assigned: list[Delegation] = field(default_factory=list)
    retracted: list[Delegation] = field(default_factory=list)
    submitted: list[Delegation] = field(default_factory=list)


def tray_for(user: User) -> Tray:
    now = timezone.now()
    tray = Tray()
    candidates = Delegation.objects.select_related(
        "pep", "pep__child", "pep__school"
    ).filter(teacher=user)
    for delegation in candidates:
        shown_in = rules.tray_list(
            delegation.status,
            delegation.expires_at,
            delegation.retracted_at,
            delegation.submitted_at,
            now,
        )
        if shown_in == rules.ASSIGNED:
            tray.assigned.append(delegation)
        elif shown_in == rules.RETRACTED:
            tray.retracted.append(delegation)
        elif shown_in == rules.SUBMITTED:
            delegation.leaves_tray_at = (
                delegation.submitted_at + rules.SUBMITTED_KEPT_FOR
            )
            tray.submitted.append(delegation)
    return tray


def may_delegate(user: User, pep: Pep) -> bool:
    if user.has_role(Role.ADMINISTRATOR):
        return True
    if not user.has_role(Role.LINK_TEACHER):
        return False
    return Enrolment.objects.filter(
        child=pep.child, ended_on__isnull=True, school__link_teacher=user
    ).exists()


def pep_for_delegating(user: User, pk: int) -> Pep:
    pep = pep_access.get_pep(user, pk)
    if not may_delegate(user, pep):
        raise Http404("No PEP found.")
    return pep


def delegation_for_staff(user: User, pk: int) -> Delegation:
    delegation = Delegation.objects.select_related("pep").filter(pk=pk).first()
    if delegation is None:
        raise Http404("No such delegation.")
    pep_for_delegating(user, delegation.pep_id)
    return delegation


def staff_attachment(user: User, pk: int) -> PupilVoiceAttachment:
    """An attachment for staff who may open its PEP through their role, not a grant."""
    attachment = PupilVoiceAttachment.objects.filter(pk=pk).first()
    if attachment is None or not user.has_role(*STAFF_ROLES):
        raise Http404("No such attachment.")
    if not pep_access.children_for(user).filter(pk=attachment.pep.child_id).exists():
        raise Http404("No such attachment.")
    return attachment
