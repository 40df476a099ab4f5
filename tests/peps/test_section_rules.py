"""Who may edit which section of a PEP, and when: the pure rules, as a table."""

import pytest

from accounts.roles import Role
from peps.section_rules import EditContext, editable_sections, may_edit, reopened

SOCIAL_WORKER = frozenset({Role.SOCIAL_WORKER})
LINK_TEACHER = frozenset({Role.LINK_TEACHER})
ADMINISTRATOR = frozenset({Role.ADMINISTRATOR})
DESIGNATED_TEACHER = frozenset({Role.DESIGNATED_TEACHER})
GOVERNOR = frozenset({Role.GOVERNOR})


def ctx(roles, status="draft", **facts):
    return EditContext(roles=roles, pep_status=status, **facts)


ALLOCATED = {"is_allocated_social_worker": True}
LINKED = {"is_link_teacher_for_child": True}
DELEGATED = {"holds_school_delegation": True}


@pytest.mark.parametrize(
    ("context", "expected"),
    [
        # A draft PEP.
        (ctx(SOCIAL_WORKER, **ALLOCATED), "ABCD"),
        (ctx(SOCIAL_WORKER), ""),
        (ctx(LINK_TEACHER, **LINKED), "BDE"),
        (ctx(LINK_TEACHER), ""),
        (ctx(ADMINISTRATOR), "ABCDE"),
        (ctx(DESIGNATED_TEACHER, **DELEGATED), "BD"),
        (ctx(DESIGNATED_TEACHER, **DELEGATED, school_section_submitted=True), ""),
        (ctx(DESIGNATED_TEACHER), ""),
        (ctx(GOVERNOR), ""),
        (ctx(frozenset()), ""),
        # Finalised: A to D are locked; the Virtual School works on E.
        (ctx(SOCIAL_WORKER, "finalised", **ALLOCATED), ""),
        (ctx(LINK_TEACHER, "finalised", **LINKED), "E"),
        (ctx(ADMINISTRATOR, "finalised"), "E"),
        (ctx(DESIGNATED_TEACHER, "finalised", **DELEGATED), ""),
        # Returned: only the sections named in the return reopen.
        (
            ctx(
                SOCIAL_WORKER,
                "returned",
                reopened_sections=frozenset({"C", "D"}),
                **ALLOCATED,
            ),
            "CD",
        ),
        (
            ctx(
                DESIGNATED_TEACHER,
                "returned",
                reopened_sections=frozenset({"C", "D"}),
                **DELEGATED,
            ),
            "D",
        ),
        (ctx(LINK_TEACHER, "returned", **LINKED), "E"),
        (ctx(ADMINISTRATOR, "returned", reopened_sections=frozenset({"A"})), "AE"),
        # Approved: read-only for everyone.
        (ctx(ADMINISTRATOR, "approved"), ""),
        (ctx(SOCIAL_WORKER, "approved", **ALLOCATED), ""),
        (ctx(LINK_TEACHER, "approved", **LINKED), ""),
        # Someone holding two roles gets what either gives.
        (ctx(SOCIAL_WORKER | LINK_TEACHER, **LINKED), "BDE"),
    ],
)
def test_editable_sections_follow_the_rules(context, expected):
    assert editable_sections(context) == frozenset(expected)


def test_asking_about_a_section_that_does_not_exist_is_an_error():
    with pytest.raises(ValueError, match="There is no section 'F'"):
        may_edit("F", ctx(ADMINISTRATOR))


@pytest.mark.parametrize(
    ("stored", "expected"),
    [
        ([], frozenset()),
        (["A", "C"], frozenset({"A", "C"})),
        (["C", "Z", "c"], frozenset({"C"})),
    ],
)
def test_reopened_sections_ignore_anything_that_is_not_a_section(stored, expected):
    assert reopened(stored) == expected
