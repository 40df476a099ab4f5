"""Who may edit which section of a PEP, and when. Pure: no database access.

The rules, in plain English:
- Sections A and C belong to the social worker; the child's allocated social worker and
  Virtual School administrators may edit them.
- Sections B and D belong to the school. The designated teacher the school section was
  delegated to may edit them until the school submits them; social workers and link
  teachers record what the meeting added to them; administrators may always edit them.
- Section E belongs to the Virtual School: link teachers and administrators edit it.
- Once a PEP is finalised, Sections A to D are locked. If the link teacher returns it,
  only the sections named in the return reopen. An approved PEP is read-only.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from accounts.roles import Role

SECTIONS = ("A", "B", "C", "D", "E")
SOCIAL_CARE_SECTIONS = frozenset({"A", "C"})
SCHOOL_SECTIONS = frozenset({"B", "D"})


@dataclass(frozen=True)
class EditContext:
    """What the rules need to know about one user and one PEP."""

    roles: frozenset[Role]
    pep_status: str
    reopened_sections: frozenset[str] = frozenset()
    is_allocated_social_worker: bool = False
    is_link_teacher_for_child: bool = False
    holds_school_delegation: bool = False
    school_section_submitted: bool = False


def _open_for_changes(section: str, context: EditContext) -> bool:
    if context.pep_status == "approved":
        return False
    if section == "E":
        return context.pep_status in {"finalised", "draft", "returned"}
    if context.pep_status == "draft":
        return True
    if context.pep_status == "returned":
        return section in context.reopened_sections
    return False


def _holds_section(section: str, context: EditContext) -> bool:
    if Role.ADMINISTRATOR in context.roles:
        return True
    if section in SOCIAL_CARE_SECTIONS:
        return context.is_allocated_social_worker
    if section in SCHOOL_SECTIONS:
        if context.holds_school_delegation:
            return not context.school_section_submitted
        return context.is_allocated_social_worker or context.is_link_teacher_for_child
    if section == "E":
        return context.is_link_teacher_for_child
    return False


def may_edit(section: str, context: EditContext) -> bool:
    if section not in SECTIONS:
        raise ValueError(f"There is no section {section!r}; sections are A to E.")
    return _open_for_changes(section, context) and _holds_section(section, context)


def editable_sections(context: EditContext) -> frozenset[str]:
    return frozenset(section for section in SECTIONS if may_edit(section, context))


def reopened(sections: Iterable[str]) -> frozenset[str]:
    return frozenset(section for section in sections if section in SECTIONS)
