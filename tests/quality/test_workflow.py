"""The approval workflow's rules, as tables: every state, action and role."""

from __future__ import annotations

import itertools
from datetime import date

import pytest

from accounts.roles import Role
from quality.workflow import (
    MOVES,
    Action,
    Actor,
    FinaliseFacts,
    Status,
    after_resubmit,
    approve_problems,
    available_actions,
    finalise_problems,
    may,
    recipients,
    refusal,
    resubmittable_sections,
    return_problems,
)

PERSONAS = {
    "allocated social worker": Actor(
        frozenset({Role.SOCIAL_WORKER}), is_allocated_social_worker=True
    ),
    "other social worker": Actor(frozenset({Role.SOCIAL_WORKER})),
    "link teacher for the child": Actor(
        frozenset({Role.LINK_TEACHER}), is_link_teacher_for_child=True
    ),
    "other link teacher": Actor(frozenset({Role.LINK_TEACHER})),
    "delegated designated teacher": Actor(
        frozenset({Role.DESIGNATED_TEACHER}), holds_school_delegation=True
    ),
    "designated teacher without delegation": Actor(
        frozenset({Role.DESIGNATED_TEACHER})
    ),
    "administrator": Actor(frozenset({Role.ADMINISTRATOR})),
    "governor": Actor(frozenset({Role.GOVERNOR})),
    "outsider": Actor(frozenset()),
}

# Who may make each move from each state. A returned PEP here has Sections A to D
# out, with a designated teacher holding the school's delegation.
ALLOWED = {
    (Status.DRAFT, Action.FINALISE): {"allocated social worker", "administrator"},
    (Status.FINALISED, Action.RETURN): {"link teacher for the child", "administrator"},
    (Status.FINALISED, Action.APPROVE): {
        "link teacher for the child",
        "administrator",
    },
    (Status.RETURNED, Action.RESUBMIT): {
        "allocated social worker",
        "delegated designated teacher",
        "administrator",
    },
    (Status.APPROVED, Action.RETURN): {"administrator"},
}

CASES = [
    pytest.param(
        status,
        action,
        persona,
        persona in ALLOWED.get((status, action), set()),
        id=f"{status}-{action}-{persona}",
    )
    for status, action, persona in itertools.product(Status, Action, PERSONAS)
]


@pytest.mark.parametrize(("status", "action", "persona", "allowed"), CASES)
def test_who_may_make_each_move_from_each_state(status, action, persona, allowed):
    result = may(
        action,
        status,
        PERSONAS[persona],
        reopened={"A", "B", "C", "D"},
        school_has_delegate=True,
    )

    assert result is allowed


def test_every_allowed_move_is_a_move_of_the_table():
    assert set(ALLOWED) == {(status, action) for action, status in MOVES}


@pytest.mark.parametrize(
    ("persona", "reopened", "school_has_delegate", "expected"),
    [
        ("allocated social worker", {"A", "C"}, True, {"A", "C"}),
        ("allocated social worker", {"B", "D"}, True, set()),
        ("allocated social worker", {"B", "D"}, False, {"B", "D"}),
        ("allocated social worker", {"A", "D"}, True, {"A"}),
        ("delegated designated teacher", {"A", "B", "C", "D"}, True, {"B", "D"}),
        ("delegated designated teacher", {"A"}, True, set()),
        ("administrator", {"A", "D"}, True, {"A", "D"}),
        ("link teacher for the child", {"A", "B"}, True, set()),
        ("other social worker", {"A", "C"}, False, set()),
    ],
)
def test_each_party_resubmits_only_the_sections_returned_to_it(
    persona, reopened, school_has_delegate, expected
):
    found = resubmittable_sections(
        PERSONAS[persona], reopened, school_has_delegate=school_has_delegate
    )

    assert found == expected


def test_social_worker_cannot_resubmit_when_only_the_schools_sections_are_out():
    assert not may(
        Action.RESUBMIT,
        Status.RETURNED,
        PERSONAS["allocated social worker"],
        reopened={"B"},
        school_has_delegate=True,
    )


@pytest.mark.parametrize(
    ("reopened", "resubmitted", "status", "remaining"),
    [
        ({"A", "C"}, {"A", "C"}, Status.FINALISED, []),
        ({"A", "B", "C", "D"}, {"A", "C"}, Status.RETURNED, ["B", "D"]),
        ({"B", "D"}, {"B", "D"}, Status.FINALISED, []),
        ({"A", "D"}, {"D"}, Status.RETURNED, ["A"]),
    ],
)
def test_pep_goes_back_for_review_only_when_no_returned_section_is_out(
    reopened, resubmitted, status, remaining
):
    assert after_resubmit(reopened, resubmitted) == (status, remaining)


def test_available_actions_lists_what_the_link_teacher_can_do_when_finalised():
    actions = available_actions(
        Status.FINALISED, PERSONAS["link teacher for the child"]
    )

    assert actions == [Action.RETURN, Action.APPROVE]


TODAY = date(2025, 3, 10)


def facts(**changes):
    values = {
        "meeting_date": date(2025, 3, 3),
        "next_meeting_date": date(2025, 9, 1),
    }
    values.update(changes)
    return FinaliseFacts(**values)


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({}, []),
        ({"meeting_date": TODAY}, []),
        (
            {"meeting_date": date(2025, 3, 11), "next_meeting_date": date(2025, 9, 1)},
            [
                (
                    "meeting_date",
                    "The PEP meeting is on 11 March 2025: finalise the PEP on or "
                    "after the day of the meeting",
                )
            ],
        ),
        (
            {"next_meeting_date": None},
            [("next_meeting_date", "Enter the date of the next PEP meeting")],
        ),
        (
            {"next_meeting_date": date(2025, 3, 3)},
            [
                (
                    "next_meeting_date",
                    "The date of the next PEP meeting must be after this meeting, "
                    "3 March 2025",
                )
            ],
        ),
        (
            {"is_late": True, "late_reason": "  "},
            [("late_reason", "Enter why the PEP meeting was held after its due date")],
        ),
        ({"is_late": True, "late_reason": "Carer was in hospital"}, []),
        (
            {"school_delegated": True, "school_submitted": False},
            [
                (
                    "__all__",
                    "The school has not submitted Sections B and D yet: finalising "
                    "would lock them before the designated teacher has finished",
                )
            ],
        ),
        ({"school_delegated": True, "school_submitted": True}, []),
    ],
)
def test_what_stops_a_pep_from_being_finalised(changes, expected):
    problems = finalise_problems(facts(**changes), TODAY)

    assert [(p.field, p.message) for p in problems] == expected


ALL_SCORES = {"A": 2, "B": 4, "C1": 2, "C2": 4, "C3": 2, "D1": 2, "D2": 4, "D3": 2}
ALL_RATINGS = {"pupil_voice": 4, "care_planning": 3, "educational_targets": 3}


def test_approval_needs_nothing_more_when_everything_is_scored():
    assert approve_problems(ALL_SCORES, ALL_RATINGS) == []


def test_approval_names_each_missing_score_and_rating():
    scores = {**ALL_SCORES, "C2": None}
    del scores["D3"]
    ratings = {**ALL_RATINGS, "care_planning": None}

    problems = approve_problems(scores, ratings)

    assert [(p.field, p.message) for p in problems] == [
        (
            "score_c2",
            "Choose a score for Section C2: care plan summary: health information "
            "and care plan summary",
        ),
        (
            "score_d3",
            "Choose a score for Section D2: school provision: SEND, "
            "extra-curricular activities and transition",
        ),
        ("care_planning", "Choose a rating for care planning information"),
    ]


@pytest.mark.parametrize(
    ("sections", "comment", "expected"),
    [
        (["A"], "Add the attendees", []),
        (
            [],
            "Add the attendees",
            [("sections", "Select the sections that need amending")],
        ),
        (["A"], "   ", [("comment", "Enter what needs to be amended")]),
        (
            ["E"],
            "Fix it",
            [
                (
                    "sections",
                    "Section E cannot be returned: choose from Sections A, B, C and D",
                )
            ],
        ),
    ],
)
def test_a_return_names_sections_and_says_what_to_fix(sections, comment, expected):
    problems = return_problems(sections, comment)

    assert [(p.field, p.message) for p in problems] == expected


@pytest.mark.parametrize(
    ("sections", "expected"),
    [
        (["A", "C"], ["social worker"]),
        (["B"], ["school"]),
        (["A", "D"], ["social worker", "school"]),
    ],
)
def test_a_return_goes_to_the_people_who_own_the_sections(sections, expected):
    assert recipients(sections) == expected


def test_refusal_says_why_a_move_is_not_open():
    assert refusal(Action.APPROVE, Status.APPROVED).message == (
        "This PEP is approved, so it cannot be approved now"
    )
    assert refusal(Action.APPROVE, Status.FINALISED).message == (
        "You cannot approve this PEP"
    )
