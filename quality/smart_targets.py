"""Checks that a PEP target is SMART enough to act on, and a suggested D2 score.

The checks read ordinary teachers' writing, so they are heuristics, kept deliberately
plain so that a teacher can predict them:

* Success criterion: it must be written, and it must hold something that can be
  measured or seen: a number (digits or a number word such as "ten" or "half"), a
  percentage, a grade, level or age-related expectation, a test, quiz or assessment, a
  word of accuracy or independence ("accurately", "without help"), or a verb for
  something a teacher can watch or count ("reads", "spells", "solves", "attends").
  "-ing" forms of those verbs are left out on purpose: "improved reading" names an
  area, not something anyone will see.
* Timescale: a date, a month, a term or half term, a season of the school year, a
  number of days, weeks, months or terms, "end of ..." or "next PEP". It is looked for
  in the timescale column first and then in the target itself, because the guide asks
  teachers to write the timescale into the target ("... - one half term").
* Who acts: the action names a role (teacher, teaching assistant, tutor, carer,
  designated teacher, social worker, pupil, ...), a pronoun for a person ("I", "we",
  "she", ...), a title and name ("Mrs Khan"), or a capitalised name followed by what
  they will do ("Sam will ...", "Priya to ...").
* Cost: a target that Pupil Premium Plus funds must give its cost in pounds.

The suggested D2 score follows the rubric's descriptors; the link teacher confirms or
overrides it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from quality.rubric import Suggestion

D2 = "D2"

_NUMBER_WORDS = (
    "one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen"
    "|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty"
    "|sixty|seventy|eighty|ninety|hundred|half|twice|double"
)

_MEASURE_WORDS = (
    r"grades?",
    r"levels?",
    r"reading age",
    r"spelling age",
    r"age[- ]related",
    r"expected standard",
    r"greater depth",
    r"scores?",
    r"marks?",
    r"points",
    r"tests?",
    r"quiz(?:zes)?",
    r"assessments?",
    r"exams?",
    r"mocks?",
    r"multiplication check",
    r"phonics screening",
    r"accura(?:te|tely|cy)",
    r"correct(?:ly)?",
    r"independently",
    r"unaided",
    r"without (?:help|support|prompting|prompts|adult support)",
    r"per ?cent",
)

# Base, third-person and past forms only (see the module's docstring).
_OBSERVABLE_VERBS = (
    "(?:read|write|spell|recall|recite|count|name|list|label|solve|calculate|complete"
    "|attend|arrive|score|achieve|answer|explain|describe|demonstrate|punctuate"
    "|present|submit|pass|use|compare|measure|add|subtract|divide|sort|blend"
    "|segment|decode|join)(?:s|es|ed|d)?"
    "|(?:identif|simplif|multipl|appl)(?:y|ies|ied)"
    "|wrote|written|spelt|hands? in|handed in"
)

_MONTHS = (
    "january|february|march|april|june|july|august|september|october|november"
    "|december|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec"
)

_FREQUENCY = r"(?!\s+(?:a|an|per|each|every)\s+(?:day|week|month|term|year)\b)"

_TIMESCALE_PATTERNS = (
    r"\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}",
    r"\d{4}-\d{2}-\d{2}",
    r"20\d{2}",
    r"(?:" + _MONTHS + r")\.?",
    # "may" alone is usually the verb, so only with a day or a year beside it.
    r"\d{1,2}(?:st|nd|rd|th)?\s+may|may\s+\d{1,4}",
    r"half[- ]?terms?",
    r"terms?(?!\s+of\b)",
    r"autumn|spring|summer|christmas|easter|whitsun",
    r"fortnight",
    # A count of days or weeks is a timescale; "3 days a week" is how often.
    r"(?:\d+|" + _NUMBER_WORDS + r"|few|several)\s+"
    r"(?:school\s+)?(?:days?|weeks?|months?|years?)" + _FREQUENCY,
    r"(?:within|in|after|over)\s+(?:a|an)\s+(?:week|month|year)",
    # "By the end of the week" is a timescale; "at the end of each lesson" is not.
    r"end of\s+(?!(?:each|every)\b)(?!(?:the\s+)?(?:lessons?|sessions?|day)\b)",
    r"next pep",
    r"next review",
    r"by (?:monday|tuesday|wednesday|thursday|friday)",
    r"academic year",
)

_ROLES = (
    r"(?:class |subject |link |designated )?teachers?",
    r"(?:form )?tutors?",
    r"teaching assistants?",
    r"(?:learning )?support assistants?",
    r"(?:learning )?mentors?",
    r"sendco|senco",
    r"head of year",
    r"head ?teacher",
    r"deputy head",
    r"pastoral",
    r"staff",
    r"key ?workers?",
    r"(?:foster )?carers?",
    r"parents?",
    r"social workers?",
    r"virtual school",
    r"pupils?(?!\s+premium)",
    r"child",
    r"young person",
    r"students?",
    r"learners?",
    r"school nurse",
    r"counsellor",
    r"therapist",
    r"educational psychologist",
    r"coach",
    r"librarian",
    r"we|he|she|they",
)

# Short forms match in capitals only, so "ta" inside "i.e. ta" or a lower-case "i"
# never counts.
_ROLE_ABBREVIATIONS = (
    "I",
    "TAs?",
    "HLTAs?",
    "LSAs?",
    "DT",
    "SENCo",
    "SENDCo",
    "SW",
    "EP",
    "SALT",
)

# Capitalised words that start or name things, never a person who acts.
_NOT_PEOPLE = re.compile(
    "english|maths|mathematics|science|biology|chemistry|physics|history|geography"
    "|french|german|spanish|art|music|drama|computing|reading|writing|spelling"
    "|phonics|year|term|pupil|premium|this|that|these|those|the|a|an|daily|weekly"
    "|each|every|all|sessions?|work|homework|practice|support|monday|tuesday"
    "|wednesday|thursday|friday|saturday|sunday",
    flags=re.IGNORECASE,
)


@dataclass(frozen=True)
class TargetText:
    """One row of the PEP's new targets table, as written."""

    subject_area: str
    target: str
    action: str
    success_criteria: str
    timescale: str
    pupil_premium_cost: Decimal | None = None
    funded_by_pupil_premium: bool = False

    def is_blank(self) -> bool:
        written = (
            self.subject_area,
            self.target,
            self.action,
            self.success_criteria,
            self.timescale,
        )
        return not any(text.strip() for text in written) and (
            self.pupil_premium_cost is None and not self.funded_by_pupil_premium
        )


def check_target(target: TargetText) -> list[str]:
    """The gaps that keep `target` from being SMART, as sentences for the teacher."""
    gaps = []

    if not target.subject_area.strip():
        gaps.append("No subject area: say which subject or area the target is for.")

    if not target.target.strip():
        gaps.append("No target: say what the pupil will learn or be able to do.")

    if not target.success_criteria.strip():
        gaps.append(
            "No success criterion: say what you will see when the target is met."
        )
    elif not is_measurable(target.success_criteria):
        gaps.append(
            "The success criterion cannot be measured: add a number, a percentage, a "
            "grade or level, or something the pupil will be seen to do."
        )

    if not target.timescale.strip() and not mentions_timescale(target.target):
        gaps.append("No timescale: say when the target will be met.")
    elif target.timescale.strip() and not mentions_timescale(target.timescale):
        gaps.append(
            f"The timescale '{target.timescale.strip()}' is not a point in time: give "
            "a date, a term or half term, or a number of weeks."
        )

    if not target.action.strip():
        gaps.append("No action: say what will be done, who will do it and when.")
    elif not names_who_acts(target.action):
        gaps.append(
            "The action does not say who will do it: name the person or their role, "
            "for example the class teacher, a teaching assistant or the carer."
        )

    gaps.extend(_cost_gaps(target))

    return gaps


def is_measurable(text: str) -> bool:
    lowered = text.casefold()

    if re.search(r"\d|%", lowered):
        return True
    if _search_words(_NUMBER_WORDS, lowered):
        return True
    # ARE (age-related expectations) in capitals only: "are" is also a verb.
    if re.search(r"\bARE\b", text):
        return True
    if any(re.search(rf"\b{pattern}\b", lowered) for pattern in _MEASURE_WORDS):
        return True

    return _search_words(_OBSERVABLE_VERBS, lowered)


def mentions_timescale(text: str) -> bool:
    lowered = text.casefold()

    return any(
        re.search(rf"\b(?:{pattern})\b", lowered) for pattern in _TIMESCALE_PATTERNS
    )


def names_who_acts(action: str) -> bool:
    if _search_words(_ROLES, action.casefold()):
        return True
    if _search_words(_ROLE_ABBREVIATIONS, action, ignore_case=False):
        return True
    if re.search(r"\b(?:Mr|Mrs|Ms|Miss|Mx|Dr)\.?\s+[A-Z]", action):
        return True

    for match in re.finditer(
        r"\b([A-Z][a-z]+(?:-[A-Z][a-z]+)?)\s+(?:will|to|must|should|can|and)\b"
        r"(?!\s+be\b)",
        action,
    ):
        if not _NOT_PEOPLE.fullmatch(match.group(1)):
            return True

    return False


def _cost_gaps(target: TargetText) -> list[str]:
    cost = target.pupil_premium_cost
    if cost is not None and cost < 0:
        return [
            (
                f"The Pupil Premium Plus cost is negative (-£{abs(cost):,.2f}): give "
                "the amount in pounds."
            )
        ]
    if target.funded_by_pupil_premium and (cost is None or cost == 0):
        return [
            (
                "No cost for a target that Pupil Premium Plus funds: give the amount "
                "in pounds."
            )
        ]

    return []


_COLUMNS = (
    ("subject_area", "Subject area"),
    ("target", "Target"),
    ("action", "Action"),
    ("success_criteria", "Success criteria"),
    ("timescale", "Timescale"),
)


@dataclass(frozen=True)
class _TargetReview:
    position: int
    target: TargetText
    gaps: tuple[str, ...]

    @property
    def name(self) -> str:
        subject = self.target.subject_area.strip()
        if subject:
            return f"Target {self.position} ({subject})"

        return f"Target {self.position}"

    def empty_columns(self) -> list[str]:
        return [
            f"{self.name}: {label}"
            for attribute, label in _COLUMNS
            if not getattr(self.target, attribute).strip()
        ]


def suggest_targets_score(
    previous_reviewed: bool, targets: list[TargetText], *, first_pep: bool = False
) -> Suggestion:
    """Suggest D2 (1-4) from the rubric's descriptors.

    4: previous targets reviewed, new SMART targets, Pupil Premium spending clear.
    3: previous targets reviewed, new targets, Pupil Premium spending clear.
    2: previous targets reviewed and new targets set.
    1: anything less.

    Blank rows of the targets table are ignored. Pupil Premium spending counts as clear
    when at least one target is funded by Pupil Premium Plus and every such target
    gives its cost. On a child's first PEP there are no previous targets to review, so
    `first_pep` stands in for the review.
    """
    written = [target for target in targets if not target.is_blank()]
    reviews = [
        _TargetReview(position, target, tuple(check_target(target)))
        for position, target in enumerate(written, start=1)
    ]
    new_targets = [review for review in reviews if review.target.target.strip()]
    funded = [review for review in reviews if review.target.funded_by_pupil_premium]
    uncosted = [review for review in funded if _cost_gaps(review.target)]
    not_smart = [review for review in reviews if review.gaps]

    reasons: list[str] = []
    missing: list[str] = []

    reviewed = previous_reviewed or first_pep
    if first_pep:
        reasons.append("This is the child's first PEP: there are no previous targets.")
    elif previous_reviewed:
        reasons.append("The previous PEP's targets are reviewed.")
    else:
        reasons.append("The previous PEP's targets are not reviewed.")
        missing.append("Review of previous PEP targets")

    if new_targets:
        reasons.append(f"{_number_of(len(new_targets), 'new target')} set.")
    else:
        reasons.append("No new targets are set.")
        missing.append("New PEP targets")

    if not funded:
        reasons.append("No target says that Pupil Premium Plus funds it.")
        missing.append("Pupil Premium / Bursary (cost linked to target)")
    elif uncosted:
        reasons.append(
            f"{_number_of(len(uncosted), 'target')} funded by Pupil Premium Plus "
            "without a cost."
        )
        missing.extend(f"{review.name}: Pupil Premium cost" for review in uncosted)
    else:
        total = sum(
            (review.target.pupil_premium_cost or Decimal(0) for review in funded),
            Decimal(0),
        )
        targets_word = "target" if len(funded) == 1 else "targets"
        reasons.append(
            f"Pupil Premium Plus spending is set out: £{total:,.2f} across "
            f"{len(funded)} {targets_word}."
        )

    if new_targets and not not_smart:
        reasons.append("Every new target is SMART.")
    for review in not_smart:
        reasons.extend(f"{review.name}: {gap}" for gap in review.gaps)
        missing.extend(review.empty_columns())

    pupil_premium_clear = bool(funded) and not uncosted
    if reviewed and new_targets and pupil_premium_clear and not not_smart:
        score = 4
    elif reviewed and new_targets and pupil_premium_clear:
        score = 3
    elif reviewed and new_targets:
        score = 2
    else:
        score = 1

    return Suggestion(D2, score, tuple(reasons), tuple(missing))


def _number_of(number: int, noun: str) -> str:
    if number == 1:
        return f"1 {noun} is"

    return f"{number} {noun}s are"


def _search_words(
    words: str | tuple[str, ...], text: str, *, ignore_case: bool = True
) -> bool:
    """Whether any of `words` (regular expressions) appears as a whole word."""
    alternatives = words if isinstance(words, str) else "|".join(words)
    flags = re.IGNORECASE if ignore_case else 0

    return re.search(rf"\b(?:{alternatives})\b", text, flags=flags) is not None
