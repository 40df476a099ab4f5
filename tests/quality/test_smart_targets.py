import dataclasses
from decimal import Decimal

import pytest

from quality.smart_targets import (
    TargetText,
    check_target,
    is_measurable,
    mentions_timescale,
    names_who_acts,
    suggest_targets_score,
)

NO_SUCCESS_CRITERION = (
    "No success criterion: say what you will see when the target is met."
)
NOT_MEASURABLE = (
    "The success criterion cannot be measured: add a number, a percentage, a grade or "
    "level, or something the pupil will be seen to do."
)
NO_TIMESCALE = "No timescale: say when the target will be met."
NO_ACTION = "No action: say what will be done, who will do it and when."
NO_ACTOR = (
    "The action does not say who will do it: name the person or their role, for "
    "example the class teacher, a teaching assistant or the carer."
)
NO_COST = (
    "No cost for a target that Pupil Premium Plus funds: give the amount in pounds."
)

# The guide's example of a well-formed target, with its columns filled as a
# designated teacher would fill them.
ALGEBRA = TargetText(
    subject_area="Maths",
    target="Simplify algebraic fractions with 80% accuracy in weekly quizzes - one "
    "half term",
    action="Maths teacher to set a weekly algebra quiz; TA to go over mistakes on "
    "Fridays",
    success_criteria="80% accuracy in weekly quizzes",
    timescale="One half term",
    pupil_premium_cost=Decimal("180.00"),
    funded_by_pupil_premium=True,
)

# The guide's worked example from a teacher's form: a good aim, but only the aim.
POETRY_TERMINOLOGY = TargetText(
    subject_area="English",
    target="Consistently use relevant subject terminology (highlighted in the Y10-11 "
    "poetry vocab list) when analysing language, form",
    action="",
    success_criteria="",
    timescale="",
)

READING = TargetText(
    subject_area="English",
    target="Read aloud fluently from a Year 4 reading book",
    action="Mrs Khan will hear Sam read three times a week; carer to read with him "
    "at bedtime",
    success_criteria="Reads 90 words a minute with no more than 3 errors",
    timescale="End of spring term",
)

ATTENDANCE = TargetText(
    subject_area="Attendance",
    target="Arrive at school on time every day",
    action="I will set an alarm and my carer will drive me to breakfast club",
    success_criteria="Attendance above 96% with no late marks",
    timescale="By the next PEP",
)


def target(**changes):
    return dataclasses.replace(ALGEBRA, **changes)


@pytest.mark.parametrize(
    "good", [ALGEBRA, READING, ATTENDANCE], ids=["algebra", "reading", "attendance"]
)
def test_a_smart_target_has_no_gaps(good):
    assert check_target(good) == []


@pytest.mark.parametrize(
    ("given", "gaps"),
    [
        pytest.param(
            POETRY_TERMINOLOGY,
            [NO_SUCCESS_CRITERION, NO_TIMESCALE, NO_ACTION],
            id="guide's teacher-form target alone",
        ),
        pytest.param(
            target(success_criteria="She will be more confident with algebra"),
            [NOT_MEASURABLE],
            id="vague success criterion",
        ),
        pytest.param(
            target(success_criteria="Improved understanding of fractions"),
            [NOT_MEASURABLE],
            id="improvement is not a measure",
        ),
        pytest.param(
            target(target="Simplify algebraic fractions", timescale=""),
            [NO_TIMESCALE],
            id="no timescale anywhere",
        ),
        pytest.param(
            target(timescale="Ongoing"),
            [
                (
                    "The timescale 'Ongoing' is not a point in time: give a date, a "
                    "term or half term, or a number of weeks."
                )
            ],
            id="timescale that is no time",
        ),
        pytest.param(
            target(action="Weekly quizzes and feedback on mistakes"),
            [NO_ACTOR],
            id="action with nobody doing it",
        ),
        pytest.param(
            target(action="Pupil Premium to fund Sparx Maths licence"),
            [NO_ACTOR],
            id="funding is not a person",
        ),
        pytest.param(target(pupil_premium_cost=None), [NO_COST], id="funded, no cost"),
        pytest.param(
            target(pupil_premium_cost=Decimal(0)), [NO_COST], id="funded, zero cost"
        ),
        pytest.param(
            target(pupil_premium_cost=Decimal(-50)),
            [
                (
                    "The Pupil Premium Plus cost is negative (-£50.00): give the "
                    "amount in pounds."
                )
            ],
            id="negative cost",
        ),
        pytest.param(
            target(subject_area=" ", target=""),
            [
                "No subject area: say which subject or area the target is for.",
                "No target: say what the pupil will learn or be able to do.",
            ],
            id="no subject or target",
        ),
    ],
)
def test_check_target_names_each_gap_in_plain_words(given, gaps):
    assert check_target(given) == gaps


def test_a_target_that_pupil_premium_does_not_fund_needs_no_cost():
    assert (
        check_target(target(pupil_premium_cost=None, funded_by_pupil_premium=False))
        == []
    )


def test_a_timescale_written_into_the_target_counts_as_the_guide_suggests():
    assert check_target(target(timescale="")) == []


@pytest.mark.parametrize(
    ("text", "measurable"),
    [
        ("80% accuracy in weekly quizzes", True),
        ("Reads 100 high-frequency words", True),
        ("Can recall the six, seven and eight times tables", True),
        ("Working at ARE in reading", True),
        ("Grade 5 in the mock", True),
        ("Spells the Year 4 word list correctly", True),
        ("Writes a paragraph independently", True),
        ("Answers a question in every lesson", True),
        ("Attends every session of homework club", True),
        ("Uses subject terminology in essays", True),
        ("Half of the questions right", True),
        ("Improved reading", False),
        ("Better attendance", False),
        ("She will be more confident in maths", False),
        ("are more settled", False),
        ("Improving her handwriting", False),
        ("", False),
    ],
)
def test_measurable_success_criteria_hold_a_number_a_grade_or_a_visible_action(
    text, measurable
):
    assert is_measurable(text) is measurable


@pytest.mark.parametrize(
    ("text", "timescale"),
    [
        ("One half term", True),
        ("half-term", True),
        ("End of summer term", True),
        ("By Easter", True),
        ("6 weeks", True),
        ("three months", True),
        ("within a month", True),
        ("12/03/2025", True),
        ("2025-03-01", True),
        ("March 2025", True),
        ("10 May", True),
        ("Spring 2", True),
        ("by the end of the week", True),
        ("By end of Year 6", True),
        ("Next PEP", True),
        ("Ongoing", False),
        ("ASAP", False),
        ("weekly", False),
        ("3 days a week", False),
        ("twice a week", False),
        ("by the end of the lesson", False),
        ("at the end of each lesson", False),
        ("in terms of fractions", False),
        ("you may need help", False),
    ],
)
def test_a_timescale_is_a_date_a_term_or_a_length_of_time_not_a_frequency(
    text, timescale
):
    assert mentions_timescale(text) is timescale


@pytest.mark.parametrize(
    ("action", "named"),
    [
        ("Maths teacher to set weekly quizzes", True),
        ("TA to run phonics sessions 3x weekly", True),
        ("The DT will check in each Monday", True),
        ("SENCo to arrange a reading assessment", True),
        ("Form tutor and pastoral team to meet him on arrival", True),
        ("Foster carer to hear her read", True),
        ("Social worker to fund the laptop request", True),
        ("Mrs Khan will hear Sam read daily", True),
        ("Priya to attend homework club", True),
        ("Emma and her carer will read together", True),
        ("I will use my planner", True),
        ("We will practise spellings at home", True),
        ("Weekly sessions of Lexia", False),
        ("Lexia to be used daily", False),
        ("Pupil Premium to fund tutoring", False),
        ("Maths and English tuition", False),
        ("1:1 tuition three times a week", False),
        ("Daily reading practice, i.e. ten minutes", False),
    ],
)
def test_an_action_names_who_will_do_it(action, named):
    assert names_who_acts(action) is named


@pytest.mark.parametrize(
    ("previous_reviewed", "targets", "first_pep", "score"),
    [
        pytest.param(True, [ALGEBRA], False, 4, id="reviewed, SMART, costed"),
        pytest.param(
            True, [ALGEBRA, target(timescale="Ongoing")], False, 3, id="one not SMART"
        ),
        pytest.param(
            True,
            [ALGEBRA, target(pupil_premium_cost=None)],
            False,
            2,
            id="funded target without a cost",
        ),
        pytest.param(True, [READING, ATTENDANCE], False, 2, id="no PP+ spending"),
        pytest.param(False, [ALGEBRA], False, 1, id="previous targets not reviewed"),
        pytest.param(False, [ALGEBRA], True, 4, id="first PEP has nothing to review"),
        pytest.param(True, [], False, 1, id="no new targets"),
        pytest.param(
            True,
            [TargetText("", "", "", "", "")],
            False,
            1,
            id="only a blank row",
        ),
    ],
)
def test_suggested_d2_follows_the_rubric_descriptors(
    previous_reviewed, targets, first_pep, score
):
    suggestion = suggest_targets_score(previous_reviewed, targets, first_pep=first_pep)

    assert suggestion.criterion == "D2"
    assert suggestion.score == score


def test_a_full_marks_d2_suggestion_says_why():
    suggestion = suggest_targets_score(True, [ALGEBRA, TargetText("", "", "", "", "")])

    assert suggestion.reasons == (
        "The previous PEP's targets are reviewed.",
        "1 new target is set.",
        "Pupil Premium Plus spending is set out: £180.00 across 1 target.",
        "Every new target is SMART.",
    )
    assert suggestion.missing == ()


def test_a_weak_d2_suggestion_lists_each_targets_gaps_and_missing_columns():
    suggestion = suggest_targets_score(False, [READING, POETRY_TERMINOLOGY])

    assert suggestion.score == 1
    assert suggestion.reasons == (
        "The previous PEP's targets are not reviewed.",
        "2 new targets are set.",
        "No target says that Pupil Premium Plus funds it.",
        f"Target 2 (English): {NO_SUCCESS_CRITERION}",
        f"Target 2 (English): {NO_TIMESCALE}",
        f"Target 2 (English): {NO_ACTION}",
    )
    assert suggestion.missing == (
        "Review of previous PEP targets",
        "Pupil Premium / Bursary (cost linked to target)",
        "Target 2 (English): Action",
        "Target 2 (English): Success criteria",
        "Target 2 (English): Timescale",
    )


def test_an_uncosted_funded_target_is_listed_as_missing_its_cost():
    suggestion = suggest_targets_score(True, [target(pupil_premium_cost=None)])

    assert "1 target is funded by Pupil Premium Plus without a cost." in (
        suggestion.reasons
    )
    assert suggestion.missing == ("Target 1 (Maths): Pupil Premium cost",)
