"""Suggested scores for the rubric's completeness criteria, from the filled fields.

Five criteria are scored only on completeness (A, C1, C3, D1, D3: 2 fully complete,
1 partly, 0 not at all) and D2 on the state of the targets. The portal suggests those
scores; B and C2 judge how well the child's views and the care plan are written, which
only a reader can do, so they get no suggestion. The link teacher confirms or overrides
every suggestion.

`FIELDS` lists, per criterion, the fields of the blank PEP that count. A field marked
`conditional` applies only sometimes (for example "who will meet the costs" only when
there are costs); the caller leaves it out of `PepFacts` when it does not apply. Every
other field must be reported as filled or not.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType

from quality.rubric import CRITERIA_BY_KEY, Suggestion
from quality.smart_targets import TargetText, suggest_targets_score


class PepFactsError(ValueError):
    """Facts about a PEP that name unknown fields or leave required ones out."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = tuple(problems)
        super().__init__(" ".join(self.problems))


@dataclass(frozen=True)
class Field:
    key: str
    label: str
    conditional: bool = False


def _fields(*fields: Field) -> Mapping[str, Field]:
    return MappingProxyType({f.key: f for f in fields})


FIELDS: Mapping[str, Mapping[str, Field]] = MappingProxyType(
    {
        "A": _fields(
            Field("phase", "Phase of education"),
            Field("school_year", "School year"),
            Field("meeting_date", "Date of PEP meeting"),
            Field("next_meeting_date", "Date of next PEP meeting"),
            Field("attendance", "PEP meeting attendance"),
        ),
        "C1": _fields(
            Field("previous_provisions", "Previous education provisions and dates"),
            Field("current_school", "Current school or education provision"),
            Field(
                "designated_teacher", "Designated teacher's name and contact details"
            ),
            Field("virtual_school_teacher", "Virtual School teacher"),
            Field("continuing_at_school", "Whether the child will stay at this school"),
            Field(
                "new_school",
                "New school or education provision identified",
                conditional=True,
            ),
            Field("travel", "How the child will get to and from school"),
            Field("travel_other", "Other travel arrangements", conditional=True),
        ),
        "C3": _fields(
            Field("referral_date", "Date referral received"),
            Field("care_start_date", "Date the child came into care"),
            Field("legal_status", "Current legal status"),
            Field("sdq_score", "SDQ score"),
            Field("case_worker", "Allocated case worker's name and telephone"),
            Field(
                "who_informs_school",
                "Who will tell the school the child is looked after or has moved",
            ),
            Field("day_to_day_liaison", "Who will liaise with the school day to day"),
            Field("correspondence", "Who will receive letters and reports from school"),
            Field(
                "sharing_with_carers",
                "How information will be shared with carers",
                conditional=True,
            ),
            Field(
                "sharing_with_parents",
                "How information will be shared with parents",
                conditional=True,
            ),
            Field("school_events", "Who will attend parents' evenings and events"),
            Field("trip_permission", "Who may give permission for school trips"),
            Field(
                "journey_permission",
                "Who may give permission for longer school journeys",
            ),
            Field("education_costs", "Costs linked to the child's education"),
            Field("who_meets_costs", "Who will meet those costs", conditional=True),
        ),
        "D1": _fields(
            Field("subject_progress", "Current and target levels in each subject"),
            Field("current_attendance", "Current attendance"),
            Field(
                "attendance_support",
                "Support in place where attendance is a concern",
                conditional=True,
            ),
            Field("education_summary", "Education summary"),
            Field("tuition", "Whether the child is accessing tuition"),
        ),
        "D3": _fields(
            Field("send_status", "Whether the child has special educational needs"),
            Field(
                "primary_need",
                "Primary special educational need",
                conditional=True,
            ),
            Field("send_stage", "SEND Code of Practice stage", conditional=True),
            Field("recent_assessments", "Recent assessments of educational needs"),
            Field("inclusion_arrangements", "Inclusion arrangements", conditional=True),
            Field("extra_curricular", "Extra-curricular activities"),
            Field(
                "change_of_school_discussed",
                "Whether a change of school has been discussed with the child",
            ),
            Field("transition_support", "Arrangements to support transition"),
            Field(
                "new_school_support",
                "Arrangements to support the new school",
                conditional=True,
            ),
        ),
    }
)


@dataclass(frozen=True)
class PepFacts:
    """Which fields of one PEP are filled, per criterion, and its targets.

    Each mapping goes from a field key in `FIELDS` to whether that field is filled.
    """

    section_a: Mapping[str, bool]
    access_to_education: Mapping[str, bool]
    care_plan_other: Mapping[str, bool]
    progress: Mapping[str, bool]
    send_activities_transition: Mapping[str, bool]
    previous_targets_reviewed: bool
    new_targets: tuple[TargetText, ...] = ()
    first_pep: bool = False

    def __post_init__(self) -> None:
        # Keep read-only copies, so the facts cannot change after they are checked.
        object.__setattr__(self, "new_targets", tuple(self.new_targets))
        for attribute in _FILLED_ATTRIBUTES.values():
            frozen = MappingProxyType(dict(getattr(self, attribute)))
            object.__setattr__(self, attribute, frozen)

        problems = []
        for criterion, filled in self.filled_by_criterion().items():
            problems.extend(_fact_problems(criterion, filled))
        if problems:
            raise PepFactsError(problems)

    def filled_by_criterion(self) -> dict[str, Mapping[str, bool]]:
        return {
            criterion: getattr(self, attribute)
            for criterion, attribute in _FILLED_ATTRIBUTES.items()
        }


_FILLED_ATTRIBUTES = {
    "A": "section_a",
    "C1": "access_to_education",
    "C3": "care_plan_other",
    "D1": "progress",
    "D3": "send_activities_transition",
}


def completeness(filled: Mapping[str, bool]) -> int:
    """2 when every field is filled, 1 when some are, 0 when none are."""
    if not filled:
        raise ValueError("There are no fields to judge, so completeness is unknown.")

    count = sum(1 for is_filled in filled.values() if is_filled)
    if count == len(filled):
        return 2
    if count:
        return 1

    return 0


def suggest_scores(facts: PepFacts) -> dict[str, Suggestion]:
    """A suggestion for A, C1, C3, D1, D2 and D3, each with its reasons."""
    suggestions = {
        criterion: _suggest_completeness(criterion, filled)
        for criterion, filled in facts.filled_by_criterion().items()
    }
    suggestions["D2"] = suggest_targets_score(
        facts.previous_targets_reviewed,
        list(facts.new_targets),
        first_pep=facts.first_pep,
    )

    return {key: suggestions[key] for key in CRITERIA_BY_KEY if key in suggestions}


def _suggest_completeness(criterion: str, filled: Mapping[str, bool]) -> Suggestion:
    fields = FIELDS[criterion]
    score = completeness(filled)
    missing = tuple(fields[key].label for key, done in filled.items() if not done)
    count = len(filled) - len(missing)

    if score == 2:
        reason = f"All {len(filled)} fields are filled in."
    elif score == 1:
        reason = f"{count} of {len(filled)} fields are filled in."
    else:
        reason = f"None of the {len(filled)} fields is filled in."
    descriptor = CRITERIA_BY_KEY[criterion].descriptor(score)

    return Suggestion(criterion, score, (reason, descriptor), missing)


def _fact_problems(criterion: str, filled: Mapping[str, bool]) -> list[str]:
    fields = FIELDS[criterion]
    title = f"{criterion} ({CRITERIA_BY_KEY[criterion].title})"
    problems = []

    for key, value in filled.items():
        if key not in fields:
            problems.append(
                f"{key!r} is not a field of {title}: the fields are "
                f"{', '.join(fields)}."
            )
        elif not isinstance(value, bool):
            problems.append(
                f"Whether '{fields[key].label}' ({key}) is filled must be True or "
                f"False, not {value!r}."
            )

    for key, known in fields.items():
        if not known.conditional and key not in filled:
            problems.append(
                f"{title} does not say whether '{known.label}' ({key}) is filled."
            )

    return problems
