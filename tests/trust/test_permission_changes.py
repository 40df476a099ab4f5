"""Every change to who may reach what is kept in audit.PermissionChange."""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission
from guardian.shortcuts import assign_perm, remove_perm

from accounts.roles import Role
from audit.models import PermissionChange
from peps.models import ChildUserObjectPermission, PepUserObjectPermission
from tests import factories

Kind = PermissionChange.Kind


def test_granting_a_pep_to_a_teacher_is_recorded_with_who_granted_it(
    pep, designated_teacher, administrator, acting_as
):
    acting_as(administrator)

    assign_perm("peps.complete_school_section", designated_teacher, pep)

    change = PermissionChange.objects.get(kind=Kind.OBJECT_GRANTED)
    assert change.actor_id == administrator.pk
    assert change.subject_user_id == designated_teacher.pk
    assert change.permission == "peps.complete_school_section"
    assert change.object_type == "peps.pep"
    assert change.object_id == str(pep.pk)


def test_removing_a_pep_grant_is_recorded(pep, designated_teacher):
    assign_perm("peps.complete_school_section", designated_teacher, pep)

    remove_perm("peps.complete_school_section", designated_teacher, pep)

    assert not PepUserObjectPermission.objects.exists()
    change = PermissionChange.objects.get(kind=Kind.OBJECT_REVOKED)
    assert change.subject_user_id == designated_teacher.pk
    assert change.object_id == str(pep.pk)
    assert change.actor_id is None


def test_granting_and_removing_a_child_is_recorded(child, other_social_worker):
    assign_perm("peps.view_child", other_social_worker, child)
    ChildUserObjectPermission.objects.filter(user=other_social_worker).delete()

    kinds = list(
        PermissionChange.objects.filter(object_type="peps.child")
        .order_by("id")
        .values_list("kind", "object_id", "permission")
    )
    assert kinds == [
        (Kind.OBJECT_GRANTED, str(child.pk), "peps.view_child"),
        (Kind.OBJECT_REVOKED, str(child.pk), "peps.view_child"),
    ]


def test_a_grant_on_another_kind_of_record_is_recorded_too(social_worker):
    school = factories.SchoolFactory()

    assign_perm("peps.change_school", social_worker, school)

    change = PermissionChange.objects.get(kind=Kind.OBJECT_GRANTED)
    assert (change.object_type, change.object_id) == ("peps.school", str(school.pk))


def test_giving_and_taking_away_a_role_is_recorded_from_the_user_side(
    outsider, administrator, acting_as
):
    acting_as(administrator)
    group, _ = Group.objects.get_or_create(name=Role.LINK_TEACHER.value)

    outsider.groups.add(group)
    outsider.groups.remove(group)

    changes = list(
        PermissionChange.objects.filter(subject_user=outsider)
        .order_by("id")
        .values_list("kind", "subject_group", "actor_id")
    )
    assert changes == [
        (Kind.GROUP_ADDED, "link_teacher", administrator.pk),
        (Kind.GROUP_REMOVED, "link_teacher", administrator.pk),
    ]


def test_adding_members_from_the_group_side_is_recorded(outsider, governor):
    group, _ = Group.objects.get_or_create(name=Role.ADMINISTRATOR.value)

    group.user_set.add(outsider, governor)

    recorded = set(
        PermissionChange.objects.filter(
            kind=Kind.GROUP_ADDED, subject_group="administrator"
        ).values_list("subject_user_id", "subject_group")
    )
    assert recorded == {(outsider.pk, "administrator"), (governor.pk, "administrator")}


def test_clearing_a_users_roles_records_each_role_removed(social_worker):
    extra, _ = Group.objects.get_or_create(name=Role.LINK_TEACHER.value)
    social_worker.groups.add(extra)

    social_worker.groups.clear()

    removed = set(
        PermissionChange.objects.filter(kind=Kind.GROUP_REMOVED).values_list(
            "subject_group", flat=True
        )
    )
    assert removed == {"social_worker", "link_teacher"}


def test_a_permission_given_directly_to_a_user_is_recorded(outsider):
    permission = Permission.objects.get(codename="view_child")

    outsider.user_permissions.add(permission)

    change = PermissionChange.objects.get(kind=Kind.PERMISSION_ADDED)
    assert (change.subject_user_id, change.permission) == (
        outsider.pk,
        "peps.view_child",
    )


def test_a_permission_given_to_a_role_is_recorded(db):
    group, _ = Group.objects.get_or_create(name=Role.GOVERNOR.value)
    permission = Permission.objects.get(codename="view_child")

    group.permissions.add(permission)
    group.permissions.remove(permission)

    kinds = list(
        PermissionChange.objects.filter(subject_group="governor")
        .order_by("id")
        .values_list("kind", "permission")
    )
    assert kinds == [
        (Kind.PERMISSION_ADDED, "peps.view_child"),
        (Kind.PERMISSION_REMOVED, "peps.view_child"),
    ]


def test_deactivating_an_account_and_making_it_superuser_are_recorded(outsider):
    outsider.is_active = False
    outsider.save()
    outsider.is_superuser = True
    outsider.save(update_fields=["is_superuser"])

    changes = list(
        PermissionChange.objects.filter(kind=Kind.ACCOUNT_CHANGED)
        .order_by("id")
        .values_list("permission", "detail")
    )
    assert changes == [("is_active", "off"), ("is_superuser", "on")]


def test_saving_an_account_without_changing_its_access_records_nothing(outsider):
    outsider.first_name = "Renamed"
    outsider.save()
    outsider.save(update_fields=["last_login"])

    assert not PermissionChange.objects.filter(kind=Kind.ACCOUNT_CHANGED).exists()


def test_a_new_superuser_account_is_recorded(db):
    from accounts.models import User

    user = User.objects.create_superuser("new-admin@example.invalid", "A-long-pass-42!")

    flags = set(
        PermissionChange.objects.filter(subject_user=user).values_list(
            "permission", flat=True
        )
    )
    assert flags == {"is_staff", "is_superuser"}
