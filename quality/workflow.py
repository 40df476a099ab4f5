"""How a PEP moves from preparation to approval, and who may move it. Pure: no database.

The states, in the words the portal shows:
- draft, "In preparation": the social worker and the school are writing the PEP.
- finalised, "Awaiting quality assurance": Sections A to D are locked and the link
  teacher scores the PEP in Section E.
- returned, "Returned for amendment": the link teacher sent some sections back with a
  comment; only those sections reopen.
- approved: the PEP is read-only and published as a PDF.

The moves, and who may make each:
- finalise (draft → finalised): the child's allocated social worker or a Virtual School
  administrator, once the meeting has happened and the next meeting's date is set.
- return (finalised → returned): the link teacher for the child's school or an
  administrator, naming the sections to amend and saying what to fix. An administrator
  may also return an approved PEP, to correct something found after publication; its
  re-approval publishes a new version and keeps the old one.
- resubmit (returned → finalised): each party resubmits the sections returned to it.
  Sections A and C go back to the social worker; Sections B and D go back to the school,
  that is to the designated teacher holding the delegation, or to the social worker
  when nobody holds one. An administrator may resubmit any section. The PEP comes back
  for review when no returned section is still out; until then it stays returned.
- approve (finalised → approved): the link teacher for the child's school or an
  administrator, once all eight rubric criteria and the three summary ratings are given.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from accounts.roles import Role
from quality.rubric import CRITERIA, SUMMARY_RATINGS

SOCIAL_CARE_SECTIONS = frozenset({"A", "C"})
SCHOOL_SECTIONS = frozenset({"B", "D"})
RETURNABLE_SECTIONS = ("A", "B", "C", "D")


class Status(StrEnum):
    DRAFT = "draft"
    FINALISED = "finalised"
    RETURNED = "returned"
    APPROVED = "approved"


class Action(StrEnum):
    FINALISE = "finalise"
    RETURN = "return"
    RESUBMIT = "resubmit"
    APPROVE = "approve"


ACTION_VERBS = {
    Action.FINALISE: "finalise",
    Action.RETURN: "return for amendment",
    Action.RESUBMIT: "resubmit",
    Action.APPROVE: "approve",
}

# Where each move starts and where it leads. A resubmission that leaves some returned
# sections still out stays in "returned" (see `after_resubmit`).
MOVES: Mapping[tuple[Action, Status], Status] = {
    (Action.FINALISE, Status.DRAFT): Status.FINALISED,
    (Action.RETURN, Status.FINALISED): Status.RETURNED,
    (Action.RETURN, Status.APPROVED): Status.RETURNED,
    (Action.RESUBMIT, Status.RETURNED): Status.FINALISED,
    (Action.APPROVE, Status.FINALISED): Status.APPROVED,
}


@dataclass(frozen=True)
class Actor:
    """What the workflow needs to know about the person acting on one PEP."""

    roles: frozenset[Role]
    is_allocated_social_worker: bool = False
    is_link_teacher_for_child: bool = False
    holds_school_delegation: bool = False

    @property
    def is_administrator(self) -> bool:
        return Role.ADMINISTRATOR in self.roles


@dataclass(frozen=True)
class Problem:
    """One reason a move cannot be made, tied to the field a person should fix."""

    field: str
    message: str


class WorkflowError(ValueError):
    """A move that cannot be made; `problems` says why, one sentence each."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__(" ".join(problem.message for problem in self.problems))


def resubmittable_sections(
    actor: Actor, reopened: Collection[str], *, school_has_delegate: bool
) -> frozenset[str]:
    """The returned sections that this actor may send back for review."""
    if actor.is_administrator:
        return frozenset(reopened)

    mine: set[str] = set()
    if actor.is_allocated_social_worker:
        mine |= SOCIAL_CARE_SECTIONS
        if not school_has_delegate:
            mine |= SCHOOL_SECTIONS
    if actor.holds_school_delegation:
        mine |= SCHOOL_SECTIONS

    return frozenset(reopened) & mine


def may(
    action: Action,
    status: str,
    actor: Actor,
    *,
    reopened: Collection[str] = (),
    school_has_delegate: bool = False,
) -> bool:
    """Whether `actor` may make `action` on a PEP in `status`."""
    if (action, status) not in MOVES:
        return False

    if action is Action.FINALISE:
        return actor.is_administrator or actor.is_allocated_social_worker
    if action is Action.RETURN:
        if status == Status.APPROVED:
            return actor.is_administrator
        return actor.is_administrator or actor.is_link_teacher_for_child
    if action is Action.APPROVE:
        return actor.is_administrator or actor.is_link_teacher_for_child

    return bool(
        resubmittable_sections(actor, reopened, school_has_delegate=school_has_delegate)
    )


def available_actions(
    status: str,
    actor: Actor,
    *,
    reopened: Collection[str] = (),
    school_has_delegate: bool = False,
) -> list[Action]:
    return [
        action
        for action in Action
        if may(
            action,
            status,
            actor,
            reopened=reopened,
            school_has_delegate=school_has_delegate,
        )
    ]


def refusal(action: Action, status: str) -> Problem:
    """Why a move is not open, in words, without saying more than the PEP's state."""
    if (action, status) not in MOVES:
        state = _STATE_WORDS.get(status, status)
        message = f"This PEP is {state}, so it cannot be {_PAST[action]} now"
    else:
        message = f"You cannot {ACTION_VERBS[action]} this PEP"

    return Problem("__all__", message)


_STATE_WORDS = {
    Status.DRAFT: "in preparation",
    Status.FINALISED: "awaiting quality assurance",
    Status.RETURNED: "returned for amendment",
    Status.APPROVED: "approved",
}

_PAST = {
    Action.FINALISE: "finalised",
    Action.RETURN: "returned for amendment",
    Action.RESUBMIT: "resubmitted",
    Action.APPROVE: "approved",
}


# Preconditions ----------------------------------------------------------------------


@dataclass(frozen=True)
class FinaliseFacts:
    meeting_date: date
    next_meeting_date: date | None
    is_late: bool = False
    late_reason: str = ""
    school_delegated: bool = False
    school_submitted: bool = False


def finalise_problems(facts: FinaliseFacts, today: date) -> list[Problem]:
    """What stops a PEP from being finalised today; empty when nothing does."""
    problems = []

    if facts.meeting_date > today:
        problems.append(
            Problem(
                "meeting_date",
                f"The PEP meeting is on {_day(facts.meeting_date)}: finalise the PEP "
                "on or after the day of the meeting",
            )
        )

    if facts.next_meeting_date is None:
        problems.append(
            Problem("next_meeting_date", "Enter the date of the next PEP meeting")
        )
    elif facts.next_meeting_date <= facts.meeting_date:
        problems.append(
            Problem(
                "next_meeting_date",
                "The date of the next PEP meeting must be after this meeting, "
                f"{_day(facts.meeting_date)}",
            )
        )

    if facts.is_late and not facts.late_reason.strip():
        problems.append(
            Problem(
                "late_reason",
                "Enter why the PEP meeting was held after its due date",
            )
        )

    if facts.school_delegated and not facts.school_submitted:
        problems.append(
            Problem(
                "__all__",
                "The school has not submitted Sections B and D yet: finalising would "
                "lock them before the designated teacher has finished",
            )
        )

    return problems


def approve_problems(
    scores: Mapping[str, int | None], ratings: Mapping[str, int | None]
) -> list[Problem]:
    """What is missing from Section E before the PEP can be approved.

    `scores` is keyed by rubric criterion (A, B, C1 ...), `ratings` by summary rating
    (pupil_voice, care_planning, educational_targets).
    """
    problems = [
        Problem(
            f"score_{criterion.key.lower()}",
            f"Choose a score for {criterion.section}: {_lower_first(criterion.title)}",
        )
        for criterion in CRITERIA
        if scores.get(criterion.key) is None
    ]
    problems.extend(
        Problem(rating.key, f"Choose a rating for {rating.title.lower()}")
        for rating in SUMMARY_RATINGS
        if ratings.get(rating.key) is None
    )

    return problems


def return_problems(sections: Collection[str], comment: str) -> list[Problem]:
    """What is wrong with a request to return sections for amendment."""
    problems = []

    unknown = sorted(set(sections) - set(RETURNABLE_SECTIONS))
    if unknown:
        problems.append(
            Problem(
                "sections",
                f"Section {', '.join(unknown)} cannot be returned: choose from "
                "Sections A, B, C and D",
            )
        )
    elif not sections:
        problems.append(Problem("sections", "Select the sections that need amending"))

    if not comment.strip():
        problems.append(Problem("comment", "Enter what needs to be amended"))

    return problems


def recipients(sections: Collection[str]) -> list[str]:
    """Who a return goes to: the social worker, the school, or both."""
    chosen = set(sections)
    found = []
    if chosen & SOCIAL_CARE_SECTIONS:
        found.append("social worker")
    if chosen & SCHOOL_SECTIONS:
        found.append("school")
    return found


def after_resubmit(
    reopened: Collection[str], resubmitted: Collection[str]
) -> tuple[Status, list[str]]:
    """The PEP's state and the sections still out after a resubmission."""
    remaining = sorted(set(reopened) - set(resubmitted))
    if remaining:
        return Status.RETURNED, remaining
    return Status.FINALISED, []


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _day(day: date) -> str:
    return f"{day.day} {day:%B %Y}"
