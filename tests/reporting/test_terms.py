"""The default terms tile the year; administrators cannot make terms overlap."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from reporting import terms
from reporting.models import PupilPremiumRate, Term, term_for


@pytest.mark.parametrize(
    ("day", "name"),
    [
        (dt.date(2024, 9, 1), "Autumn 2024-25"),
        (dt.date(2024, 12, 31), "Autumn 2024-25"),
        (dt.date(2025, 1, 1), "Spring 2024-25"),
        (dt.date(2025, 3, 31), "Spring 2024-25"),
        (dt.date(2025, 4, 1), "Summer 2024-25"),
        (dt.date(2025, 8, 31), "Summer 2024-25"),
        (dt.date(2025, 9, 1), "Autumn 2025-26"),
        (dt.date(2028, 2, 29), "Spring 2027-28"),
    ],
)
def test_every_date_belongs_to_one_default_term(day, name):
    assert terms.default_term_for(day).name == name


def test_default_terms_leave_no_gap_between_one_year_and_the_next():
    days = [term for year in range(2023, 2028) for term in terms.default_terms(year)]
    for before, after in zip(days, days[1:], strict=False):
        assert after.starts_on - before.ends_on == dt.timedelta(days=1)


@pytest.mark.parametrize(
    ("day", "financial_year"),
    [
        (dt.date(2025, 3, 31), 2024),
        (dt.date(2025, 4, 1), 2025),
        (dt.date(2024, 12, 31), 2024),
    ],
)
def test_the_financial_year_starts_on_1_april(day, financial_year):
    assert terms.financial_year_of(day) == financial_year


def test_terms_from_2023_24_to_2027_28_are_seeded(db):
    assert Term.objects.count() == 15
    assert term_for(dt.date(2026, 12, 4)).name == "Autumn 2026-27"
    assert term_for(dt.date(2023, 8, 31)) is None


def test_pupil_premium_plus_rates_are_seeded_per_financial_year(db):
    rates = {
        rate.financial_year: rate.amount for rate in PupilPremiumRate.objects.all()
    }

    assert {year: str(amount) for year, amount in rates.items()} == {
        2023: "2530.00",
        2024: "2570.00",
        2025: "2630.00",
    }
    assert (
        str(PupilPremiumRate.objects.get(financial_year=2025).school_share) == "1315.00"
    )


def test_an_overlapping_term_is_refused_naming_the_term_it_overlaps(db):
    term = Term(
        name="Easter school",
        kind=Term.Kind.SPRING,
        academic_year=2024,
        starts_on=dt.date(2025, 3, 20),
        ends_on=dt.date(2025, 4, 10),
    )

    with pytest.raises(ValidationError) as raised:
        term.full_clean()

    problems = raised.value.message_dict["starts_on"]
    assert any("Spring 2024-25" in problem for problem in problems)
    assert any("Summer 2024-25" in problem for problem in problems)


def test_a_term_that_ends_before_it_starts_is_refused(db):
    term = Term(
        name="Backwards",
        kind=Term.Kind.AUTUMN,
        academic_year=2030,
        starts_on=dt.date(2030, 12, 31),
        ends_on=dt.date(2030, 9, 1),
    )

    with pytest.raises(ValidationError, match="the start must come before the end"):
        term.full_clean()


def test_working_days_are_numbered_so_ten_after_a_meeting_is_its_deadline(db):
    from peps import cycle
    from reporting.models import WorkingDay

    meeting = WorkingDay.objects.get(day=dt.date(2024, 12, 20))
    deadline = WorkingDay.objects.get(is_working_day=True, number=meeting.number + 10)

    # Christmas Day, Boxing Day and New Year's Day are skipped.
    assert deadline.day == cycle.finalisation_due(dt.date(2024, 12, 20))
    assert deadline.day == dt.date(2025, 1, 8)
