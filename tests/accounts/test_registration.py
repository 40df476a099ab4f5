"""Registering a school account: only from a delegation invitation, with the guide's
details, the password policy and an e-mailed code to confirm the address."""

from __future__ import annotations

import datetime
from urllib.parse import urlsplit

import pytest
import time_machine
from django.core import mail
from django.core.cache import cache
from django.urls import reverse

from accounts.adapter import code_digest
from accounts.models import User
from accounts.roles import Role
from delegation import services
from tests.delegation.helpers import PASSWORD, assign, invitation_link, last_code

NEW_TEACHER = "new.teacher@school.example"


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def invitation(pep, administrator):
    delegation = assign(pep, NEW_TEACHER, administrator)
    return delegation, invitation_link(NEW_TEACHER)


def registration(**changes) -> dict[str, str]:
    data = {
        "first_name": "Nia",
        "last_name": "Newteacher",
        "professional_capacity": "on",
        "property_name": "",
        "house_number_or_name": "1",
        "street": "School Lane",
        "area": "",
        "town": "Exampleton",
        "county": "",
        "postcode": "zz1 1zz",
        "email": NEW_TEACHER,
        "password1": PASSWORD,
        "password2": PASSWORD,
    }
    data.update(changes)
    return data


def open_invitation(client, link: str):
    return client.get(urlsplit(link).path)


def test_registration_is_closed_without_an_invitation(client, db):
    response = client.get(reverse("account_signup"))

    assert "Registration is by invitation" in response.content.decode()
    response = client.post(reverse("account_signup"), registration())
    assert not User.objects.filter(email=NEW_TEACHER).exists()


def test_teacher_registers_from_the_invitation_and_confirms_the_emailed_code(
    client, invitation
):
    delegation, link = invitation
    path = urlsplit(link).path

    landing = open_invitation(client, link)
    assert "Register for a new account" in landing.content.decode()
    form_page = client.get(reverse("account_signup") + f"?next={path}")
    assert NEW_TEACHER in form_page.content.decode()
    assert "See the list of special characters" in form_page.content.decode()

    response = client.post(
        reverse("account_signup"), {**registration(), "next": path}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    teacher = User.objects.get(email=NEW_TEACHER)
    assert (teacher.street, teacher.town, teacher.postcode) == (
        "School Lane",
        "Exampleton",
        "ZZ1 1ZZ",
    )
    assert teacher.professional_capacity is True
    assert teacher.has_role(Role.DESIGNATED_TEACHER)

    code = last_code(NEW_TEACHER)
    confirmed = client.post(
        reverse("account_email_verification_sent"), {"code": code, "action": "verify"}
    )
    assert confirmed.status_code == 302
    assert confirmed["Location"] == path

    opened = client.get(path)
    assert opened.status_code == 302
    assert opened["Location"] == reverse("delegation:task", args=[delegation.pk])
    assert client.get(opened["Location"]).status_code == 200
