"""The admin, for Virtual School administrators who are staff.

Schools, children and their records can be looked up and corrected here. PEP
sections are not: they are edited on the PEP screens, where the rules of who may
edit which section apply. The cycle settings are one page of rules shown in words;
the engine's log of invitations, reminders and escalations is read-only.
"""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest, HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html_join
from simple_history.admin import SimpleHistoryAdmin

from peps.models import (
    CareEpisode,
    Child,
    Contact,
    CycleEmail,
    CycleSettings,
    Enrolment,
    Escalation,
    MeetingInvitation,
    Pep,
    PepTask,
    School,
    SchoolStaff,
)


class SchoolStaffInline(admin.TabularInline):
    model = SchoolStaff
    extra = 0
    raw_id_fields = ["user"]


@admin.register(School)
class SchoolAdmin(SimpleHistoryAdmin):
    list_display = ["name", "urn", "phase", "status", "town", "link_teacher"]
    list_filter = ["status", "phase"]
    search_fields = ["name", "urn", "postcode", "town"]
    raw_id_fields = ["link_teacher"]
    inlines = [SchoolStaffInline]


class CareEpisodeInline(admin.TabularInline):
    model = CareEpisode
    extra = 0


class EnrolmentInline(admin.TabularInline):
    model = Enrolment
    extra = 0
    autocomplete_fields = ["school"]


class ContactInline(admin.StackedInline):
    model = Contact
    extra = 0


@admin.register(Child)
class ChildAdmin(SimpleHistoryAdmin):
    list_display = [
        "local_child_id",
        "surname",
        "forename",
        "social_worker",
        "care_started_on",
        "next_pep_due_on",
    ]
    search_fields = ["local_child_id", "surname", "forename", "upn"]
    list_filter = ["sex"]
    raw_id_fields = ["social_worker"]
    readonly_fields = ["next_pep_due_on", "created_at", "updated_at"]
    inlines = [CareEpisodeInline, EnrolmentInline, ContactInline]


class PepTaskInline(admin.TabularInline):
    model = PepTask
    extra = 0
    fields = [
        "step",
        "responsible_role",
        "assignee",
        "due_on",
        "completed_at",
        "reminder_sent_at",
        "escalated_at",
    ]
    readonly_fields = ["step", "responsible_role", "reminder_sent_at", "escalated_at"]
    raw_id_fields = ["assignee"]

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Pep)
class PepAdmin(SimpleHistoryAdmin):
    list_display = ["pk", "child", "meeting_date", "due_on", "status", "school"]
    list_filter = ["status"]
    date_hierarchy = "meeting_date"
    search_fields = ["child__local_child_id", "child__surname"]
    autocomplete_fields = ["child", "school"]
    raw_id_fields = ["social_worker", "previous_pep"]
    readonly_fields = [
        "due_on",
        "finalised_at",
        "approved_at",
        "created_at",
        "updated_at",
        "created_by",
        "reopened_sections",
    ]
    inlines = [PepTaskInline]


@admin.register(PepTask)
class PepTaskAdmin(admin.ModelAdmin):
    list_display = ["pk", "pep", "step", "assignee", "due_on", "completed_at"]
    list_filter = ["step", "responsible_role"]
    search_fields = ["pep__child__local_child_id"]
    raw_id_fields = ["assignee"]
    readonly_fields = ["pep", "step", "responsible_role", "title"]


@admin.register(CycleSettings)
class CycleSettingsAdmin(admin.ModelAdmin):
    """One row: the list page goes straight to it, and it cannot be deleted."""

    readonly_fields = ["rules_in_words", "updated_at"]
    fieldsets = [
        ("The rules in force", {"fields": ["rules_in_words", "updated_at"]}),
        *(
            (title, {"fields": [(f"{rule}_amount", f"{rule}_unit")]})
            for title, rule in [
                ("First PEP, from entering care", "first_pep"),
                ("Second PEP, from the first", "second_pep"),
                ("Later PEPs, from the one before", "later_peps"),
                ("Finalising, from the meeting", "finalisation"),
                (
                    "Quality assurance, from the finalising deadline",
                    "quality_assurance",
                ),
            ]
        ),
        (
            "Reminders and who has PEPs",
            {"fields": ["reminder_lead_working_days", "early_years_peps"]},
        ),
    ]

    @admin.display(description="In words")
    def rules_in_words(self, row: CycleSettings) -> str:
        sentences = list(row.rules().describe())
        lead = row.reminder_lead_working_days
        sentences.append(
            "Reminders go out on the day a task is due."
            if lead == 0
            else f"Reminders go out {lead} working day{'s' if lead != 1 else ''} "
            "before a task is due."
        )
        sentences.append(
            "Children below Reception have PEPs."
            if row.early_years_peps
            else "Children below Reception have no PEPs."
        )
        return format_html_join("", "<p>{}</p>", ((s,) for s in sentences))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return not CycleSettings.objects.exists()

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def changelist_view(
        self, request: HttpRequest, extra_context: dict | None = None
    ) -> HttpResponseRedirect:
        row = CycleSettings.load()
        return HttpResponseRedirect(
            reverse("admin:peps_cyclesettings_change", args=[row.pk])
        )


class ReadOnlyAdmin(admin.ModelAdmin):
    """The engine's records: for looking into what was sent, not for editing."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(CycleEmail)
class CycleEmailAdmin(ReadOnlyAdmin):
    list_display = ["sent_at", "kind", "child", "pep", "task", "subject"]
    list_filter = ["kind"]
    date_hierarchy = "sent_at"
    search_fields = ["child__local_child_id"]


@admin.register(Escalation)
class EscalationAdmin(ReadOnlyAdmin):
    list_display = ["sent_at", "kind", "child", "due_on", "recipient"]
    list_filter = ["kind"]
    search_fields = ["child__local_child_id"]


@admin.register(MeetingInvitation)
class MeetingInvitationAdmin(ReadOnlyAdmin):
    list_display = ["pep", "sequence", "meeting_date", "sent_at", "outcome"]
    list_filter = ["outcome"]
