"""A second child at another school, whose PEP a delegated teacher must never see."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from tests import factories


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    # allauth's rate limits and django-axes's counts live in the cache and database;
    # each test starts without another test's attempts.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def other_school(db):
    return factories.SchoolFactory(name="Elsewhere Academy")


@pytest.fixture
def other_child(db, other_social_worker, other_school):
    child = factories.ChildFactory(
        forename="Zebedee", surname="Otherchild", social_worker=other_social_worker
    )
    factories.EnrolmentFactory(child=child, school=other_school)
    return child


@pytest.fixture
def other_pep(db, other_child, other_social_worker):
    return factories.PepFactory(child=other_child, social_worker=other_social_worker)
