"""The reporting terms of the English school year, and the financial year of a date.

Pure rules, no database: the `Term` model holds the terms in force (an administrator
may change them) and the migration that seeds it uses `default_terms`.

The default rule tiles the calendar with no gaps, so every date belongs to exactly one
term: autumn runs from 1 September to 31 December, spring from 1 January to 31 March and
summer from 1 April to 31 August. Reports are about when PEPs fall due, not about the
days schools are open, so holidays belong to the term before them. Fixed dates keep
terms comparable from year to year, unlike Easter, and put each term wholly inside one
financial year (1 April to 31 March), which is how Pupil Premium Plus is allocated.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date


class TermKind(enum.StrEnum):
    AUTUMN = "autumn"
    SPRING = "spring"
    SUMMER = "summer"

    @property
    def label(self) -> str:
        return self.value.capitalize()


@dataclass(frozen=True)
class TermDates:
    name: str
    kind: TermKind
    academic_year: int
    starts_on: date
    ends_on: date


def academic_year_label(academic_year: int) -> str:
    """2024 becomes "2024-25", as schools write it."""
    return f"{academic_year}-{(academic_year + 1) % 100:02d}"


def default_terms(academic_year: int) -> list[TermDates]:
    """The three terms of the school year that starts in September `academic_year`."""
    label = academic_year_label(academic_year)
    following = academic_year + 1

    return [
        TermDates(
            f"Autumn {label}",
            TermKind.AUTUMN,
            academic_year,
            date(academic_year, 9, 1),
            date(academic_year, 12, 31),
        ),
        TermDates(
            f"Spring {label}",
            TermKind.SPRING,
            academic_year,
            date(following, 1, 1),
            date(following, 3, 31),
        ),
        TermDates(
            f"Summer {label}",
            TermKind.SUMMER,
            academic_year,
            date(following, 4, 1),
            date(following, 8, 31),
        ),
    ]


def default_term_for(day: date) -> TermDates:
    """The default term holding `day`; every date has exactly one."""
    academic_year = day.year if day.month >= 9 else day.year - 1
    return next(
        term
        for term in default_terms(academic_year)
        if term.starts_on <= day <= term.ends_on
    )


def financial_year_of(day: date) -> int:
    """The calendar year in which the financial year holding `day` began (1 April)."""
    return day.year if day.month >= 4 else day.year - 1


def financial_year_label(financial_year: int) -> str:
    return academic_year_label(financial_year)


def overlap_problems(
    starts_on: date, ends_on: date, others: list[tuple[str, date, date]]
) -> list[str]:
    """Why a term from `starts_on` to `ends_on` cannot sit beside `others`.

    `others` are (name, starts_on, ends_on) of the terms already held. An empty list
    means the term is sound.
    """
    if starts_on >= ends_on:
        return [
            f"The term starts on {starts_on:%d/%m/%Y} but ends on {ends_on:%d/%m/%Y}: "
            "the start must come before the end."
        ]

    return [
        f"The term overlaps {name}, which runs from {other_start:%d/%m/%Y} to "
        f"{other_end:%d/%m/%Y}: each date may belong to one term only."
        for name, other_start, other_end in others
        if starts_on <= other_end and other_start <= ends_on
    ]
