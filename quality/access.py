"""Permission-checked reads for quality assurance and published PEPs.

Rules, in plain English:
- The QA queue of a link teacher holds the finalised PEPs of the children currently at
  their schools, oldest first; an administrator's holds every finalised PEP.
- A published PEP may be downloaded by anyone who may open the PEP itself (the social
  worker, the link teacher, an administrator), by the designated teacher it was
  delegated to while the delegation's grants last, and by any designated teacher on
  the staff of the PEP's school.
- Anything else does not exist for that user: a 404, never a 403.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from accounts.models import User
from accounts.roles import Role
from delegation import rules as delegation_rules
from delegation.models import Delegation
from peps import access as pep_access
from peps.models import Pep, SchoolStaff
from quality.facts import school_delegates
from quality.models import PublishedPep
from quality.workflow import Actor, Status


def workflow_actor(user: User, pep: Pep) -> Actor:
    """What the workflow rules need to know about this user and this PEP."""
    context = pep_access.edit_context(user, pep)
    return Actor(
        roles=context.roles,
        is_allocated_social_worker=context.is_allocated_social_worker,
        is_link_teacher_for_child=context.is_link_teacher_for_child,
        holds_school_delegation=context.holds_school_delegation,
    )


def school_has_delegate(pep: Pep) -> bool:
    return school_delegates(pep).exists()


def qa_queue_for(user: User) -> QuerySet[Pep]:
    """Finalised PEPs waiting for this link teacher or administrator, oldest first."""
    if not user.has_role(Role.LINK_TEACHER, Role.ADMINISTRATOR):
        return Pep.objects.none()
    return (
        pep_access.peps_for(user)
        .filter(status=Status.FINALISED)
        .select_related("child", "school", "social_worker")
        .order_by("finalised_at", "meeting_date", "pk")
    )


def returned_for(user: User) -> QuerySet[Pep]:
    """PEPs this user can see that are out for amendment, longest out first."""
    return (
        pep_access.peps_for(user)
        .filter(status=Status.RETURNED)
        .select_related("child", "school")
        .order_by("updated_at", "pk")
    )


def _designated_teacher_schools(user: User) -> QuerySet[SchoolStaff]:
    return SchoolStaff.objects.filter(
        user=user, position=SchoolStaff.Position.DESIGNATED_TEACHER
    ).values("school_id")


def _granted_pep_ids(user: User) -> QuerySet[Delegation]:
    # A delegated teacher may download the PEP while their delegation is readable
    # (see delegation.rules), checked on the delegation's own dates rather than on
    # grants that the nightly job removes, so access ends on time even without it.
    now = timezone.now()
    live = Q(status=Delegation.Status.ASSIGNED, expires_at__gt=now)
    recently_submitted = Q(
        status=Delegation.Status.SUBMITTED,
        submitted_at__gt=now - delegation_rules.SUBMITTED_KEPT_FOR,
    )
    return Delegation.objects.filter(live | recently_submitted, teacher=user).values(
        "pep_id"
    )


def publications_for(user: User) -> QuerySet[PublishedPep]:
    """Every published version this user may download."""
    if not user.is_authenticated or not user.is_active:
        return PublishedPep.objects.none()
    if user.has_role(Role.ADMINISTRATOR):
        return PublishedPep.objects.all()

    reach = (
        Q(pep__in=pep_access.peps_for(user).values("pk"))
        | Q(pep__in=_granted_pep_ids(user))
        | Q(pep__school_id__in=_designated_teacher_schools(user))
    )
    return PublishedPep.objects.filter(reach)


def get_publication(user: User, pk: int) -> PublishedPep:
    publication = (
        publications_for(user)
        .exclude(file="")
        .select_related("pep", "pep__child")
        .filter(pk=pk)
        .first()
    )
    if publication is None:
        raise Http404("No published PEP found.")
    return publication


def is_school_designated_teacher(user: User) -> bool:
    return SchoolStaff.objects.filter(
        user=user, position=SchoolStaff.Position.DESIGNATED_TEACHER
    ).exists()


def school_publications_for(user: User) -> QuerySet[PublishedPep]:
    """The rendered PEPs of the schools where this user is the designated teacher."""
    return (
        PublishedPep.objects.filter(
            pep__school_id__in=_designated_teacher_schools(user)
        )
        .exclude(file="")
        .select_related("pep", "pep__child", "pep__school")
        .order_by("-rendered_at", "-pk")
    )
