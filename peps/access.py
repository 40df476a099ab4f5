"""Permission-checked reads: every view fetches children and PEPs through here.

Rules, in plain English:
- Virtual School administrators reach every child and PEP.
- A social worker reaches the children on their caseload and those PEPs.
- A link teacher reaches the children currently enrolled at their schools.
- Anyone may also be granted one child or one PEP by an object grant (django-guardian).
  A grant on one PEP opens it here only for staff: a designated teacher's grants from
  a delegation open the delegation portal's own pages (delegation.access), which show
  the school section alone, and never these screens with Sections A and C.
- A new PEP is scheduled by the child's allocated social worker or an administrator.
- Everything else does not exist for that user: a 404, never a 403.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from accounts.models import User
from accounts.roles import STAFF_ROLES, Role
from peps import section_rules
from peps.models import (
    Child,
    ChildUserObjectPermission,
    Enrolment,
    Pep,
    PepUserObjectPermission,
)


def _granted_children(user: User) -> QuerySet[ChildUserObjectPermission]:
    return ChildUserObjectPermission.objects.filter(
        user=user, permission__codename="view_child"
    )


def children_for(user: User) -> QuerySet[Child]:
    """The children this user may open."""
    if not user.is_authenticated or not user.is_active:
        return Child.objects.none()
    if user.has_role(Role.ADMINISTRATOR):
        return Child.objects.all()

    reach = Q(pk__in=_granted_children(user).values("content_object_id"))
    if user.has_role(Role.SOCIAL_WORKER):
        reach |= Q(social_worker=user)
    if user.has_role(Role.LINK_TEACHER):
        current_at_my_schools = Enrolment.objects.filter(
            child=OuterRef("pk"), ended_on__isnull=True, school__link_teacher=user
        )
        reach |= Q(Exists(current_at_my_schools))
    return Child.objects.filter(reach)


def get_child(user: User, pk: int) -> Child:
    child = children_for(user).filter(pk=pk).first()
    if child is None:
        raise Http404("No child found.")
    return child


def delegated_pep_ids(user: User) -> QuerySet[PepUserObjectPermission]:
    return PepUserObjectPermission.objects.filter(
        user=user, permission__codename="complete_school_section"
    ).values("content_object_id")


def peps_for(user: User) -> QuerySet[Pep]:
    """The PEPs this user may open: those of their children, and those granted."""
    if not user.is_authenticated or not user.is_active:
        return Pep.objects.none()
    if user.has_role(Role.ADMINISTRATOR):
        return Pep.objects.all()
    reach = Q(child__in=children_for(user))
    if user.has_role(*STAFF_ROLES):
        # A grant that came with a delegated school section opens only the school
        # pages, even for someone who also holds a staff role.
        granted = (
            PepUserObjectPermission.objects.filter(user=user)
            .exclude(content_object__delegations__teacher=user)
            .values("content_object_id")
        )
        reach |= Q(pk__in=granted)
    return Pep.objects.filter(reach).distinct()


def get_pep(user: User, pk: int) -> Pep:
    pep = peps_for(user).select_related("child", "school").filter(pk=pk).first()
    if pep is None:
        raise Http404("No PEP found.")
    return pep


def may_create_pep(user: User, child: Child) -> bool:
    """The child's allocated social worker and administrators schedule PEP meetings."""
    if user.has_role(Role.ADMINISTRATOR):
        return True
    return user.has_role(Role.SOCIAL_WORKER) and child.social_worker_id == user.pk


def require_may_create_pep(user: User, child: Child) -> None:
    if not may_create_pep(user, child):
        raise Http404("No such page.")


def edit_context(user: User, pep: Pep) -> section_rules.EditContext:
    """Gather, for the pure rules, what they need to know about this user and PEP."""
    child = pep.child
    holds_delegation = PepUserObjectPermission.objects.filter(
        user=user, content_object=pep, permission__codename="complete_school_section"
    ).exists()
    is_link_teacher = user.has_role(Role.LINK_TEACHER) and (
        Enrolment.objects.filter(
            child=child, ended_on__isnull=True, school__link_teacher=user
        ).exists()
    )
    section_b_submitted = getattr(getattr(pep, "section_b", None), "submitted_at", None)
    return section_rules.EditContext(
        roles=user.roles,
        pep_status=pep.status,
        reopened_sections=section_rules.reopened(pep.reopened_sections),
        is_allocated_social_worker=user.has_role(Role.SOCIAL_WORKER)
        and child.social_worker_id == user.pk,
        is_link_teacher_for_child=is_link_teacher,
        holds_school_delegation=holds_delegation,
        school_section_submitted=section_b_submitted is not None,
    )


def editable_sections(user: User, pep: Pep) -> frozenset[str]:
    return section_rules.editable_sections(edit_context(user, pep))


def require_editable(user: User, pep: Pep, section: str) -> None:
    """A section the user may not edit is not there for them to edit: 404."""
    if section not in editable_sections(user, pep):
        raise Http404("No such section to edit.")
