"""The dashboards' filters: a GET form that narrows every figure on the page."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.html import format_html_join
from django.utils.safestring import SafeString

from peps.models import School
from reporting.audiences import Audience
from reporting.measures import PHASES, Filters
from reporting.models import Term

YEAR_GROUPS = [("", "All year groups"), ("0", "Reception")] + [
    (str(year), f"Year {year}") for year in range(1, 14)
]


class DashboardFilterForm(forms.Form):
    term = forms.ChoiceField(label="Term", required=False)
    school = forms.CharField(
        label="School URN",
        required=False,
        max_length=10,
        help_text="The school's unique reference number, for example 107304.",
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "class": "govuk-input--width-10"}
        ),
    )
    team = forms.ChoiceField(label="Team", required=False)
    phase = forms.ChoiceField(
        label="Phase", required=False, choices=[("", "All phases"), *PHASES]
    )
    year_group = forms.ChoiceField(
        label="Year group", required=False, choices=YEAR_GROUPS
    )

    def __init__(
        self,
        data: Any,
        *,
        terms: Sequence[Term],
        current: Term | None,
        audience: Audience,
        teams: Sequence[tuple[int, str]],
    ) -> None:
        super().__init__(data)
        self.audience = audience
        self.terms = {str(term.pk): term for term in terms}
        self.current = current
        self.fields["term"].choices = [
            (str(term.pk), term.name) for term in reversed(terms)
        ]
        if current is not None:
            self.fields["term"].initial = str(current.pk)
        self.fields["team"].choices = [("", "All teams")] + [
            (str(pk), name) for pk, name in teams
        ]
        if not teams:
            del self.fields["team"]

    def clean_term(self) -> Term | None:
        chosen = self.cleaned_data["term"]
        return self.terms[chosen] if chosen else None

    def clean_school(self) -> School | None:
        urn = self.cleaned_data["school"].strip()
        if not urn:
            return None
        if not urn.isdigit():
            raise forms.ValidationError(
                f"Enter a school URN as digits only: {urn!r} is not one."
            )
        school = School.objects.filter(urn=int(urn)).only("id", "name", "urn").first()
        visible = school is not None and (
            self.audience.whole_authority or school.pk in self.audience.school_ids
        )
        if not visible:
            raise forms.ValidationError(
                f"There is no school with URN {urn} in your dashboards."
            )
        return school

    def chosen_term(self) -> Term | None:
        """The term asked for, or the current one when the choice is missing or bad."""
        chosen = getattr(self, "cleaned_data", {}).get("term")
        return chosen or self.current

    def options(self, name: str) -> SafeString:
        """A select's options as markup, built in one pass.

        At national scale the team list runs to some 1,500 teams; building the
        options here takes a millisecond where Django's per-option widgets and
        template loop took a tenth of a second on every page.
        """
        field = self[name]
        chosen = str(field.value() or "")
        return format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (value, " selected" if str(value) == chosen else "", label)
                for value, label in field.field.choices
            ),
        )

    def filters(self) -> Filters:
        """The filters that were given correctly; a faulty one is left out."""
        data = getattr(self, "cleaned_data", {})
        school = data.get("school")
        team = data.get("team")
        year = data.get("year_group")
        return Filters(
            school_id=school.pk if school else None,
            team_id=int(team) if team else None,
            phase=data.get("phase") or None,
            year_group=int(year) if year not in (None, "") else None,
        )
