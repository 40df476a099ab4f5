"""Write a `PermissionChange` whenever access to the portal or to a record changes.

Watched: object grants on a child or PEP (the direct tables in `peps.models` and
guardian's generic ones), role (group) membership from either side, permissions given
directly to a user or to a group, and the account flags that open or close access
(`is_active`, `is_staff`, `is_superuser`).

The record is written in the same transaction as the change itself, and an error is
not swallowed: a grant that cannot be recorded does not happen.
"""

from __future__ import annotations

import logging
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db.models import Model
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from guardian.models import GroupObjectPermission, UserObjectPermission
from simple_history.models import HistoricalRecords

from audit.models import PermissionChange

logger = logging.getLogger(__name__)

ACCOUNT_FLAGS = ("is_active", "is_staff", "is_superuser")
Kind = PermissionChange.Kind


def connect() -> None:
    from peps.models import ChildUserObjectPermission, PepUserObjectPermission

    user_model = get_user_model()
    grant_models = (
        ChildUserObjectPermission,
        PepUserObjectPermission,
        UserObjectPermission,
        GroupObjectPermission,
    )
    for model in grant_models:
        post_save.connect(_grant_saved, sender=model, dispatch_uid=f"audit-{model}")
        post_delete.connect(
            _grant_deleted, sender=model, dispatch_uid=f"audit-del-{model}"
        )

    m2m_changed.connect(
        _groups_changed, sender=user_model.groups.through, dispatch_uid="audit-groups"
    )
    m2m_changed.connect(
        _user_permissions_changed,
        sender=user_model.user_permissions.through,
        dispatch_uid="audit-user-permissions",
    )
    m2m_changed.connect(
        _group_permissions_changed,
        sender=Group.permissions.through,
        dispatch_uid="audit-group-permissions",
    )
    post_delete.connect(_group_deleted, sender=Group, dispatch_uid="audit-group-del")
    pre_save.connect(_account_before, sender=user_model, dispatch_uid="audit-acct-pre")
    post_save.connect(_account_after, sender=user_model, dispatch_uid="audit-acct")


def current_actor_id() -> int | None:
    """The signed-in user of the request being served, if any.

    simple_history's HistoryRequestMiddleware keeps the request for the thread; jobs
    and management commands have none, and their changes are recorded without one.
    """
    request = getattr(HistoricalRecords.context, "request", None)
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    return user.pk


def _record(changes: list[PermissionChange]) -> None:
    actor_id = current_actor_id()
    for change in changes:
        change.actor_id = actor_id
    PermissionChange.objects.bulk_create(changes)
    logger.info(
        "Recorded %d permission changes by user %s", len(changes), actor_id or "-"
    )


# Object grants ------------------------------------------------------------------


def _grant_saved(sender: type[Model], instance: Any, created: bool, **_: Any) -> None:
    _record([_grant_change(instance, Kind.OBJECT_GRANTED, created)])


def _grant_deleted(sender: type[Model], instance: Any, **_: Any) -> None:
    _record([_grant_change(instance, Kind.OBJECT_REVOKED, True)])


def _grant_change(instance: Any, kind: str, created: bool) -> PermissionChange:
    permission = (
        Permission.objects.select_related("content_type")
        .filter(pk=instance.permission_id)
        .first()
    )
    if hasattr(instance, "content_object_id"):
        target = instance._meta.get_field("content_object").related_model
        object_type = target._meta.label_lower
        object_id = str(instance.content_object_id)
    else:
        object_type = f"{instance.content_type.app_label}.{instance.content_type.model}"
        object_id = str(instance.object_pk)
    group = getattr(instance, "group", None)
    return PermissionChange(
        kind=kind,
        subject_user_id=getattr(instance, "user_id", None),
        subject_group=group.name if group is not None else "",
        permission=_permission_name(permission),
        object_type=object_type,
        object_id=object_id,
        detail="" if created else "grant re-saved",
    )


# Groups and permissions -------------------------------------------------------


def _groups_changed(
    sender: type[Model],
    instance: Any,
    action: str,
    reverse: bool,
    pk_set: set[int] | None,
    **_: Any,
) -> None:
    kind = _membership_kind(action, Kind.GROUP_ADDED, Kind.GROUP_REMOVED)
    if action == "pre_clear":
        instance._audit_cleared = _current_members(instance, reverse)
        return
    if kind is None:
        return
    if action == "post_clear":
        pk_set = getattr(instance, "_audit_cleared", set())
    if not pk_set:
        return

    if reverse:  # group.user_set.add(...): the instance is the group
        changes = [
            PermissionChange(
                kind=kind, subject_user_id=user_id, subject_group=instance.name
            )
            for user_id in sorted(pk_set)
        ]
    else:
        names = dict(Group.objects.filter(pk__in=pk_set).values_list("pk", "name"))
        changes = [
            PermissionChange(
                kind=kind,
                subject_user_id=instance.pk,
                subject_group=names.get(group_id, f"group {group_id}"),
            )
            for group_id in sorted(pk_set)
        ]
    _record(changes)


def _current_members(instance: Any, reverse: bool) -> set[int]:
    if reverse:
        return set(instance.user_set.values_list("pk", flat=True))
    return set(instance.groups.values_list("pk", flat=True))


def _group_deleted(sender: type[Model], instance: Group, **_: Any) -> None:
    # Deleting a group removes its members without an m2m signal; its members are
    # already gone by post_delete, so only the group itself can be recorded.
    _record(
        [
            PermissionChange(
                kind=Kind.GROUP_REMOVED,
                subject_group=instance.name,
                detail="group deleted",
            )
        ]
    )


def _user_permissions_changed(
    sender: type[Model],
    instance: Any,
    action: str,
    reverse: bool,
    pk_set: set[int] | None,
    **_: Any,
) -> None:
    if action == "pre_clear":
        instance._audit_cleared = (
            set(instance.user_set.values_list("pk", flat=True))
            if reverse
            else set(instance.user_permissions.values_list("pk", flat=True))
        )
        return
    kind = _membership_kind(action, Kind.PERMISSION_ADDED, Kind.PERMISSION_REMOVED)
    if kind is None:
        return
    if action == "post_clear":
        pk_set = getattr(instance, "_audit_cleared", set())
    if not pk_set:
        return

    if reverse:  # permission.user_set.add(...): the instance is the permission
        name = _permission_name(instance)
        changes = [
            PermissionChange(kind=kind, subject_user_id=user_id, permission=name)
            for user_id in sorted(pk_set)
        ]
    else:
        changes = [
            PermissionChange(
                kind=kind, subject_user_id=instance.pk, permission=_permission_name(p)
            )
            for p in _permissions(pk_set)
        ]
    _record(changes)


def _group_permissions_changed(
    sender: type[Model],
    instance: Any,
    action: str,
    reverse: bool,
    pk_set: set[int] | None,
    **_: Any,
) -> None:
    if action == "pre_clear":
        instance._audit_cleared = (
            set(instance.group_set.values_list("pk", flat=True))
            if reverse
            else set(instance.permissions.values_list("pk", flat=True))
        )
        return
    kind = _membership_kind(action, Kind.PERMISSION_ADDED, Kind.PERMISSION_REMOVED)
    if kind is None:
        return
    if action == "post_clear":
        pk_set = getattr(instance, "_audit_cleared", set())
    if not pk_set:
        return

    if reverse:  # permission.group_set.add(...): the instance is the permission
        names = dict(Group.objects.filter(pk__in=pk_set).values_list("pk", "name"))
        changes = [
            PermissionChange(
                kind=kind,
                subject_group=names.get(group_id, f"group {group_id}"),
                permission=_permission_name(instance),
            )
            for group_id in sorted(pk_set)
        ]
    else:
        changes = [
            PermissionChange(
                kind=kind, subject_group=instance.name, permission=_permission_name(p)
            )
            for p in _permissions(pk_set)
        ]
    _record(changes)


def _membership_kind(action: str, added: str, removed: str) -> str | None:
    if action == "post_add":
        return added
    if action in ("post_remove", "post_clear"):
        return removed
    return None


def _permissions(pk_set: set[int]) -> list[Permission]:
    return list(
        Permission.objects.select_related("content_type")
        .filter(pk__in=pk_set)
        .order_by("pk")
    )


def _permission_name(permission: Permission | None) -> str:
    if permission is None:
        return ""
    return f"{permission.content_type.app_label}.{permission.codename}"


# Account flags -----------------------------------------------------------------


def _account_before(sender: type[Model], instance: Any, **kwargs: Any) -> None:
    update_fields = kwargs.get("update_fields")
    if update_fields is not None and not set(update_fields) & set(ACCOUNT_FLAGS):
        return
    if instance.pk is None or kwargs.get("raw"):
        instance._audit_flags_before = None
        return
    before = sender.objects.filter(pk=instance.pk).values(*ACCOUNT_FLAGS).first()
    instance._audit_flags_before = before


def _account_after(
    sender: type[Model], instance: Any, created: bool, **kwargs: Any
) -> None:
    before = instance.__dict__.pop("_audit_flags_before", None)
    if kwargs.get("raw"):
        return
    if created:
        # A new account matters here only if it starts with staff or superuser rights.
        changed = [flag for flag in ACCOUNT_FLAGS[1:] if getattr(instance, flag)]
    elif before is not None:
        changed = [
            flag for flag in ACCOUNT_FLAGS if before[flag] != getattr(instance, flag)
        ]
    else:
        changed = []
    if not changed:
        return

    _record(
        [
            PermissionChange(
                kind=Kind.ACCOUNT_CHANGED,
                subject_user_id=instance.pk,
                permission=flag,
                detail=("on" if getattr(instance, flag) else "off")
                + (" for a new account" if created else ""),
            )
            for flag in changed
        ]
    )
