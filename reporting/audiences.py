"""Who sees which numbers on the dashboards, in one place.

Rules, in plain English:
- The Virtual School governing board and administrators see the whole authority.
- A social-work manager sees the teams they manage: PEPs whose social worker is in one
  of those teams, and children whose social worker is.
- A headteacher sees their own school: PEPs held for it and children enrolled there.
- A link teacher sees the schools they are linked to, in the same way.
- Someone holding several of these roles sees everything any of them gives.
- Anyone else (social workers, designated teachers, outsiders) has no dashboard: 404.

Seeing a number is not seeing the child behind it. Drill-down lists name a child or
link to a PEP only where `peps.access` lets the viewer open it; otherwise they show
reference numbers only.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.http import Http404

from accounts.models import Team, User
from accounts.roles import Role
from peps.models import School, SchoolStaff

DASHBOARD_ROLES = frozenset(
    {
        Role.GOVERNOR,
        Role.ADMINISTRATOR,
        Role.SOCIAL_WORK_MANAGER,
        Role.HEADTEACHER,
        Role.LINK_TEACHER,
    }
)
WHOLE_AUTHORITY_ROLES = frozenset({Role.GOVERNOR, Role.ADMINISTRATOR})


@dataclass(frozen=True)
class Audience:
    """The slice of the authority one person's dashboards cover."""

    whole_authority: bool = False
    team_ids: frozenset[int] = field(default_factory=frozenset)
    school_ids: frozenset[int] = field(default_factory=frozenset)
    description: str = ""

    @property
    def is_empty(self) -> bool:
        return not (self.whole_authority or self.team_ids or self.school_ids)

    def narrowed_to(self, scope: str) -> Audience | None:
        """Only the part of this audience a subscription's scope names, if any."""
        if scope == "authority":
            return self if self.whole_authority else None
        if scope == "teams":
            if not self.team_ids:
                return None
            return Audience(team_ids=self.team_ids, description="Your teams")
        if scope == "schools":
            if not self.school_ids:
                return None
            return Audience(school_ids=self.school_ids, description="Your schools")
        return self


def can_see_dashboards(user: User) -> bool:
    return user.is_authenticated and user.is_active and user.has_role(*DASHBOARD_ROLES)


def audience_for(user: User) -> Audience:
    """The audience of `user`; a 404 for anyone without a dashboard role."""
    if not can_see_dashboards(user):
        raise Http404("No dashboards.")

    if user.has_role(*WHOLE_AUTHORITY_ROLES):
        return Audience(whole_authority=True, description="The whole authority")

    teams: list[tuple[int, str]] = []
    if user.has_role(Role.SOCIAL_WORK_MANAGER):
        teams = list(Team.objects.filter(manager=user).values_list("id", "name"))

    schools: list[tuple[int, str]] = []
    if user.has_role(Role.HEADTEACHER, Role.LINK_TEACHER):
        schools = list(_schools_of(user).values_list("id", "name"))

    return Audience(
        team_ids=frozenset(pk for pk, _ in teams),
        school_ids=frozenset(pk for pk, _ in schools),
        description=_describe(teams, schools),
    )


def _schools_of(user: User):
    headed = SchoolStaff.objects.filter(
        user=user, position=SchoolStaff.Position.HEADTEACHER
    ).values("school_id")
    reach = School.objects.none()
    if user.has_role(Role.HEADTEACHER) and user.has_role(Role.LINK_TEACHER):
        reach = School.objects.filter(pk__in=headed) | School.objects.filter(
            link_teacher=user
        )
    elif user.has_role(Role.HEADTEACHER):
        reach = School.objects.filter(pk__in=headed)
    else:
        reach = School.objects.filter(link_teacher=user)
    return reach.order_by("name")


def _describe(teams: list[tuple[int, str]], schools: list[tuple[int, str]]) -> str:
    parts = []
    if teams:
        parts.append(_named("team", [name for _, name in teams]))
    if schools:
        parts.append(_named("school", [name for _, name in schools]))
    if not parts:
        return "No teams or schools are linked to your account yet"
    return "; ".join(parts)


def _named(noun: str, names: list[str]) -> str:
    if len(names) > 3:
        return f"{len(names)} {noun}s"
    return f"{noun.capitalize()}{'s' if len(names) > 1 else ''}: {', '.join(names)}"
