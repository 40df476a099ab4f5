"""Seed the English school year's terms for 2023-24 to 2027-28, the Pupil Premium Plus
rates the Department for Education published, and the numbered working days."""

from decimal import Decimal

from django.db import migrations

from reporting.calendar import FIRST_DAY, LAST_DAY, numbered_days
from reporting.terms import default_terms

FIRST_ACADEMIC_YEAR = 2023
LAST_ACADEMIC_YEAR = 2027

# Per child looked after, by the financial year starting 1 April of the year given.
PUPIL_PREMIUM_PLUS = {
    2023: Decimal("2530.00"),
    2024: Decimal("2570.00"),
    2025: Decimal("2630.00"),
}


def seed(apps, schema_editor):
    Term = apps.get_model("reporting", "Term")
    PupilPremiumRate = apps.get_model("reporting", "PupilPremiumRate")
    WorkingDay = apps.get_model("reporting", "WorkingDay")

    for academic_year in range(FIRST_ACADEMIC_YEAR, LAST_ACADEMIC_YEAR + 1):
        for term in default_terms(academic_year):
            Term.objects.get_or_create(
                name=term.name,
                defaults={
                    "kind": term.kind.value,
                    "academic_year": term.academic_year,
                    "starts_on": term.starts_on,
                    "ends_on": term.ends_on,
                },
            )

    for financial_year, amount in PUPIL_PREMIUM_PLUS.items():
        PupilPremiumRate.objects.get_or_create(
            financial_year=financial_year, defaults={"amount": amount}
        )

    if not WorkingDay.objects.exists():
        WorkingDay.objects.bulk_create(
            [
                WorkingDay(day=day, is_working_day=working, number=number)
                for day, working, number in numbered_days(FIRST_DAY, LAST_DAY)
            ],
            batch_size=2000,
        )


def unseed(apps, schema_editor):
    apps.get_model("reporting", "WorkingDay").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("reporting", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
