"""Forms of the delegation portal: staff delegate; teachers complete Sections B and D.

Sections B and D are split into short pages so a teacher can fill them in with the
child, one group of questions at a time. Every section page carries the section's
version so that a save over someone else's newer save is refused, not lost.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.forms import inlineformset_factory

from peps.models import (
    Pep,
    PreviousTargetReview,
    SectionB,
    SectionD,
    SubjectProgress,
    Target,
)


@dataclass(frozen=True)
class Step:
    slug: str
    title: str
    fields: tuple[str, ...]
    intro: str = ""


VOICE_STEPS: tuple[Step, ...] = (
    Step(
        "general",
        "General",
        (
            "voice_going_right",
            "voice_subjects",
            "voice_help",
            "voice_people",
            "wellbeing",
            "achievement",
            "support",
            "relationships",
        ),
        "Ask the child these questions in their own words and write down what they "
        "say.",
    ),
    Step("aspirations", "Aspirations", ("voice_future", "aspirations", "ambitions")),
    Step("attendance", "Attendance", ("voice_on_time", "attendance")),
    Step("targets", "Targets", ("voice_previous_targets", "voice_new_targets")),
    Step(
        "section-b",
        "Section B: the meeting and learning at home",
        (
            "invited_to_contribute",
            "attended_meeting",
            "outcome_reviewer",
            "has_home_learning_support",
            "home_learning_needs",
            "offered_tuition",
            "carer_comments",
        ),
    ),
)

SECTION_D_STEPS: tuple[Step, ...] = (
    Step("progress", "Progress in each subject", ()),
    Step(
        "attendance",
        "Attendance, summary and tuition",
        (
            "current_attendance",
            "attendance_support",
            "education_summary",
            "accessing_tuition",
            "virtual_school_tuition",
        ),
    ),
    Step(
        "targets",
        "Targets and Pupil Premium Plus",
        (
            "pupil_premium_use",
            "carer_support_for_targets",
            "social_worker_support_for_targets",
            "additional_pupil_premium_request",
        ),
    ),
    Step(
        "send",
        "Special educational needs and disability",
        (
            "has_send",
            "primary_send_need",
            "send_stage",
            "out_of_area_send_status",
            "recent_assessments",
            "inclusion_arrangements",
        ),
    ),
    Step(
        "wider",
        "Extra-curricular activities and transition",
        (
            "extra_curricular",
            "change_of_school_discussed",
            "transition_arrangements",
            "new_school_arrangements",
        ),
    ),
)


def step_named(steps: tuple[Step, ...], slug: str) -> Step | None:
    return next((step for step in steps if step.slug == slug), None)


def _capitalised(label: str) -> str:
    return label[:1].upper() + label[1:]


class _SectionForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["version"] = self.instance.version
        for name, field in self.fields.items():
            if name == "version":
                continue
            field.label = _capitalised(str(field.label))
            if isinstance(field, forms.TypedChoiceField | forms.ChoiceField):
                field.widget = forms.RadioSelect(choices=field.choices)
                field.choices = [c for c in field.choices if c[0] != ""]
            if isinstance(field.widget, forms.Textarea):
                field.widget.attrs.update(rows=4)

    def changes(self) -> dict[str, object]:
        return {
            name: self.cleaned_data[name]
            for name in self._meta.fields
            if name in self.cleaned_data
        }


def section_b_form(step: Step) -> type[_SectionForm]:
    return forms.modelform_factory(SectionB, form=_SectionForm, fields=step.fields)


def section_d_form(step: Step) -> type[_SectionForm]:
    form_class = forms.modelform_factory(
        SectionD, form=_SectionForm, fields=step.fields
    )
    if "current_attendance" in step.fields:

        class AttendanceForm(form_class):  # type: ignore[valid-type, misc]
            def __init__(self, *args, **kwargs) -> None:
                super().__init__(*args, **kwargs)
                attendance = self.fields["current_attendance"]
                attendance.validators += [MinValueValidator(0), MaxValueValidator(100)]
                attendance.error_messages["invalid"] = (
                    "Enter the current attendance as a number, like 94.5"
                )
                attendance.help_text = "A percentage from 0 to 100, like 94.5"

        return AttendanceForm
    return form_class


class _RowForm(forms.ModelForm):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.label = _capitalised(str(field.label))
            if isinstance(field.widget, forms.Textarea):
                field.widget.attrs.update(rows=3)


class SubjectProgressForm(_RowForm):
    class Meta:
        model = SubjectProgress
        fields = [
            "subject",
            "is_core",
            "current_level",
            "target_level",
            "predicted_level",
            "on_track_for_target",
            "on_track_for_are",
            "making_good_progress",
            "comments",
        ]
        labels = {"is_core": "Core subject (English, maths or science)"}


class PreviousTargetReviewForm(_RowForm):
    class Meta:
        model = PreviousTargetReview
        fields = ["target", "impact", "success_achieved", "next_steps"]


class TargetForm(_RowForm):
    class Meta:
        model = Target
        fields = [
            "kind",
            "subject_area",
            "target",
            "action",
            "success_criteria",
            "timescale",
            "pupil_premium_cost",
        ]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        cost = self.fields["pupil_premium_cost"]
        cost.label = "Pupil Premium Plus or bursary cost, in pounds"
        cost.validators.append(MinValueValidator(0))
        cost.error_messages["invalid"] = "Enter the cost in pounds, like 150 or 75.50"


SubjectProgressFormSet = inlineformset_factory(
    Pep, SubjectProgress, form=SubjectProgressForm, extra=1, can_delete=True
)
PreviousTargetReviewFormSet = inlineformset_factory(
    Pep,
    PreviousTargetReview,
    form=PreviousTargetReviewForm,
    extra=1,
    can_delete=True,
)
TargetFormSet = inlineformset_factory(
    Pep, Target, form=TargetForm, extra=1, can_delete=True
)


class DelegateForm(forms.Form):
    email = forms.EmailField(
        label="Designated teacher's work e-mail address",
        error_messages={
            "required": "Enter the designated teacher's e-mail address",
            "invalid": "Enter an e-mail address in the right format, like "
            "name@school.sch.uk",
        },
    )
    expires_on = forms.DateField(
        label="Last day the school can complete the section",
        help_text="For example, 27 3 2026. Give the date as day month year.",
        input_formats=["%d/%m/%Y", "%d %m %Y", "%Y-%m-%d", "%d-%m-%Y"],
        error_messages={
            "required": "Enter the last day the school can complete the section",
            "invalid": "Enter a real date, like 27/3/2026",
        },
    )

    def __init__(self, *args, today: date, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.today = today

    def clean_expires_on(self) -> date:
        expires_on = self.cleaned_data["expires_on"]
        if expires_on < self.today:
            raise forms.ValidationError(
                "The last day to complete the section must be today or later"
            )
        return expires_on


class AttachmentForm(forms.Form):
    file = forms.FileField(
        label="Upload a drawing, photo or document",
        help_text="A PNG or JPEG image, or a PDF document.",
        error_messages={"required": "Choose a file to upload"},
    )
    description = forms.CharField(
        label="What is it? (optional)", max_length=300, required=False
    )


class TeacherCommentsUploadForm(forms.Form):
    file = forms.FileField(
        label="Upload the Microsoft Forms export",
        help_text="The .xlsx file from Open in Excel, or a CSV file saved from it.",
        error_messages={"required": "Choose the exported file to upload"},
    )


class CarerCopyForm(forms.Form):
    contacts = forms.MultipleChoiceField(
        label="Send a copy to",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Select at least one carer to send a copy to"},
    )

    def __init__(self, *args, choices: list[tuple[str, str]], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["contacts"].choices = choices
