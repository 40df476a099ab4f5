"""The forms of the PEP screens, and the shape of each PEP section.

Each section's layout (the headings, the fields under each and the tables of rows in
between) is written once here. The edit screens and the page that shows the whole PEP
both follow it, so they ask and show the same things in the same order.

Messages follow the GOV.UK Design System: they say what to do and name the field.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from crispy_forms_gds.fields import DateInputField
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db.models import Model, Q
from django.forms.models import BaseInlineFormSet, inlineformset_factory
from django.http import QueryDict
from django.utils.dateformat import format as format_date
from django.utils.text import capfirst

from accounts.models import User
from accounts.roles import Role
from peps import school_year
from peps.models import (
    LegalStatusRow,
    MeetingAttendee,
    Pep,
    PreviousTargetReview,
    SectionA,
    SectionB,
    SectionC,
    SectionD,
    SubjectProgress,
    Target,
)

# More options than this are offered as a drop-down list rather than radios.
RADIO_LIMIT = 5
MAX_ROWS = 50
DATE_PARTS = ("day", "month", "year")
CORE_SUBJECTS = ("English Language", "English Literature", "Maths")

LATE_REASON_MISSING = "Enter why the meeting is after its due date"
COST_MESSAGE = "Enter the cost in pounds, like 250 or 250.50"
ATTENDANCE_MESSAGE = "Enter the current attendance as a percentage, like 95 or 95.5"
# A Strengths and Difficulties Questionnaire total runs from 0 to 40.
SDQ_MAXIMUM = 40
SDQ_MESSAGE = "Enter the SDQ score as a whole number from 0 to 40"
STALE_PAGE_MESSAGE = (
    "This page is out of date. Open the section again and enter your changes there."
)


def long_date(value: date) -> str:
    return format_date(value, "j F Y")


def pounds(value: Decimal) -> str:
    return f"£{value:,.2f}"


def _and_join(words: list[str]) -> str:
    if len(words) == 1:
        return words[0]
    return f"{', '.join(words[:-1])} and {words[-1]}"


class GovukDateField(DateInputField):
    """A GOV.UK date input (day, month, year) with the Design System's messages.

    `subject` names the date in messages: "Enter {subject}", "{Subject} must be a real
    date", "{Subject} must include a month".
    """

    def __init__(self, *, subject: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.subject = subject
        self.error_messages["required"] = f"Enter {subject}"

    def clean(self, value: Any) -> date | None:
        parts = [str(part or "").strip() for part in (value or ("", "", ""))]
        for part_field in self.fields:
            part_field.widget.errors = []

        if not any(parts):
            if self.required:
                raise ValidationError(self.error_messages["required"], code="required")
            return None

        missing = [index for index, part in enumerate(parts) if not part]
        if missing:
            for index in missing:
                self.fields[index].widget.errors = ["missing"]
            names = _and_join([DATE_PARTS[index] for index in missing])
            raise ValidationError(
                f"{capfirst(self.subject)} must include a {names}", code="incomplete"
            )

        try:
            day, month, year = (int(part) for part in parts)
            if len(parts[2]) != 4:
                raise ValueError("The year must have four digits.")
            entered = date(year, month, day)
            if not EARLIEST_YEAR <= year <= LATEST_YEAR:
                raise ValueError("Outside the years a PEP can concern.")
        except (ValueError, OverflowError):
            # A day or month too large for the machine is as unreal as 31 February.
            raise ValidationError(
                f"{capfirst(self.subject)} must be a real date", code="invalid"
            ) from None

        self.run_validators(entered)
        return entered


EARLIEST_YEAR = 1900
LATEST_YEAR = 2100


def model_date_field(
    model: type[Model], name: str, *, subject: str | None = None
) -> GovukDateField:
    """A date input labelled, and required or not, as the model field says."""
    db_field = model._meta.get_field(name)
    return GovukDateField(
        label=capfirst(db_field.verbose_name),
        required=not db_field.blank,
        subject=subject or f"the {db_field.verbose_name}",
        help_text="For example, 27 3 2025",
    )


class AmountField(forms.DecimalField):
    """A decimal typed as people write it ("£1,250.50", "95%"), with one message."""

    def __init__(
        self, *, unit: str, message: str, max_digits: int, **kwargs: Any
    ) -> None:
        super().__init__(max_digits=max_digits, decimal_places=2, **kwargs)
        self.unit = unit
        for code in (
            "invalid",
            "max_digits",
            "max_decimal_places",
            "max_whole_digits",
            "min_value",
            "max_value",
        ):
            self.error_messages[code] = message
        self.widget.attrs.update(
            {"inputmode": "decimal", "class": "govuk-input--width-5"}
        )

    def to_python(self, value: Any) -> Decimal | None:
        if isinstance(value, str):
            value = value.strip().removeprefix("£").removesuffix("%").replace(",", "")
        return super().to_python(value)

    def format(self, value: Decimal) -> str:
        if self.unit == "£":
            return pounds(value)
        return f"{value.normalize():f}{self.unit}"


DJANGO_REQUIRED_MESSAGE = forms.Field.default_error_messages["required"]


def _suit_govuk(form_field: forms.Field) -> None:
    """Give a field the widgets and messages the Design System expects."""
    if isinstance(form_field, forms.ModelChoiceField):
        form_field.empty_label = "Not chosen"
    elif isinstance(form_field, forms.ChoiceField):
        options = [choice for choice in form_field.choices if choice[0] != ""]
        if len(options) <= RADIO_LIMIT:
            # Radios need no empty choice: an unanswered question has none selected.
            form_field.widget = forms.RadioSelect()
            form_field.choices = options
        else:
            form_field.choices = [("", "Not chosen"), *options]

    if isinstance(form_field.widget, forms.Textarea):
        form_field.widget.attrs["rows"] = 4
    label = str(form_field.label or "This answer")
    if form_field.error_messages.get("required") == DJANGO_REQUIRED_MESSAGE:
        form_field.error_messages["required"] = f"Enter {label[0].lower()}{label[1:]}"
    max_length = getattr(form_field, "max_length", None)
    if max_length:
        form_field.error_messages.setdefault(
            "max_length", f"{label} must be {max_length} characters or fewer"
        )


class GovukFormMixin:
    use_required_attribute = False

    def _suit_fields(self) -> None:
        for form_field in self.fields.values():  # type: ignore[attr-defined]
            _suit_govuk(form_field)


class GovukForm(GovukFormMixin, forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._suit_fields()


class GovukModelForm(GovukFormMixin, forms.ModelForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._suit_fields()


def _check_late_reason(form: forms.Form, due_on: date | None) -> None:
    """A late meeting needs its reason; a reason is kept only for a late meeting."""
    meeting = form.cleaned_data.get("meeting_date")
    if "late_reason" not in form.fields:
        return
    if due_on is None or meeting is None or meeting <= due_on:
        form.cleaned_data["late_reason"] = ""
    elif not form.cleaned_data.get("late_reason"):
        form.add_error("late_reason", LATE_REASON_MISSING)


def _late_reason_field(due_on: date) -> forms.CharField:
    late_reason = forms.CharField(
        label="Why is the meeting after its due date?",
        help_text=f"Only needed if the meeting is after {long_date(due_on)}, "
        "when it is due.",
        widget=forms.Textarea,
        required=False,
        max_length=2000,
    )
    _suit_govuk(late_reason)
    return late_reason


class ChildSearchForm(GovukForm):
    q = forms.CharField(
        label="Search by name, local child identifier or UPN",
        required=False,
        min_length=2,
        max_length=100,
        error_messages={
            "min_length": "Enter at least 2 characters to search",
            "max_length": "Enter no more than 100 characters to search",
        },
    )


class PepCreateForm(GovukForm):
    meeting_date = model_date_field(
        Pep, "meeting_date", subject="the date of the PEP meeting"
    )

    def __init__(
        self,
        *args: Any,
        due_on: date | None,
        care_started_on: date | None = None,
        today: date | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.due_on = due_on
        self.care_started_on = care_started_on
        self.today = today or date.today()
        if due_on is not None:
            self.fields["late_reason"] = _late_reason_field(due_on)

    def clean_meeting_date(self) -> date:
        meeting = self.cleaned_data["meeting_date"]
        if self.care_started_on is not None and meeting < self.care_started_on:
            raise forms.ValidationError(
                "The date of the PEP meeting must be on or after "
                f"{long_date(self.care_started_on)}, when the child came into care"
            )
        latest = self.today.replace(year=self.today.year + 1)
        if meeting > latest:
            raise forms.ValidationError(
                "The date of the PEP meeting must be within a year from today"
            )
        return meeting

    def clean(self) -> dict[str, Any]:
        super().clean()
        _check_late_reason(self, self.due_on)
        return self.cleaned_data


# Rows: the tables inside a section, each edited as a formset.


class AttendeeForm(GovukModelForm):
    class Meta:
        model = MeetingAttendee
        fields = ["name", "role", "other_role", "contact_details"]
        error_messages = {
            "name": {"required": "Enter the person's name"},
            "role": {"required": "Select the person's role"},
        }

    def clean(self) -> dict[str, Any]:
        super().clean()
        role = self.cleaned_data.get("role")
        if role == MeetingAttendee.Role.OTHER and not self.cleaned_data.get(
            "other_role"
        ):
            self.add_error("other_role", "Enter what the person's role is")
        return self.cleaned_data


class LegalStatusRowForm(GovukModelForm):
    started_on = model_date_field(
        LegalStatusRow, "started_on", subject="the date the legal status started"
    )
    expiry_date = model_date_field(LegalStatusRow, "expiry_date")
    actual_end_date = model_date_field(LegalStatusRow, "actual_end_date")

    class Meta:
        model = LegalStatusRow
        fields = [
            "started_on",
            "legal_status",
            "expiry_date",
            "actual_end_date",
            "court",
        ]
        error_messages = {"legal_status": {"required": "Enter the legal status"}}


class SubjectProgressForm(GovukModelForm):
    class Meta:
        model = SubjectProgress
        fields = [
            "subject",
            "current_level",
            "target_level",
            "predicted_level",
            "on_track_for_target",
            "on_track_for_are",
            "making_good_progress",
            "comments",
        ]
        error_messages = {"subject": {"required": "Enter the subject"}}


class PreviousTargetReviewForm(GovukModelForm):
    class Meta:
        model = PreviousTargetReview
        fields = ["target", "impact", "success_achieved", "next_steps"]
        error_messages = {"target": {"required": "Enter the previous PEP target"}}


class TargetForm(GovukModelForm):
    pupil_premium_cost = AmountField(
        label=capfirst(Target._meta.get_field("pupil_premium_cost").verbose_name),
        unit="£",
        message=COST_MESSAGE,
        max_digits=8,
        min_value=0,
        required=False,
    )

    class Meta:
        model = Target
        fields = [
            "subject_area",
            "target",
            "action",
            "success_criteria",
            "timescale",
            "pupil_premium_cost",
        ]
        error_messages = {
            "subject_area": {"required": "Enter the subject area"},
            "target": {"required": "Enter the target"},
        }


class RowFormSet(BaseInlineFormSet):
    row_name = "Row"
    kind: dict[str, object] = {}

    def add_fields(self, form: forms.Form, index: int | None) -> None:
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = f"Remove this {self.row_name.lower()}"


@dataclass(frozen=True)
class Rows:
    """A table of rows inside a section: who attended, targets, subjects and so on.

    `kind` picks this table's rows out of the PEP's rows of that model, and is set on
    the rows added to it. `prefill` is offered while the table is empty.
    """

    prefix: str
    heading: str
    row_name: str
    add_label: str
    form_class: type[GovukModelForm]
    kind: Mapping[str, object] = field(default_factory=dict)
    prefill: tuple[Mapping[str, str], ...] = ()
    blank_rows: int = 0
    total_of: str | None = None

    @property
    def model(self) -> type[Model]:
        return self.form_class._meta.model

    @property
    def fields(self) -> list[str]:
        return list(self.form_class._meta.fields)

    def formset(self, pep: Pep, data: Mapping[str, Any] | None = None) -> RowFormSet:
        formset_class = inlineformset_factory(
            Pep,
            self.model,
            form=self.form_class,
            formset=RowFormSet,
            fields=self.fields,
            extra=0,
            can_delete=True,
            max_num=MAX_ROWS,
            validate_max=True,
        )
        formset_class.row_name = self.row_name
        formset_class.kind = dict(self.kind)
        formset = formset_class(
            data,
            instance=pep,
            prefix=self.prefix,
            queryset=self.model.objects.filter(**self.kind),
            error_messages={
                "too_many_forms": f"{self.heading} can have up to {MAX_ROWS} rows"
            },
        )

        if not formset.get_queryset():
            # Only while nothing is stored, so that an added row is never prefilled.
            formset.initial_extra = [dict(row) for row in self.prefill]
            formset.extra = len(self.prefill) or self.blank_rows
        return formset

    def stored(self, pep: Pep) -> list[Model]:
        return list(self.model.objects.filter(pep=pep, **self.kind))


@dataclass(frozen=True)
class Group:
    """Fields shown under one heading. `source` is "section" or "pep"."""

    heading: str
    fields: tuple[str, ...]
    source: str = "section"
    omit_when_blank: frozenset[str] = frozenset()


Part = Group | Rows


def group_fields(*parts: Part, source: str = "section") -> list[str]:
    return [
        name
        for part in parts
        if isinstance(part, Group) and part.source == source
        for name in part.fields
    ]


# Sections A to D.


class SectionForm(GovukModelForm):
    """A section's own fields, with the version it was read at against lost edits."""

    version = forms.IntegerField(
        widget=forms.HiddenInput,
        min_value=1,
        error_messages={"required": STALE_PAGE_MESSAGE, "invalid": STALE_PAGE_MESSAGE},
    )
    # Fields of this form that are stored on the PEP itself rather than the section.
    pep_fields: tuple[str, ...] = ()

    def __init__(self, *args: Any, pep: Pep, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.pep = pep
        self.fields["version"].initial = self.instance.version
        for name in self.pep_fields:
            if name in self.fields:
                self.fields[name].initial = getattr(pep, name)

    @property
    def section_fields(self) -> list[str]:
        return list(self._meta.fields)


SECTION_A_PARTS: tuple[Part, ...] = (
    Group("Phase and school year", ("phase", "school_year")),
    Group(
        "Review dates",
        ("meeting_date", "next_meeting_date", "late_reason"),
        source="pep",
        omit_when_blank=frozenset({"late_reason"}),
    ),
    Rows(
        prefix="attendees",
        heading="PEP meeting attendance",
        row_name="Person",
        add_label="Add another person",
        form_class=AttendeeForm,
        blank_rows=1,
    ),
)

SCHOOL_YEARS = tuple(school_year.SchoolYear(number).label for number in range(-1, 14))


class SectionAForm(SectionForm):
    school_year = forms.ChoiceField(
        label="School year",
        required=False,
        choices=[(year, year) for year in SCHOOL_YEARS],
    )
    meeting_date = model_date_field(
        Pep, "meeting_date", subject="the date of the PEP meeting"
    )
    next_meeting_date = model_date_field(
        Pep, "next_meeting_date", subject="the date of the next PEP meeting"
    )
    pep_fields = tuple(group_fields(*SECTION_A_PARTS, source="pep"))

    class Meta:
        model = SectionA
        fields = group_fields(*SECTION_A_PARTS)

    def __init__(self, *args: Any, pep: Pep, **kwargs: Any) -> None:
        super().__init__(*args, pep=pep, **kwargs)
        stored_year = self.instance.school_year
        if stored_year and stored_year not in SCHOOL_YEARS:
            # Kept as it was imported or typed before the list existed.
            self.fields["school_year"].choices = [
                (stored_year, stored_year),
                *self.fields["school_year"].choices,
            ]
        if pep.due_on is not None:
            self.fields["late_reason"] = _late_reason_field(pep.due_on)
            self.fields["late_reason"].initial = pep.late_reason

        # A new PEP starts from the year and phase the child's age gives.
        year = pep.child.school_year_on(pep.meeting_date)
        if not self.instance.school_year:
            self.initial["school_year"] = year.label
        if not self.instance.phase:
            self.initial["phase"] = school_year.phase_for(year)

    def clean(self) -> dict[str, Any]:
        super().clean()
        _check_late_reason(self, self.pep.due_on)
        meeting = self.cleaned_data.get("meeting_date")
        next_meeting = self.cleaned_data.get("next_meeting_date")
        if meeting and next_meeting and next_meeting <= meeting:
            self.add_error(
                "next_meeting_date",
                "The date of the next PEP meeting must be after the date of the PEP "
                "meeting",
            )
        return self.cleaned_data


# The pupil-voice questions come first, under the headings the pupil focus group gave
# them, then the rest of the PEP's Section B.
SECTION_B_PARTS: tuple[Part, ...] = (
    Group(
        "General",
        ("voice_going_right", "voice_subjects", "voice_help", "voice_people"),
    ),
    Group("Career and educational aspirations", ("voice_future",)),
    Group("Attendance", ("voice_on_time",)),
    Group("Targets", ("voice_previous_targets", "voice_new_targets")),
    Group(
        "Section B questions",
        (
            "invited_to_contribute",
            "attended_meeting",
            "outcome_reviewer",
            "has_home_learning_support",
            "home_learning_needs",
            "offered_tuition",
            "wellbeing",
            "achievement",
            "attendance",
            "support",
            "relationships",
            "aspirations",
            "ambitions",
        ),
    ),
    Group(
        "Comments from the carer and social worker",
        ("carer_comments", "social_worker_comments"),
    ),
)


class SectionBForm(SectionForm):
    class Meta:
        model = SectionB
        fields = group_fields(*SECTION_B_PARTS)


SECTION_C_PARTS: tuple[Part, ...] = (
    Group(
        "Access to education",
        (
            "previous_provisions",
            "current_provision",
            "current_provision_postcode",
            "current_provision_telephone",
            "designated_teacher_contact",
            "virtual_teacher",
            "will_continue",
            "new_provision_identified",
            "new_provision",
            "new_provision_postcode",
            "new_provision_telephone",
            "new_provision_designated_teacher",
            "travel",
            "travel_other",
        ),
    ),
    Group(
        "Care plan summary",
        ("referral_received_on", "care_started_on", "current_legal_status"),
    ),
    Rows(
        prefix="legal_statuses",
        heading="Legal status history",
        row_name="Legal status",
        add_label="Add another legal status",
        form_class=LegalStatusRowForm,
        blank_rows=1,
    ),
    Group(
        "",
        (
            "sdq_score",
            "health_information",
            "care_plan_summary",
            "contact_arrangements",
            "placement_stability",
            "case_worker_name",
            "case_worker_telephone",
            "who_informs_school",
            "who_liaises_daily",
            "who_receives_correspondence",
            "carer_information_sharing",
            "parent_information_sharing",
            "who_attends_events",
            "school_trip_permission",
            "long_journey_permission",
            "has_education_costs",
            "who_meets_costs",
        ),
    ),
)


class SectionCForm(SectionForm):
    referral_received_on = model_date_field(SectionC, "referral_received_on")
    care_started_on = model_date_field(SectionC, "care_started_on")

    class Meta:
        model = SectionC
        fields = group_fields(*SECTION_C_PARTS)
        error_messages = {
            "sdq_score": {
                "invalid": SDQ_MESSAGE,
                "max_value": SDQ_MESSAGE,
                "min_value": SDQ_MESSAGE,
            }
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The teacher already chosen stays on offer after leaving the role, so that
        # an untouched answer never stops the section from saving.
        link_teachers = Q(groups__name=Role.LINK_TEACHER.value, is_active=True)
        chosen = Q(pk=self.instance.virtual_teacher_id)
        self.fields["virtual_teacher"].queryset = (
            User.objects.filter(link_teachers | chosen)
            .distinct()
            .order_by("last_name", "first_name")
        )
        self.fields["sdq_score"].validators.append(MaxValueValidator(SDQ_MAXIMUM))


SECTION_D_PARTS: tuple[Part, ...] = (
    Rows(
        prefix="core_subjects",
        heading="Education progress: core subjects",
        row_name="Core subject",
        add_label="Add another core subject",
        form_class=SubjectProgressForm,
        kind={"is_core": True},
        prefill=tuple({"subject": subject} for subject in CORE_SUBJECTS),
    ),
    Rows(
        prefix="additional_subjects",
        heading="Additional subjects",
        row_name="Additional subject",
        add_label="Add another subject",
        form_class=SubjectProgressForm,
        kind={"is_core": False},
    ),
    Group("Education attendance", ("current_attendance", "attendance_support")),
    Group(
        "Education summary",
        ("education_summary", "accessing_tuition", "virtual_school_tuition"),
    ),
    Rows(
        prefix="previous_targets",
        heading="Previous PEP targets",
        row_name="Previous target",
        add_label="Add another previous target",
        form_class=PreviousTargetReviewForm,
    ),
    Rows(
        prefix="core_targets",
        heading="New PEP targets",
        row_name="Target",
        add_label="Add another target",
        form_class=TargetForm,
        kind={"kind": Target.Kind.CORE},
        blank_rows=1,
        total_of="pupil_premium_cost",
    ),
    Rows(
        prefix="additional_targets",
        heading="Additional subject targets",
        row_name="Additional subject target",
        add_label="Add another additional subject target",
        form_class=TargetForm,
        kind={"kind": Target.Kind.ADDITIONAL},
        total_of="pupil_premium_cost",
    ),
    Group(
        "Pupil Premium Plus and support for targets",
        (
            "pupil_premium_use",
            "carer_support_for_targets",
            "social_worker_support_for_targets",
            "additional_pupil_premium_request",
        ),
    ),
    Group(
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
    Group("Extra-curricular activities", ("extra_curricular",)),
    Group(
        "Transition plans",
        (
            "change_of_school_discussed",
            "transition_arrangements",
            "new_school_arrangements",
        ),
    ),
)


class SectionDForm(SectionForm):
    current_attendance = AmountField(
        label=capfirst(SectionD._meta.get_field("current_attendance").verbose_name),
        unit="%",
        message=ATTENDANCE_MESSAGE,
        max_digits=5,
        min_value=0,
        max_value=100,
        required=False,
    )

    class Meta:
        model = SectionD
        fields = group_fields(*SECTION_D_PARTS)


@dataclass(frozen=True)
class SectionLayout:
    letter: str
    title: str
    form_class: type[SectionForm]
    parts: tuple[Part, ...]

    @property
    def rows(self) -> tuple[Rows, ...]:
        return tuple(part for part in self.parts if isinstance(part, Rows))

    def with_another_row(self, data: QueryDict, prefix: str) -> QueryDict:
        """The data of a page with everything typed kept and one more row in a table."""
        if prefix not in {rows.prefix for rows in self.rows}:
            return data
        key = f"{prefix}-TOTAL_FORMS"
        try:
            count = int(data.get(key, 0))
        except ValueError:
            return data
        data = data.copy()
        # One past the limit lets the formset say the table is full.
        data[key] = str(min(count + 1, MAX_ROWS + 1))
        return data

    def section_of(self, pep: Pep) -> Model | None:
        return getattr(pep, f"section_{self.letter.lower()}", None)


SECTION_LAYOUTS: dict[str, SectionLayout] = {
    layout.letter: layout
    for layout in (
        SectionLayout(
            "A", "Section A: Phase and meeting details", SectionAForm, SECTION_A_PARTS
        ),
        SectionLayout(
            "B",
            "Section B: Child or young person's views",
            SectionBForm,
            SECTION_B_PARTS,
        ),
        SectionLayout(
            "C", "Section C: Social care arrangements", SectionCForm, SECTION_C_PARTS
        ),
        SectionLayout(
            "D", "Section D: School provision", SectionDForm, SECTION_D_PARTS
        ),
    )
}


# Editing one section: its form and its tables' formsets, bound together.


@dataclass
class EditPart:
    heading: str
    fields: list[forms.BoundField] = field(default_factory=list)
    rows: Rows | None = None
    formset: RowFormSet | None = None


def _anchor(bound_field: forms.BoundField) -> str:
    """The id of the input an error summary link should move to."""
    widget = bound_field.field.widget
    if isinstance(widget, forms.RadioSelect):
        # crispy-forms-gds numbers radio options from 1.
        return f"{bound_field.auto_id}_1"
    if isinstance(widget, forms.MultiWidget):
        parts = getattr(bound_field.field, "fields", ())
        for index, part in enumerate(parts):
            if getattr(part.widget, "errors", None):
                return f"{bound_field.auto_id}_{index}"
        return f"{bound_field.auto_id}_0"
    return bound_field.id_for_label


ErrorLink = tuple[str | None, str]


def _field_errors(
    bound_fields: list[forms.BoundField], label: str = ""
) -> list[ErrorLink]:
    return [
        (None if bound_field.is_hidden else _anchor(bound_field), f"{label}{error}")
        for bound_field in bound_fields
        for error in bound_field.errors
    ]


def _form_errors(
    form: forms.Form, fields: list[forms.BoundField], label: str = ""
) -> list[ErrorLink]:
    """Errors of the whole form first, then those of `fields`, in their order."""
    whole_form = [(None, f"{label}{error}") for error in form.non_field_errors()]
    return whole_form + _field_errors(form.hidden_fields() + fields, label)


class SectionEditor:
    """One section's form and row formsets, read and validated as one page."""

    def __init__(
        self,
        layout: SectionLayout,
        pep: Pep,
        data: Mapping[str, Any] | None = None,
    ) -> None:
        self.layout = layout
        self.pep = pep
        self.data = data
        self.section = layout.section_of(pep)
        self.form = layout.form_class(data, instance=self.section, pep=pep)
        self.formsets = {rows.prefix: rows.formset(pep, data) for rows in layout.rows}

    def is_valid(self) -> bool:
        results = [self.form.is_valid()]
        results += [formset.is_valid() for formset in self.formsets.values()]
        return all(results)

    @property
    def expected_version(self) -> int:
        return self.form.cleaned_data["version"]

    def parts(self) -> list[EditPart]:
        shown = []
        for part in self.layout.parts:
            if isinstance(part, Rows):
                formset = self.formsets[part.prefix]
                shown.append(EditPart(part.heading, rows=part, formset=formset))
            else:
                fields = [
                    self.form[name] for name in part.fields if name in self.form.fields
                ]
                shown.append(EditPart(part.heading, fields=fields))
        return shown

    def error_links(self) -> list[ErrorLink]:
        """Every error on the page, in page order, with the input it is about."""
        found = _form_errors(self.form, [])
        for part in self.parts():
            if part.formset is None:
                found += _field_errors(part.fields)
                continue
            found += [
                (f"{part.rows.prefix}-heading", error)
                for error in part.formset.non_form_errors()
            ]
            for number, row in enumerate(part.formset.forms, start=1):
                label = f"{part.rows.row_name} {number}: "
                found += _form_errors(row, row.visible_fields(), label)
        return found


# Showing a section: the same layout, read-only.


@dataclass
class ReadPart:
    heading: str
    rows: list[tuple[str, str]] = field(default_factory=list)
    table: Rows | None = None
    columns: list[str] = field(default_factory=list)
    cells: list[list[str]] = field(default_factory=list)
    total: str = ""


def _display(obj: Model, name: str, form_class: type[forms.BaseForm]) -> str:
    value = getattr(obj, name)
    if value is None or value == "":
        return ""
    db_field = obj._meta.get_field(name)
    form_field = form_class.base_fields.get(name)
    if db_field.choices:
        return getattr(obj, f"get_{name}_display")()
    if isinstance(form_field, AmountField):
        return form_field.format(value)
    if isinstance(value, date):
        return long_date(value)
    return str(value)


def _label(model: type[Model], name: str) -> str:
    return capfirst(model._meta.get_field(name).verbose_name)


def read_parts(layout: SectionLayout, pep: Pep) -> list[ReadPart]:
    """A section's headings, answers and tables, in the order the form asks them."""
    section = layout.section_of(pep)
    shown = []
    for part in layout.parts:
        if isinstance(part, Rows):
            stored = part.stored(pep)
            read = ReadPart(
                part.heading,
                table=part,
                columns=[_label(part.model, name) for name in part.fields],
                cells=[
                    [_display(row, name, part.form_class) for name in part.fields]
                    for row in stored
                ],
            )
            if part.total_of:
                total = sum(
                    (getattr(row, part.total_of) or Decimal(0) for row in stored),
                    Decimal(0),
                )
                read.total = part.form_class.base_fields[part.total_of].format(total)
            shown.append(read)
            continue

        source = pep if part.source == "pep" else section
        if source is None:
            shown.append(ReadPart(part.heading))
            continue
        rows = []
        for name in part.fields:
            value = _display(source, name, layout.form_class)
            if name in part.omit_when_blank and not value:
                continue
            rows.append((_label(type(source), name), value))
        shown.append(ReadPart(part.heading, rows=rows))
    return shown


def pupil_premium_total(pep: Pep) -> Decimal:
    return sum(
        (target.pupil_premium_cost or Decimal(0) for target in pep.targets.all()),
        Decimal(0),
    )
