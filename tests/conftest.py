"""Personas shared by every test: each role, and an outsider who must see nothing."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group

from accounts.roles import Role
from tests import factories


@pytest.fixture(autouse=True)
def _private_storage(settings, tmp_path):
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"
    settings.MEDIA_ROOT = tmp_path / "private"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.CELERY_TASK_ALWAYS_EAGER = True
    # Each test counts rate limits afresh, whatever cache the run points at.
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    }
    # Deliberately slow hashing protects real passwords, not test ones.
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {
            "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        },
    }


def _user_with(role: Role | None, **fields):
    user = factories.UserFactory(**fields)
    if role is not None:
        group, _ = Group.objects.get_or_create(name=role.value)
        user.groups.add(group)
    return user


@pytest.fixture
def social_worker(db):
    return _user_with(Role.SOCIAL_WORKER, first_name="Sam", last_name="Worker")


@pytest.fixture
def other_social_worker(db):
    return _user_with(Role.SOCIAL_WORKER, first_name="Olu", last_name="Other")


@pytest.fixture
def link_teacher(db):
    return _user_with(Role.LINK_TEACHER, first_name="Lee", last_name="Link")


@pytest.fixture
def administrator(db):
    return _user_with(Role.ADMINISTRATOR, first_name="Ada", last_name="Admin")


@pytest.fixture
def designated_teacher(db):
    return _user_with(Role.DESIGNATED_TEACHER, first_name="Dee", last_name="Teacher")


@pytest.fixture
def governor(db):
    return _user_with(Role.GOVERNOR, first_name="Gus", last_name="Governor")


@pytest.fixture
def outsider(db):
    return _user_with(None, first_name="Otto", last_name="Outsider")


@pytest.fixture
def school(db, link_teacher):
    return factories.SchoolFactory(link_teacher=link_teacher)


@pytest.fixture
def child(db, social_worker, school):
    child = factories.ChildFactory(social_worker=social_worker)
    factories.EnrolmentFactory(child=child, school=school)
    factories.CareEpisodeFactory(child=child)
    return child


@pytest.fixture
def pep(db, child, social_worker):
    return factories.PepFactory(child=child, social_worker=social_worker)


def client_for(client, user):
    """Sign a test client in, skipping the e-mailed code (tested on its own)."""
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client
