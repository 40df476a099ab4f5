"""Forms of quality assurance, with errors in the GOV.UK Design System's words."""

from __future__ import annotations

from django import forms

from accounts.models import User
from accounts.roles import Role
from peps.models import Contact
from quality.models import Band, Measure, SectionE
from quality.rubric import CRITERIA, SUMMARY_RATINGS_BY_KEY
from quality.services import RATING_FIELDS
from quality.workflow import RETURNABLE_SECTIONS


def _scale(low: int, high: int) -> list[tuple[int, str]]:
    return [(value, str(value)) for value in range(low, high + 1)]


def _optional_score(low: int, high: int, label: str) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        choices=_scale(low, high),
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
        error_messages={
            "invalid_choice": f"Choose a score from {low} to {high}",
        },
    )


class SectionEForm(forms.ModelForm):
    """Section E as the link teacher fills it in. Scores may be saved part-way; all of
    them are needed only to approve."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = SectionE
        fields = [
            "link_teacher",
            "virtual_school_contact",
            "pupil_voice_rating",
            "care_planning_rating",
            "targets_rating",
            "progress_comment",
            "progress_data_missing",
            "attendance_comment",
            "access_to_education_comment",
            "link_teacher_comment",
            *(f"score_{criterion.key.lower()}" for criterion in CRITERIA),
        ]
        widgets = {
            "virtual_school_contact": forms.Textarea(attrs={"rows": 3}),
            "progress_comment": forms.Textarea(attrs={"rows": 4}),
            "attendance_comment": forms.Textarea(attrs={"rows": 4}),
            "access_to_education_comment": forms.Textarea(attrs={"rows": 4}),
            "link_teacher_comment": forms.Textarea(attrs={"rows": 5}),
        }
        labels = {
            "progress_data_missing": "Progress data has not been uploaded",
        }

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["link_teacher"].queryset = User.objects.filter(
            groups__name=Role.LINK_TEACHER.value, is_active=True
        ).order_by("first_name", "last_name")
        self.fields["link_teacher"].label = "Name of link teacher"

        for criterion in CRITERIA:
            self.fields[f"score_{criterion.key.lower()}"] = _optional_score(
                criterion.minimum,
                criterion.maximum,
                f"{criterion.section}: {criterion.title}",
            )
        for key, field in RATING_FIELDS.items():
            rating = SUMMARY_RATINGS_BY_KEY[key]
            self.fields[field] = _optional_score(
                rating.minimum, rating.maximum, rating.title
            )


class ReturnForm(forms.Form):
    sections = forms.MultipleChoiceField(
        label="Which sections need amending?",
        choices=[
            ("A", "Section A: phase and meeting details (social worker)"),
            ("B", "Section B: the child's views (school)"),
            ("C", "Section C: social care arrangements (social worker)"),
            ("D", "Section D: school provision (school)"),
        ],
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Select the sections that need amending"},
    )
    comment = forms.CharField(
        label="What needs to be amended?",
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": "Enter what needs to be amended"},
    )

    def clean_sections(self) -> list[str]:
        chosen = self.cleaned_data["sections"]
        return [section for section in RETURNABLE_SECTIONS if section in chosen]


class CarerCopyForm(forms.Form):
    contacts = forms.ModelMultipleChoiceField(
        label="Which carers should get a copy?",
        queryset=Contact.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Select the carers to send the PEP to"},
    )

    def __init__(self, *args: object, carers: list[Contact], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["contacts"]
        field.queryset = Contact.objects.filter(pk__in=[c.pk for c in carers])
        field.label_from_instance = lambda contact: f"{contact.name} ({contact.email})"


class BandForm(forms.Form):
    measure = forms.ChoiceField(
        choices=Measure.choices,
        error_messages={"required": "Select the measure the band belongs to"},
    )
    name = forms.CharField(
        max_length=40,
        error_messages={
            "required": "Enter the name of the band",
            "max_length": "The name of the band must be 40 characters or fewer",
        },
    )
    low = forms.IntegerField(
        label="Lowest score",
        min_value=0,
        error_messages={
            "required": "Enter the lowest score of the band",
            "invalid": "The lowest score must be a whole number",
            "min_value": "The lowest score must be 0 or more",
        },
    )
    high = forms.IntegerField(
        label="Highest score",
        min_value=0,
        error_messages={
            "required": "Enter the highest score of the band",
            "invalid": "The highest score must be a whole number",
            "min_value": "The highest score must be 0 or more",
        },
    )


class BaseBandFormSet(forms.BaseFormSet):
    def rows(self) -> list[tuple[str, str, int, int]]:
        """The bands to keep: filled-in rows that are not marked for removal."""
        return [
            (
                form.cleaned_data["measure"],
                form.cleaned_data["name"],
                form.cleaned_data["low"],
                form.cleaned_data["high"],
            )
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]


BandFormSet = forms.formset_factory(
    BandForm, formset=BaseBandFormSet, extra=1, can_delete=True
)


def band_initial() -> list[dict[str, object]]:
    return [
        {"measure": band.measure, "name": band.name, "low": band.low, "high": band.high}
        for band in Band.objects.order_by("measure", "-low")
    ]
