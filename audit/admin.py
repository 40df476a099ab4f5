"""Audit records in the admin: to read and filter, never to add, change or delete."""

from django.contrib import admin
from django.http import HttpRequest

from audit.models import AccessEvent, JobFailure, PermissionChange


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(AccessEvent)
class AccessEventAdmin(ReadOnlyAdmin):
    list_display = ["at", "user", "action", "child_id", "pep_id", "path_name"]
    list_filter = ["action"]
    search_fields = ["=child_id", "=pep_id", "=user__id"]
    date_hierarchy = "at"


@admin.register(PermissionChange)
class PermissionChangeAdmin(ReadOnlyAdmin):
    list_display = [
        "at",
        "actor",
        "kind",
        "subject_user",
        "subject_group",
        "permission",
        "object_type",
        "object_id",
    ]
    list_filter = ["kind", "object_type"]
    search_fields = ["=object_id", "=subject_user__id", "permission", "subject_group"]
    date_hierarchy = "at"


@admin.register(JobFailure)
class JobFailureAdmin(ReadOnlyAdmin):
    list_display = ["task_name", "exception_class", "count", "first_seen", "last_seen"]
    list_filter = ["task_name"]
    search_fields = ["task_name", "exception_class", "=task_id"]
