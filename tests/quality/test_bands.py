import pytest

from quality.bands import (
    DEFAULT_BANDS,
    GUIDE_DISCREPANCY_NOTE,
    Band,
    BandError,
    BandSet,
    validate_bands,
)
from quality.rubric import EDUCATION_MAXIMUM, OVERALL_MAXIMUM, SOCIAL_CARE_MAXIMUM

# The guide's tables exactly as printed; the overall and education ones are broken.
GUIDE_OVERALL = (
    Band("Excellent", 19, 22),
    Band("Good", 11, 18),
    Band("Ineffective", 0, 9),
)
GUIDE_SOCIAL_CARE = (
    Band("Excellent", 9, 10),
    Band("Good", 5, 8),
    Band("Ineffective", 0, 4),
)
GUIDE_EDUCATION = (
    Band("Excellent", 10, 12),
    Band("Good", 6, 10),
    Band("Ineffective", 0, 5),
)


@pytest.mark.parametrize(
    ("measure", "score", "expected"),
    [
        ("social_care", 0, "Ineffective"),
        ("social_care", 4, "Ineffective"),
        ("social_care", 5, "Good"),
        ("social_care", 8, "Good"),
        ("social_care", 9, "Excellent"),
        ("social_care", 10, "Excellent"),
        ("education", 0, "Ineffective"),
        ("education", 5, "Ineffective"),
        ("education", 6, "Good"),
        ("education", 9, "Good"),
        ("education", 10, "Excellent"),
        ("education", 12, "Excellent"),
        ("overall", 0, "Ineffective"),
        ("overall", 10, "Ineffective"),
        ("overall", 11, "Good"),
        ("overall", 18, "Good"),
        ("overall", 19, "Excellent"),
        ("overall", 22, "Excellent"),
    ],
)
def test_default_bands_rate_each_boundary_score(measure, score, expected):
    band_set = getattr(DEFAULT_BANDS, measure)

    assert band_set.band_for(score).name == expected


@pytest.mark.parametrize(
    ("measure", "maximum"),
    [
        ("social_care", SOCIAL_CARE_MAXIMUM),
        ("education", EDUCATION_MAXIMUM),
        ("overall", OVERALL_MAXIMUM),
    ],
)
def test_default_bands_give_every_possible_score_exactly_one_band(measure, maximum):
    band_set = getattr(DEFAULT_BANDS, measure)

    assert band_set.maximum == maximum
    for score in range(maximum + 1):
        holders = [band.name for band in band_set.bands if band.covers(score)]
        assert len(holders) == 1, (score, holders)


@pytest.mark.parametrize("score", [-1, 23, True, 10.0, "10", None])
def test_band_for_refuses_a_score_that_is_not_on_the_scale(score):
    with pytest.raises(ValueError, match="not a whole number from 0 to 22"):
        DEFAULT_BANDS.overall.band_for(score)


def test_bands_are_listed_best_first_whatever_order_they_were_given_in():
    band_set = BandSet(
        "social care",
        10,
        [Band("Ineffective", 0, 4), Band("Excellent", 9, 10), Band("Good", 5, 8)],
    )

    assert [band.name for band in band_set.highest_first()] == [
        "Excellent",
        "Good",
        "Ineffective",
    ]


def test_discrepancy_note_describes_what_the_defaults_do_with_the_disputed_tens():
    assert DEFAULT_BANDS.overall.band_for(10).name == "Ineffective"
    assert DEFAULT_BANDS.education.band_for(10).name == "Excellent"
    assert "overall 10 is Ineffective" in GUIDE_DISCREPANCY_NOTE
    assert "education 10 is Excellent" in GUIDE_DISCREPANCY_NOTE
    assert GUIDE_DISCREPANCY_NOTE.count(". ") <= 1


@pytest.mark.parametrize(
    ("measure", "maximum", "bands", "problems"),
    [
        pytest.param("social care", 10, GUIDE_SOCIAL_CARE, [], id="guide social care"),
        pytest.param(
            "overall",
            22,
            GUIDE_OVERALL,
            ["No band covers scores 10 to 10 of overall (out of 22)."],
            id="guide overall leaves 10 unbanded",
        ),
        pytest.param(
            "education",
            12,
            GUIDE_EDUCATION,
            [
                (
                    "Bands Excellent and Good of education (out of 12) both cover "
                    "scores 10 to 10."
                )
            ],
            id="guide education puts 10 in two bands",
        ),
        pytest.param(
            "overall",
            22,
            [Band("Good", 5, 10), Band("Excellent", 15, 20)],
            [
                "No band covers scores 0 to 4 of overall (out of 22).",
                "No band covers scores 11 to 14 of overall (out of 22).",
                "No band covers scores 21 to 22 of overall (out of 22).",
            ],
            id="gaps at the start, middle and end",
        ),
        pytest.param(
            "overall",
            22,
            [],
            ["No band covers scores 0 to 22 of overall (out of 22)."],
            id="no bands at all",
        ),
        pytest.param(
            "social care",
            10,
            [Band("Low", 0, 6), Band("Middle", 4, 8), Band("High", 7, 10)],
            [
                (
                    "Bands Low and Middle of social care (out of 10) both cover "
                    "scores 4 to 6."
                ),
                (
                    "Bands Middle and High of social care (out of 10) both cover "
                    "scores 7 to 8."
                ),
            ],
            id="two overlaps",
        ),
        pytest.param(
            "social care",
            10,
            [Band("All", 0, 10), Band("Top", 10, 10), Band("Again", 10, 10)],
            [
                (
                    "Bands All and Top of social care (out of 10) both cover scores "
                    "10 to 10."
                ),
                (
                    "Bands All and Again of social care (out of 10) both cover scores "
                    "10 to 10."
                ),
                (
                    "Bands Top and Again of social care (out of 10) both cover scores "
                    "10 to 10."
                ),
            ],
            id="three bands on one score",
        ),
        pytest.param(
            "social care",
            10,
            [Band("Low", 0, 4), Band("High", 8, 5), Band("Top", 9, 10)],
            [
                (
                    "Band High of social care (out of 10) starts at 8 but ends at 5: "
                    "the lowest score must come first."
                ),
                "No band covers scores 5 to 8 of social care (out of 10).",
            ],
            id="low above high",
        ),
        pytest.param(
            "social care",
            10,
            [Band("Low", -2, 4), Band("High", 5, 11)],
            [
                (
                    "Band Low of social care (out of 10) runs from -2 to 4, "
                    "outside the scores 0 to 10."
                ),
                (
                    "Band High of social care (out of 10) runs from 5 to 11, "
                    "outside the scores 0 to 10."
                ),
                "No band covers scores 0 to 10 of social care (out of 10).",
            ],
            id="outside the range",
        ),
        pytest.param(
            "social care",
            10,
            [Band("Good", 0, 4), Band("good ", 5, 10)],
            [
                (
                    "More than one band of social care (out of 10) is named good: each "
                    "band needs its own name."
                )
            ],
            id="duplicate names",
        ),
        pytest.param(
            "social care",
            10,
            [Band(" ", 0, 4), Band("High", 5, 10)],
            ["Band 1 of social care (out of 10) has no name."],
            id="blank name",
        ),
        pytest.param(
            "social care",
            10,
            [Band("Low", 0, "4"), Band("High", 5.0, 10)],
            [
                (
                    "Band Low of social care (out of 10) has '4' as its highest score, "
                    "which is not a whole number."
                ),
                (
                    "Band High of social care (out of 10) has 5.0 as its lowest score, "
                    "which is not a whole number."
                ),
                "No band covers scores 0 to 10 of social care (out of 10).",
            ],
            id="scores that are not whole numbers",
        ),
        pytest.param(
            "social care",
            0,
            [Band("Low", 0, 0)],
            ["The maximum score of social care must be a whole number above 0."],
            id="no scale",
        ),
    ],
)
def test_validate_bands_names_every_problem(measure, maximum, bands, problems):
    assert validate_bands(measure, maximum, bands) == problems


@pytest.mark.parametrize(
    ("measure", "maximum", "bands"),
    [("overall", 22, GUIDE_OVERALL), ("education", 12, GUIDE_EDUCATION)],
)
def test_the_guides_own_broken_tables_cannot_become_a_band_set(measure, maximum, bands):
    with pytest.raises(BandError) as raised:
        BandSet(measure, maximum, bands)

    assert raised.value.problems == tuple(validate_bands(measure, maximum, bands))
    assert str(raised.value) == " ".join(raised.value.problems)
