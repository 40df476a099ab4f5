"""Which school year a child is in, by the English 1 September cut-off."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

RECEPTION = 0
YEAR_13 = 13


@dataclass(frozen=True)
class SchoolYear:
    """A school year: -1 and below are early years, 0 is Reception, 13 is Year 13."""

    number: int

    @property
    def label(self) -> str:
        if self.number == RECEPTION:
            return "Reception"
        if self.number < RECEPTION:
            return "Early years"
        if self.number > YEAR_13:
            return "Beyond Year 13"
        return f"Year {self.number}"

    @property
    def needs_pep(self) -> bool:
        return RECEPTION <= self.number <= YEAR_13


def academic_year_start(on: date) -> int:
    """The calendar year in which the school year containing `on` began."""
    return on.year if on.month >= 9 else on.year - 1


def school_year(date_of_birth: date, on: date) -> SchoolYear:
    """Children born 1 September to 31 August start Reception together.

    A child starts Reception in the September after their fourth birthday, so a child
    born between 1 September Y and 31 August Y+1 is in Reception in the school year that
    begins on 1 September Y+5.
    """
    cohort = academic_year_start(date_of_birth)
    reception_starts = cohort + 5
    return SchoolYear(academic_year_start(on) - reception_starts)


def phase_for(year: SchoolYear) -> str:
    """The usual phase for a mainstream school year; special schools are set by hand."""
    if year.number <= RECEPTION:
        return "foundation"
    if year.number <= 6:
        return "primary"
    if year.number <= 11:
        return "secondary"
    return "post_16"
