"""Audit records cannot be changed or deleted through the product."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.db import DatabaseError, connection, transaction
from django.test import RequestFactory

from audit.models import AccessEvent, JobFailure, PermissionChange

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="The append-only trigger exists on PostgreSQL only; SQLite has none.",
)


@pytest.mark.parametrize("model", [AccessEvent, PermissionChange, JobFailure])
def test_the_admin_offers_no_add_change_or_delete(model, administrator):
    request = RequestFactory().get("/admin/")
    request.user = administrator
    model_admin = admin.site._registry[model]

    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)


def test_a_superuser_can_list_access_events_but_not_change_one(client, db):
    from accounts.models import User

    superuser = User.objects.create_superuser("root@example.invalid", "Long-pass-42!x")
    event = AccessEvent.objects.create(child_id=1, action="view_child")
    client.force_login(superuser, backend="django.contrib.auth.backends.ModelBackend")

    listing = client.get("/admin/audit/accessevent/")
    change = client.post(
        f"/admin/audit/accessevent/{event.pk}/change/", {"child_id": 2}
    )
    delete = client.post(
        f"/admin/audit/accessevent/{event.pk}/delete/", {"post": "yes"}
    )

    assert listing.status_code == 200
    assert change.status_code == 403
    assert delete.status_code == 403
    event.refresh_from_db()
    assert event.child_id == 1


@postgresql_only
@pytest.mark.parametrize("model", [AccessEvent, PermissionChange])
def test_the_database_refuses_to_update_an_audit_record(model, db):
    record = model.objects.create(
        **({"child_id": 1, "action": "view_child"} if model is AccessEvent else {})
    )

    with pytest.raises(DatabaseError, match="audit records cannot be changed"):
        with transaction.atomic():
            model.objects.filter(pk=record.pk).update(at=record.at)


@postgresql_only
@pytest.mark.parametrize("model", [AccessEvent, PermissionChange])
def test_the_database_refuses_to_delete_an_audit_record(model, db):
    record = model.objects.create(
        **({"child_id": 1, "action": "view_child"} if model is AccessEvent else {})
    )

    with pytest.raises(DatabaseError, match="audit records cannot be changed"):
        with transaction.atomic():
            model.objects.filter(pk=record.pk).delete()

    assert model.objects.filter(pk=record.pk).exists()


@postgresql_only
def test_raw_sql_cannot_delete_audit_records_either(db):
    AccessEvent.objects.create(child_id=1, action="view_child")

    with pytest.raises(DatabaseError, match="audit records cannot be changed"):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("DELETE FROM audit_accessevent")


def test_job_failures_can_still_be_counted_up(db):
    from django.utils import timezone

    now = timezone.now()
    failure = JobFailure.objects.create(
        task_name="t", exception_class="E", first_seen=now, last_seen=now
    )

    JobFailure.objects.filter(pk=failure.pk).update(count=2)

    failure.refresh_from_db()
    assert failure.count == 2
