"""The Virtual School's quality-assurance rubric for a PEP, and the Section E ratings.

The link teacher scores eight criteria covering Sections A to D. Social care criteria
(A, C1, C2, C3) add up to 10, education criteria (B, D1, D2, D3) to 12, and all eight
to 22; each total is then given a band (see `quality.bands`).

The descriptors paraphrase the guide's "Quality Assurance of PEPs" table. The guide
prints the SEND, extra-curricular and transition row under the heading "Section D2" a
second time; here it has its own key, D3, so that it cannot be confused with targets.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType

from quality.bands import DEFAULT_BANDS, RatingBands

SOCIAL_WORKER = "Social worker"
DESIGNATED_TEACHER = "Designated teacher"

SOCIAL_CARE = "social care"
EDUCATION = "education"

_FULLY_COMPLETE = "Every part of the section is filled in."
_PARTLY_COMPLETE = "Some parts of the section are filled in and others are missing."
_NOT_COMPLETE = "The section has not been filled in."


class RubricError(ValueError):
    """Scores that cannot be rated; `problems` holds one sentence per fault."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = tuple(problems)
        super().__init__(" ".join(self.problems))


@dataclass(frozen=True)
class Criterion:
    key: str
    section: str
    title: str
    completed_by: str
    measure: str
    minimum: int
    maximum: int
    descriptors: Mapping[int, str]

    def __post_init__(self) -> None:
        object.__setattr__(
            self, "descriptors", MappingProxyType(dict(self.descriptors))
        )

    @property
    def allowed(self) -> str:
        return f"a whole number from {self.minimum} to {self.maximum}"

    @property
    def label(self) -> str:
        return f"{self.key} ({self.title})"

    def descriptor(self, score: int) -> str:
        return self.descriptors[score]


def _completion_descriptors() -> dict[int, str]:
    return {2: _FULLY_COMPLETE, 1: _PARTLY_COMPLETE, 0: _NOT_COMPLETE}


CRITERIA: tuple[Criterion, ...] = (
    Criterion(
        key="A",
        section="Section A",
        title="Phase of school and meeting details",
        completed_by=SOCIAL_WORKER,
        measure=SOCIAL_CARE,
        minimum=0,
        maximum=2,
        descriptors=_completion_descriptors(),
    ),
    Criterion(
        key="B",
        section="Section B",
        title="Child or young person's views",
        completed_by=DESIGNATED_TEACHER,
        measure=EDUCATION,
        minimum=1,
        maximum=4,
        descriptors={
            4: "Every part is complete and the child's own voice comes through "
            "clearly.",
            3: "The child's voice comes through well, though other parts may be "
            "unfinished.",
            2: "The child's views are there, but some parts are short on detail.",
            1: "The section is unfinished and does not fully give the child's views.",
        },
    ),
    Criterion(
        key="C1",
        section="Section C1",
        title="Social care arrangements: access to education",
        completed_by=SOCIAL_WORKER,
        measure=SOCIAL_CARE,
        minimum=0,
        maximum=2,
        descriptors=_completion_descriptors(),
    ),
    Criterion(
        key="C2",
        section="Section C2",
        title="Care plan summary: health information and care plan summary",
        completed_by=SOCIAL_WORKER,
        measure=SOCIAL_CARE,
        minimum=1,
        maximum=4,
        descriptors={
            4: "Health information and the care plan summary are both complete and "
            "give the details that matter.",
            3: "Health information and the care plan summary are both complete.",
            2: "Health information and the care plan summary are both brief.",
            1: "Health information and the care plan summary both lack information.",
        },
    ),
    Criterion(
        key="C3",
        section="Section C3",
        title="Care plan summary: all other parts",
        completed_by=SOCIAL_WORKER,
        measure=SOCIAL_CARE,
        minimum=0,
        maximum=2,
        descriptors=_completion_descriptors(),
    ),
    Criterion(
        key="D1",
        section="Section D1",
        title="School provision: progress",
        completed_by=DESIGNATED_TEACHER,
        measure=EDUCATION,
        minimum=0,
        maximum=2,
        descriptors=_completion_descriptors(),
    ),
    Criterion(
        key="D2",
        section="Section D2",
        title="School provision: targets",
        completed_by=DESIGNATED_TEACHER,
        measure=EDUCATION,
        minimum=1,
        maximum=4,
        descriptors={
            4: "Previous targets are reviewed, the new targets are SMART and Pupil "
            "Premium spending is set out clearly.",
            3: "Previous targets are reviewed, new targets are set and Pupil Premium "
            "spending is set out clearly.",
            2: "Previous targets are reviewed and new targets are set.",
            1: "Little information is given.",
        },
    ),
    Criterion(
        key="D3",
        section="Section D2",
        title="School provision: SEND, extra-curricular activities and transition",
        completed_by=DESIGNATED_TEACHER,
        measure=EDUCATION,
        minimum=0,
        maximum=2,
        descriptors=_completion_descriptors(),
    ),
)

CRITERIA_BY_KEY: Mapping[str, Criterion] = MappingProxyType(
    {criterion.key: criterion for criterion in CRITERIA}
)

SOCIAL_CARE_MAXIMUM = sum(c.maximum for c in CRITERIA if c.measure == SOCIAL_CARE)
EDUCATION_MAXIMUM = sum(c.maximum for c in CRITERIA if c.measure == EDUCATION)
OVERALL_MAXIMUM = SOCIAL_CARE_MAXIMUM + EDUCATION_MAXIMUM


@dataclass(frozen=True)
class Rating:
    """One PEP's eight scores, its three totals and the band of each total."""

    scores: Mapping[str, int]
    social_care: int
    social_care_band: str
    education: int
    education_band: str
    overall: int
    overall_band: str


@dataclass(frozen=True)
class Suggestion:
    """A score the portal proposes for one criterion; the link teacher decides."""

    criterion: str
    score: int
    reasons: tuple[str, ...]
    missing: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        problems = _score_problems(CRITERIA_BY_KEY, {self.criterion: self.score})
        if problems:
            raise RubricError(problems)


def rate(scores: Mapping[str, int], bands: RatingBands = DEFAULT_BANDS) -> Rating:
    """Totals and bands for a complete set of the eight criterion scores."""
    problems = _score_problems(CRITERIA_BY_KEY, scores)
    missing = [key for key in CRITERIA_BY_KEY if key not in scores]
    problems.extend(
        f"There is no score for {CRITERIA_BY_KEY[key].label}: give "
        f"{CRITERIA_BY_KEY[key].allowed}."
        for key in missing
    )
    problems.extend(_band_maximum_problems(bands))
    if problems:
        raise RubricError(problems)

    social_care = sum(scores[c.key] for c in CRITERIA if c.measure == SOCIAL_CARE)
    education = sum(scores[c.key] for c in CRITERIA if c.measure == EDUCATION)
    overall = social_care + education

    return Rating(
        scores=MappingProxyType({c.key: scores[c.key] for c in CRITERIA}),
        social_care=social_care,
        social_care_band=bands.social_care.band_for(social_care).name,
        education=education,
        education_band=bands.education.band_for(education).name,
        overall=overall,
        overall_band=bands.overall.band_for(overall).name,
    )


def _score_problems(
    scale: Mapping[str, Criterion | SummaryRating], scores: Mapping[str, object]
) -> list[str]:
    """What is wrong with the scores that were given (not which ones are missing)."""
    problems = []
    for key, score in scores.items():
        item = scale.get(key) if isinstance(key, str) else None
        if item is None:
            problems.append(
                f"{key!r} is not one of the scores to give: they are "
                f"{_in_words(list(scale))}."
            )
        elif not isinstance(score, int) or isinstance(score, bool):
            problems.append(
                f"The score for {item.label} is {score!r}, which is not a whole "
                f"number: give {item.allowed}."
            )
        elif not item.minimum <= score <= item.maximum:
            problems.append(
                f"The score for {item.label} is {score}, outside the range: give "
                f"{item.allowed}."
            )

    return problems


def _band_maximum_problems(bands: RatingBands) -> list[str]:
    expected = (
        ("social care", bands.social_care.maximum, SOCIAL_CARE_MAXIMUM),
        ("education", bands.education.maximum, EDUCATION_MAXIMUM),
        ("overall", bands.overall.maximum, OVERALL_MAXIMUM),
    )

    return [
        f"The {measure} bands are out of {given}, but the rubric's {measure} total "
        f"is out of {needed}."
        for measure, given, needed in expected
        if given != needed
    ]


def _in_words(keys: list[str]) -> str:
    return ", ".join(keys[:-1]) + " and " + keys[-1] if len(keys) > 1 else keys[0]


# Section E: the link teacher's summary ratings -------------------------------------


@dataclass(frozen=True)
class SummaryRating:
    key: str
    title: str
    minimum: int
    maximum: int
    descriptors: Mapping[int, str]

    def __post_init__(self) -> None:
        object.__setattr__(
            self, "descriptors", MappingProxyType(dict(self.descriptors))
        )

    @property
    def allowed(self) -> str:
        return f"a whole number from {self.minimum} to {self.maximum}"

    @property
    def label(self) -> str:
        return self.title.lower()

    def descriptor(self, rating: int) -> str:
        return self.descriptors[rating]


# The guide gives one wording to both 2 and 3 for pupil voice and care planning; the
# link teacher's judgement separates them.
SUMMARY_RATINGS: tuple[SummaryRating, ...] = (
    SummaryRating(
        key="pupil_voice",
        title="Pupil voice",
        minimum=1,
        maximum=4,
        descriptors={
            1: "Pupil voice is not sufficiently represented.",
            2: "Pupil voice is well represented.",
            3: "Pupil voice is well represented.",
            4: "Pupil voice is detailed and clear.",
        },
    ),
    SummaryRating(
        key="care_planning",
        title="Care planning information",
        minimum=1,
        maximum=4,
        descriptors={
            1: "Care planning information lacks sufficient detail to support "
            "educational outcomes.",
            2: "Care planning information is outlined to support educational outcomes.",
            3: "Care planning information is outlined to support educational outcomes.",
            4: "Care planning information is clearly detailed to support educational "
            "outcomes.",
        },
    ),
    SummaryRating(
        key="educational_targets",
        title="Educational targets",
        minimum=1,
        maximum=3,
        descriptors={
            1: "Educational targets provide limited information about the pupil's "
            "progress, needs and aspirations.",
            2: "Educational targets generally reflect the pupil's progress and needs.",
            3: "Educational targets include SMART targets which reflect the pupil's "
            "progress, needs and aspirations.",
        },
    ),
)

SUMMARY_RATINGS_BY_KEY: Mapping[str, SummaryRating] = MappingProxyType(
    {rating.key: rating for rating in SUMMARY_RATINGS}
)


def validate_summary_ratings(ratings: Mapping[str, int]) -> None:
    """Refuse Section E ratings that are missing, unknown, not whole or out of range."""
    problems = _score_problems(SUMMARY_RATINGS_BY_KEY, ratings)
    problems.extend(
        f"There is no rating for {item.label}: give {item.allowed}."
        for key, item in SUMMARY_RATINGS_BY_KEY.items()
        if key not in ratings
    )
    if problems:
        raise RubricError(problems)
