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
from django.utils import timezone

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

    response = client.post(reverse("account_signup"), {**registration(), "next": path})
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


def start_registration(client, link: str, **changes):
    path = urlsplit(link).path
    open_invitation(client, link)
    return client.post(
        reverse("account_signup"), {**registration(**changes), "next": path}
    )


def test_registration_needs_the_address_the_invitation_was_sent_to(client, invitation):
    response = start_registration(client, invitation[1], email="someone@else.example")

    assert response.status_code == 200
    assert "the invitation was sent to" in response.content.decode()
    assert not User.objects.filter(email="someone@else.example").exists()


def test_registration_asks_for_the_schools_street_town_and_postcode(client, invitation):
    response = start_registration(
        client, invitation[1], street="", town="", postcode=""
    )

    page = response.content.decode()
    assert "Enter the street of the school" in page
    assert "Enter the town or city of the school" in page
    assert "Enter the postcode of the school" in page
    assert not User.objects.filter(email=NEW_TEACHER).exists()


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("Short-1!", "at least 12 characters long"),
        ("lowercase-only-42!", "at least one upper-case letter"),
        ("No-Digits-At-All!", "at least one digit"),
        ("NoSpecialChars42", "at least one special character"),
        ("Accented-Café-42!", "Remove: &#x27;é&#x27;"),
        ("123456789012!", "at least one letter"),
    ],
)
def test_registration_refuses_a_password_outside_the_policy(
    client, invitation, password, message
):
    response = start_registration(
        client, invitation[1], password1=password, password2=password
    )

    assert message in response.content.decode()
    assert not User.objects.filter(email=NEW_TEACHER).exists()


def test_registration_refuses_passwords_that_differ(client, invitation):
    response = start_registration(client, invitation[1], password2=PASSWORD + "x")

    assert "You must type the same password each time" in response.content.decode()


def confirm(client, code: str):
    return client.post(
        reverse("account_email_verification_sent"), {"code": code, "action": "verify"}
    )


def test_the_registration_code_is_kept_only_as_a_keyed_hash(client, invitation):
    start_registration(client, invitation[1])
    code = last_code(NEW_TEACHER)

    stored = str(dict(client.session))

    assert code not in stored
    assert code_digest(code) in stored


def test_three_wrong_registration_codes_end_the_attempt(client, invitation):
    start_registration(client, invitation[1])
    code = last_code(NEW_TEACHER)

    for wrong in ("BBBBBBBB", "CCCCCCCC", "DDDDDDDD"):
        confirm(client, wrong)
    response = confirm(client, code)

    assert "_auth_user_id" not in client.session
    assert response.status_code == 302
    teacher = User.objects.get(email=NEW_TEACHER)
    assert not teacher.emailaddress_set.filter(verified=True).exists()


def test_a_registration_code_expires_after_fifteen_minutes(client, invitation):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        start_registration(client, invitation[1])
        code = last_code(NEW_TEACHER)
        traveller.shift(datetime.timedelta(minutes=15, seconds=5))

        confirm(client, code)

    assert "_auth_user_id" not in client.session


def test_a_new_registration_code_waits_thirty_seconds_and_comes_twice_at_most(
    client, invitation
):
    resend = {"action": "resend"}
    page = reverse("account_email_verification_sent")
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        start_registration(client, invitation[1])

        too_soon = client.post(page, resend)
        traveller.shift(datetime.timedelta(seconds=31))
        client.post(page, resend)
        traveller.shift(datetime.timedelta(seconds=31))
        client.post(page, resend)
        traveller.shift(datetime.timedelta(seconds=31))
        client.post(page, resend)

    codes_sent = [
        m for m in mail.outbox if m.to == [NEW_TEACHER] and "code" in m.subject
    ]
    assert too_soon.status_code == 429
    assert len(codes_sent) == 3


def test_the_invitation_link_stops_working_once_retracted(
    client, invitation, administrator
):
    delegation, link = invitation
    services.delegation_retract(delegation, administrator)

    response = open_invitation(client, link)

    assert response.status_code == 404
    assert "This link cannot be used" in response.content.decode()
    assert client.get(reverse("account_signup")).status_code == 200
    assert (
        "Registration is by invitation"
        in client.get(reverse("account_signup")).content.decode()
    )


def test_a_tampered_invitation_link_is_refused(client, invitation):
    link = invitation[1]
    tampered = urlsplit(link).path.replace("/invitation/", "/invitation/x", 1)

    assert client.get(tampered).status_code == 404
    assert "delegation_invitation" not in client.session


def test_the_invitation_email_names_no_child(invitation, pep):
    message = next(m for m in mail.outbox if m.to == [NEW_TEACHER])

    assert pep.child.forename not in message.body
    assert pep.child.surname not in message.body
