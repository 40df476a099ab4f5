"""Rating bands that turn a quality-assurance score into Excellent, Good or Ineffective.

Bands are data: a Virtual School may change them. Whatever the values, the bands of one
measure must cover every score from 0 to the maximum exactly once, so every PEP gets
exactly one rating. `validate_bands` says in words what is wrong with a proposed set;
`BandSet` refuses to exist unless the set is sound.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

OVERALL = "overall"
SOCIAL_CARE = "social care"
EDUCATION = "education"

EXCELLENT = "Excellent"
GOOD = "Good"
INEFFECTIVE = "Ineffective"

GUIDE_DISCREPANCY_NOTE = (
    "The guide's tables leave an overall score of 10 without a rating and rate an "
    "education score of 10 both Good and Excellent. Here an overall 10 is Ineffective "
    "and an education 10 is Excellent, so that in every measure Good starts at half "
    "the maximum score and Excellent at about 85% of it."
)


class BandError(ValueError):
    """A set of bands that does not give every score exactly one rating."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = tuple(problems)
        super().__init__(" ".join(self.problems))


@dataclass(frozen=True)
class Band:
    name: str
    low: int
    high: int

    def covers(self, score: int) -> bool:
        return self.low <= score <= self.high


@dataclass(frozen=True)
class BandSet:
    """The bands of one measure (overall, social care or education), checked."""

    measure: str
    maximum: int
    bands: tuple[Band, ...]

    def __post_init__(self) -> None:
        # Accept any sequence from the caller but keep an immutable copy.
        object.__setattr__(self, "bands", tuple(self.bands))

        problems = validate_bands(self.measure, self.maximum, self.bands)
        if problems:
            raise BandError(problems)

    def band_for(self, score: int) -> Band:
        """The one band holding `score`; refuses a score outside 0 to the maximum."""
        if not _is_whole_number(score) or not 0 <= score <= self.maximum:
            raise ValueError(
                f"Score {score!r} is not a whole number from 0 to {self.maximum}, "
                f"so it has no {self.measure} rating."
            )

        return next(band for band in self.bands if band.covers(score))

    def highest_first(self) -> tuple[Band, ...]:
        """The bands in the order a reader expects them: best rating first."""
        return tuple(sorted(self.bands, key=lambda band: band.low, reverse=True))


@dataclass(frozen=True)
class RatingBands:
    """The three band sets a PEP is rated against."""

    social_care: BandSet
    education: BandSet
    overall: BandSet


def validate_bands(measure: str, maximum: int, bands: Iterable[Band]) -> list[str]:
    """Every reason, in words, why `bands` do not rate each score 0..maximum once.

    An empty list means the bands are sound.
    """
    bands = list(bands)
    scale = f"{measure} (out of {maximum})"

    if not _is_whole_number(maximum) or maximum < 1:
        return [f"The maximum score of {measure} must be a whole number above 0."]

    problems: list[str] = []
    well_formed: list[Band] = []
    for position, band in enumerate(bands, start=1):
        name_problems, range_problems = _problems_of_one_band(
            position, band, scale, maximum
        )
        problems.extend(name_problems + range_problems)
        # A nameless band still covers its scores; only its name needs fixing.
        if not range_problems:
            well_formed.append(band)

    problems.extend(_duplicate_name_problems(bands, scale))

    for index, first in enumerate(well_formed):
        for second in well_formed[index + 1 :]:
            low = max(first.low, second.low)
            high = min(first.high, second.high)
            if low <= high:
                problems.append(
                    f"Bands {first.name} and {second.name} of {scale} both cover "
                    f"scores {low} to {high}."
                )

    for low, high in _uncovered_runs(well_formed, maximum):
        problems.append(f"No band covers scores {low} to {high} of {scale}.")

    return problems


def _problems_of_one_band(
    position: int, band: Band, scale: str, maximum: int
) -> tuple[list[str], list[str]]:
    """Problems with the band's name, and problems with the scores it covers."""
    name = band.name.strip() if isinstance(band.name, str) else ""
    label = f"Band {name}" if name else f"Band {position}"
    name_problems = [] if name else [f"Band {position} of {scale} has no name."]

    not_whole = [
        f"{label} of {scale} has {value!r} as its {end} score, "
        "which is not a whole number."
        for end, value in (("lowest", band.low), ("highest", band.high))
        if not _is_whole_number(value)
    ]
    if not_whole:
        return name_problems, not_whole

    if band.low > band.high:
        return name_problems, [
            (
                f"{label} of {scale} starts at {band.low} but ends at {band.high}: "
                "the lowest score must come first."
            )
        ]
    if band.low < 0 or band.high > maximum:
        return name_problems, [
            (
                f"{label} of {scale} runs from {band.low} to {band.high}, outside the "
                f"scores 0 to {maximum}."
            )
        ]

    return name_problems, []


def _duplicate_name_problems(bands: list[Band], scale: str) -> list[str]:
    seen: set[str] = set()
    reported: set[str] = set()
    problems = []
    for band in bands:
        if not isinstance(band.name, str) or not band.name.strip():
            continue

        # "good" and "Good " would read as the same rating on a report.
        key = band.name.strip().casefold()
        if key in seen and key not in reported:
            problems.append(
                f"More than one band of {scale} is named {band.name.strip()}: "
                "each band needs its own name."
            )
            reported.add(key)
        seen.add(key)

    return problems


def _uncovered_runs(bands: list[Band], maximum: int) -> list[tuple[int, int]]:
    runs: list[tuple[int, int]] = []
    start: int | None = None
    for score in range(maximum + 1):
        covered = any(band.covers(score) for band in bands)
        if not covered and start is None:
            start = score
        if covered and start is not None:
            runs.append((start, score - 1))
            start = None
    if start is not None:
        runs.append((start, maximum))

    return runs


def _is_whole_number(value: object) -> bool:
    # bool is an int subclass; True as a score is a mistake, not a 1.
    return isinstance(value, int) and not isinstance(value, bool)


DEFAULT_BANDS = RatingBands(
    social_care=BandSet(
        SOCIAL_CARE,
        10,
        (Band(EXCELLENT, 9, 10), Band(GOOD, 5, 8), Band(INEFFECTIVE, 0, 4)),
    ),
    education=BandSet(
        EDUCATION,
        12,
        (Band(EXCELLENT, 10, 12), Band(GOOD, 6, 9), Band(INEFFECTIVE, 0, 5)),
    ),
    overall=BandSet(
        OVERALL,
        22,
        (Band(EXCELLENT, 19, 22), Band(GOOD, 11, 18), Band(INEFFECTIVE, 0, 10)),
    ),
)
