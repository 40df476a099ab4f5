import dataclasses

import pytest

from quality.bands import DEFAULT_BANDS, Band, BandSet, RatingBands
from quality.rubric import (
    CRITERIA,
    CRITERIA_BY_KEY,
    DESIGNATED_TEACHER,
    EDUCATION_MAXIMUM,
    OVERALL_MAXIMUM,
    SOCIAL_CARE_MAXIMUM,
    SOCIAL_WORKER,
    SUMMARY_RATINGS,
    RubricError,
    Suggestion,
    rate,
    validate_summary_ratings,
)

FULL_MARKS = {"A": 2, "B": 4, "C1": 2, "C2": 4, "C3": 2, "D1": 2, "D2": 4, "D3": 2}
LOWEST = {"A": 0, "B": 1, "C1": 0, "C2": 1, "C3": 0, "D1": 0, "D2": 1, "D3": 0}


def scores(**changes):
    return {**FULL_MARKS, **changes}


@pytest.mark.parametrize(
    ("key", "section", "completed_by", "minimum", "maximum"),
    [
        ("A", "Section A", SOCIAL_WORKER, 0, 2),
        ("B", "Section B", DESIGNATED_TEACHER, 1, 4),
        ("C1", "Section C1", SOCIAL_WORKER, 0, 2),
        ("C2", "Section C2", SOCIAL_WORKER, 1, 4),
        ("C3", "Section C3", SOCIAL_WORKER, 0, 2),
        ("D1", "Section D1", DESIGNATED_TEACHER, 0, 2),
        ("D2", "Section D2", DESIGNATED_TEACHER, 1, 4),
        ("D3", "Section D2", DESIGNATED_TEACHER, 0, 2),
    ],
)
def test_each_criterion_has_the_guides_section_author_and_range(
    key, section, completed_by, minimum, maximum
):
    criterion = CRITERIA_BY_KEY[key]

    assert criterion.section == section
    assert criterion.completed_by == completed_by
    assert (criterion.minimum, criterion.maximum) == (minimum, maximum)


def test_criteria_are_in_the_order_of_the_pep():
    assert [c.key for c in CRITERIA] == ["A", "B", "C1", "C2", "C3", "D1", "D2", "D3"]


@pytest.mark.parametrize("criterion", CRITERIA, ids=lambda c: c.key)
def test_every_score_of_a_criterion_has_its_own_descriptor(criterion):
    allowed = range(criterion.minimum, criterion.maximum + 1)

    assert sorted(criterion.descriptors) == list(allowed)
    assert len({criterion.descriptor(score) for score in allowed}) == len(allowed)
    assert all(criterion.descriptor(score).endswith(".") for score in allowed)


def test_social_care_is_out_of_10_education_out_of_12_and_the_whole_out_of_22():
    assert (SOCIAL_CARE_MAXIMUM, EDUCATION_MAXIMUM, OVERALL_MAXIMUM) == (10, 12, 22)


def test_the_second_d2_row_of_the_guide_is_keyed_d3_and_says_what_it_covers():
    criterion = CRITERIA_BY_KEY["D3"]

    assert "SEND" in criterion.title
    assert "extra-curricular" in criterion.title
    assert "transition" in criterion.title


@pytest.mark.parametrize(
    ("given", "totals", "bands"),
    [
        pytest.param(
            FULL_MARKS, (10, 12, 22), ("Excellent", "Excellent", "Excellent"), id="full"
        ),
        pytest.param(
            LOWEST, (1, 2, 3), ("Ineffective", "Ineffective", "Ineffective"), id="low"
        ),
        pytest.param(
            {"A": 1, "B": 2, "C1": 1, "C2": 2, "C3": 1, "D1": 1, "D2": 1, "D3": 1},
            (5, 5, 10),
            ("Good", "Ineffective", "Ineffective"),
            id="overall 10, left unbanded by the guide",
        ),
        pytest.param(
            {"A": 1, "B": 4, "C1": 0, "C2": 1, "C3": 0, "D1": 2, "D2": 2, "D3": 2},
            (2, 10, 12),
            ("Ineffective", "Excellent", "Good"),
            id="education 10, in two bands in the guide",
        ),
        pytest.param(
            scores(A=0, C2=3),
            (7, 12, 19),
            ("Good", "Excellent", "Excellent"),
            id="overall 19",
        ),
        pytest.param(
            scores(A=1, C2=3, B=3, D2=3),
            (8, 10, 18),
            ("Good", "Excellent", "Good"),
            id="overall 18",
        ),
    ],
)
def test_rate_adds_up_each_measure_and_bands_it(given, totals, bands):
    rating = rate(given)

    assert (rating.social_care, rating.education, rating.overall) == totals
    assert (
        rating.social_care_band,
        rating.education_band,
        rating.overall_band,
    ) == bands
    assert dict(rating.scores) == given


def test_a_rating_cannot_be_changed_after_it_is_made():
    rating = rate(FULL_MARKS)

    with pytest.raises(dataclasses.FrozenInstanceError):
        rating.overall = 0
    with pytest.raises(TypeError):
        rating.scores["A"] = 0


@pytest.mark.parametrize(
    ("given", "message"),
    [
        pytest.param(
            {key: value for key, value in FULL_MARKS.items() if key != "D2"},
            "There is no score for D2 (School provision: targets): give a whole "
            "number from 1 to 4.",
            id="missing",
        ),
        pytest.param(
            scores(E=1),
            "'E' is not one of the scores to give: they are A, B, C1, C2, C3, D1, D2 "
            "and D3.",
            id="unknown",
        ),
        pytest.param(
            scores(a=1),
            "'a' is not one of the scores to give",
            id="wrong case",
        ),
        pytest.param(
            scores(B="3"),
            "The score for B (Child or young person's views) is '3', which is not a "
            "whole number: give a whole number from 1 to 4.",
            id="text",
        ),
        pytest.param(
            scores(C1=True),
            "The score for C1 (Social care arrangements: access to education) is "
            "True, which is not a whole number: give a whole number from 0 to 2.",
            id="bool",
        ),
        pytest.param(
            scores(C3=1.0),
            "is 1.0, which is not a whole number: give a whole number from 0 to 2.",
            id="float",
        ),
        pytest.param(
            scores(C2=0),
            "The score for C2 (Care plan summary: health information and care plan "
            "summary) is 0, outside the range: give a whole number from 1 to 4.",
            id="below the range",
        ),
        pytest.param(
            scores(D3=3),
            "The score for D3 (School provision: SEND, extra-curricular activities "
            "and transition) is 3, outside the range: give a whole number from 0 to "
            "2.",
            id="above the range",
        ),
        pytest.param(
            scores(A=-1),
            "is -1, outside the range: give a whole number from 0 to 2.",
            id="negative",
        ),
    ],
)
def test_rate_refuses_bad_scores_naming_the_criterion_and_range(given, message):
    with pytest.raises(RubricError) as raised:
        rate(given)

    assert message in str(raised.value)
    assert isinstance(raised.value, ValueError)


def test_rate_reports_every_bad_score_at_once():
    given = scores(A=5, B=None, Z=1)
    del given["D1"]

    with pytest.raises(RubricError) as raised:
        rate(given)

    assert [problem.split(" ")[:5] for problem in raised.value.problems] == [
        ["The", "score", "for", "A", "(Phase"],
        ["The", "score", "for", "B", "(Child"],
        ["'Z'", "is", "not", "one", "of"],
        ["There", "is", "no", "score", "for"],
    ]
    assert "D1 (School provision: progress)" in raised.value.problems[-1]


def test_rate_uses_the_bands_it_is_given():
    strict = RatingBands(
        social_care=BandSet(
            "social care", 10, (Band("Met", 10, 10), Band("Not met", 0, 9))
        ),
        education=BandSet(
            "education", 12, (Band("Met", 12, 12), Band("Not met", 0, 11))
        ),
        overall=BandSet("overall", 22, (Band("Met", 22, 22), Band("Not met", 0, 21))),
    )

    rating = rate(scores(D1=1), strict)

    assert (rating.social_care_band, rating.education_band, rating.overall_band) == (
        "Met",
        "Not met",
        "Not met",
    )


def test_rate_refuses_bands_drawn_for_another_maximum():
    out_of_nine = BandSet("social care", 9, (Band("Good", 5, 9), Band("Low", 0, 4)))
    bands = dataclasses.replace(DEFAULT_BANDS, social_care=out_of_nine)

    with pytest.raises(RubricError, match="social care bands are out of 9, but the "):
        rate(FULL_MARKS, bands)


@pytest.mark.parametrize(
    ("criterion", "score"), [("A", 3), ("B", 0), ("Q", 1), ("D2", True)]
)
def test_a_suggestion_must_be_a_score_the_rubric_allows(criterion, score):
    with pytest.raises(RubricError):
        Suggestion(criterion, score, ("Because.",))


@pytest.mark.parametrize(
    ("key", "value", "wording"),
    [
        ("pupil_voice", 1, "Pupil voice is not sufficiently represented."),
        ("pupil_voice", 2, "Pupil voice is well represented."),
        ("pupil_voice", 3, "Pupil voice is well represented."),
        ("pupil_voice", 4, "Pupil voice is detailed and clear."),
        (
            "care_planning",
            1,
            (
                "Care planning information lacks sufficient detail to support "
                "educational outcomes."
            ),
        ),
        (
            "care_planning",
            3,
            "Care planning information is outlined to support educational outcomes.",
        ),
        (
            "care_planning",
            4,
            (
                "Care planning information is clearly detailed to support educational "
                "outcomes."
            ),
        ),
        (
            "educational_targets",
            1,
            (
                "Educational targets provide limited information about the pupil's "
                "progress, needs and aspirations."
            ),
        ),
        (
            "educational_targets",
            2,
            "Educational targets generally reflect the pupil's progress and needs.",
        ),
        (
            "educational_targets",
            3,
            (
                "Educational targets include SMART targets which reflect the pupil's "
                "progress, needs and aspirations."
            ),
        ),
    ],
)
def test_section_e_ratings_use_the_guides_wording(key, value, wording):
    rating = next(r for r in SUMMARY_RATINGS if r.key == key)

    assert rating.descriptor(value) == wording


def test_section_e_ratings_run_one_to_four_one_to_four_and_one_to_three():
    ranges = [(r.key, r.minimum, r.maximum) for r in SUMMARY_RATINGS]

    assert ranges == [
        ("pupil_voice", 1, 4),
        ("care_planning", 1, 4),
        ("educational_targets", 1, 3),
    ]
    for rating in SUMMARY_RATINGS:
        assert sorted(rating.descriptors) == list(
            range(rating.minimum, rating.maximum + 1)
        )


def test_valid_section_e_ratings_pass():
    validate_summary_ratings(
        {"pupil_voice": 4, "care_planning": 1, "educational_targets": 3}
    )


@pytest.mark.parametrize(
    ("given", "message"),
    [
        (
            {"pupil_voice": 4, "care_planning": 1},
            (
                "There is no rating for educational targets: give a whole number "
                "from 1 to 3."
            ),
        ),
        (
            {"pupil_voice": 4, "care_planning": 1, "educational_targets": 4},
            (
                "The score for educational targets is 4, outside the range: give a "
                "whole number from 1 to 3."
            ),
        ),
        (
            {"pupil_voice": 0, "care_planning": 1, "educational_targets": 1},
            (
                "The score for pupil voice is 0, outside the range: give a whole "
                "number from 1 to 4."
            ),
        ),
        (
            {"pupil_voice": 2, "care_planning": "2", "educational_targets": 1},
            (
                "The score for care planning information is '2', which is not a whole "
                "number: give a whole number from 1 to 4."
            ),
        ),
        (
            {"pupil_voice": 2, "care_planning": 2, "educational_targets": 1, "x": 1},
            (
                "'x' is not one of the scores to give: they are pupil_voice, "
                "care_planning and educational_targets."
            ),
        ),
    ],
)
def test_section_e_validator_refuses_bad_ratings_in_words(given, message):
    with pytest.raises(RubricError) as raised:
        validate_summary_ratings(given)

    assert message in raised.value.problems
