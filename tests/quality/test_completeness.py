import dataclasses
from decimal import Decimal

import pytest

from quality.completeness import (
    FIELDS,
    PepFacts,
    PepFactsError,
    completeness,
    suggest_scores,
)
from quality.rubric import CRITERIA_BY_KEY
from quality.smart_targets import TargetText

GOOD_TARGET = TargetText(
    subject_area="Maths",
    target="Simplify algebraic fractions with 80% accuracy in weekly quizzes",
    action="Maths teacher to set a weekly quiz",
    success_criteria="80% accuracy in weekly quizzes",
    timescale="One half term",
    pupil_premium_cost=Decimal(180),
    funded_by_pupil_premium=True,
)


def required(criterion, filled=True):
    return {
        key: filled for key, field in FIELDS[criterion].items() if not field.conditional
    }


def facts(**changes):
    complete = PepFacts(
        section_a=required("A"),
        access_to_education=required("C1"),
        care_plan_other=required("C3"),
        progress=required("D1"),
        send_activities_transition=required("D3"),
        previous_targets_reviewed=True,
        new_targets=(GOOD_TARGET,),
    )

    return dataclasses.replace(complete, **changes)


@pytest.mark.parametrize(
    ("filled", "score"),
    [
        ({"a": True}, 2),
        ({"a": True, "b": True, "c": True}, 2),
        ({"a": True, "b": False, "c": True}, 1),
        ({"a": False, "b": False, "c": True}, 1),
        ({"a": False}, 0),
        ({"a": False, "b": False}, 0),
    ],
)
def test_completeness_is_2_when_all_filled_1_when_some_and_0_when_none(filled, score):
    assert completeness(filled) == score


def test_completeness_of_no_fields_is_refused_rather_than_guessed():
    with pytest.raises(ValueError, match="no fields to judge"):
        completeness({})


def test_a_complete_pep_is_suggested_full_marks_for_every_criterion_it_can_judge():
    suggestions = suggest_scores(facts())

    assert list(suggestions) == ["A", "C1", "C3", "D1", "D2", "D3"]
    assert {key: s.score for key, s in suggestions.items()} == {
        key: CRITERIA_BY_KEY[key].maximum for key in suggestions
    }
    assert all(s.missing == () for s in suggestions.values())


def test_the_views_and_care_plan_are_left_to_the_link_teachers_reading():
    suggestions = suggest_scores(facts())

    assert "B" not in suggestions
    assert "C2" not in suggestions


def test_a_partly_complete_section_a_is_suggested_1_and_lists_what_is_missing():
    section_a = required("A") | {"next_meeting_date": False, "attendance": False}

    suggestion = suggest_scores(facts(section_a=section_a))["A"]

    assert suggestion.score == 1
    assert suggestion.missing == ("Date of next PEP meeting", "PEP meeting attendance")
    assert suggestion.reasons == (
        "3 of 5 fields are filled in.",
        CRITERIA_BY_KEY["A"].descriptor(1),
    )


def test_an_empty_send_section_is_suggested_0_with_every_field_missing():
    suggestion = suggest_scores(
        facts(send_activities_transition=required("D3", filled=False))
    )["D3"]

    assert suggestion.score == 0
    assert suggestion.reasons[0] == "None of the 5 fields is filled in."
    assert suggestion.missing == (
        "Whether the child has special educational needs",
        "Recent assessments of educational needs",
        "Extra-curricular activities",
        "Whether a change of school has been discussed with the child",
        "Arrangements to support transition",
    )


@pytest.mark.parametrize(
    ("criterion", "attribute", "conditional_key"),
    [
        ("C1", "access_to_education", "new_school"),
        ("C3", "care_plan_other", "who_meets_costs"),
        ("D1", "progress", "attendance_support"),
        ("D3", "send_activities_transition", "primary_need"),
    ],
)
def test_a_conditional_field_counts_only_when_the_caller_says_it_applies(
    criterion, attribute, conditional_key
):
    applies_and_empty = required(criterion) | {conditional_key: False}

    left_out = suggest_scores(facts())[criterion]
    counted = suggest_scores(facts(**{attribute: applies_and_empty}))[criterion]

    assert left_out.score == 2
    assert counted.score == 1
    assert counted.missing == (FIELDS[criterion][conditional_key].label,)


def test_the_targets_criterion_comes_from_the_smart_target_checks():
    suggestion = suggest_scores(facts(previous_targets_reviewed=False, new_targets=()))[
        "D2"
    ]

    assert suggestion.score == 1
    assert "Review of previous PEP targets" in suggestion.missing
    assert "New PEP targets" in suggestion.missing


def test_a_first_pep_is_not_marked_down_for_having_no_previous_targets():
    suggestion = suggest_scores(facts(previous_targets_reviewed=False, first_pep=True))[
        "D2"
    ]

    assert suggestion.score == 4


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        pytest.param(
            {"section_a": required("A") | {"meeting_venue": True}},
            "'meeting_venue' is not a field of A (Phase of school and meeting "
            "details): the fields are phase, school_year, meeting_date, "
            "next_meeting_date, attendance.",
            id="unknown field",
        ),
        pytest.param(
            {"progress": {k: v for k, v in required("D1").items() if k != "tuition"}},
            "D1 (School provision: progress) does not say whether 'Whether the child "
            "is accessing tuition' (tuition) is filled.",
            id="required field left out",
        ),
        pytest.param(
            {"care_plan_other": required("C3") | {"sdq_score": "yes"}},
            "Whether 'SDQ score' (sdq_score) is filled must be True or False, not "
            "'yes'.",
            id="not a yes or no",
        ),
    ],
)
def test_facts_that_do_not_match_the_field_list_are_refused_in_words(changes, problem):
    with pytest.raises(PepFactsError) as raised:
        facts(**changes)

    assert problem in raised.value.problems


def test_every_criterion_it_judges_has_fields_with_labels():
    assert set(FIELDS) == {"A", "C1", "C3", "D1", "D3"}
    for fields in FIELDS.values():
        assert all(
            field.label and field.label[0].isupper() for field in fields.values()
        )
        assert any(not field.conditional for field in fields.values())
