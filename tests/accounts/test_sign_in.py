"""Two-step sign-in for everyone, through allauth's real URLs: password, then an
e-mailed code; codes single-use, short-lived, few attempts, never kept in plain;
lock-outs by account and by address; idle sessions end; forgotten passwords."""

from __future__ import annotations

import datetime
import re

import pytest
import time_machine
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core import mail
from django.core.cache import cache
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from accounts.adapter import code_digest
from accounts.models import PasswordHistory
from tests.delegation.helpers import (
    PASSWORD,
    code_step,
    last_code,
    password_step,
    sign_in,
)

NEW_PASSWORD = "Another-Good-Pass-7"


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


def is_signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_staff_sign_in_needs_the_password_then_the_emailed_code(client, social_worker):
    response = password_step(client, social_worker.email)

    assert response["Location"] == reverse("account_confirm_login_code")
    assert not is_signed_in(client)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "PEP Portal: Your sign-in code"

    response = code_step(client, last_code(social_worker.email))

    assert response.status_code == 302
    assert is_signed_in(client)


def test_designated_teacher_lands_on_the_delegation_tray(client, designated_teacher):
    response = sign_in(client, designated_teacher.email)

    assert response["Location"] == reverse("delegation:tray")


def test_a_wrong_password_sends_no_code(client, social_worker):
    response = password_step(client, social_worker.email, "Wrong-Password-1!")

    assert response.status_code == 200
    assert mail.outbox == []
    assert not is_signed_in(client)


def test_sign_in_by_code_alone_is_not_offered(client, db):
    with pytest.raises(NoReverseMatch):
        reverse("account_request_login_code")
    assert client.get("/accounts/login/code/").status_code == 404


def test_a_code_works_once(client, social_worker):
    password_step(client, social_worker.email)
    code = last_code(social_worker.email)
    code_step(client, code)
    client.post(reverse("account_logout"))
    assert not is_signed_in(client)

    password_step(client, social_worker.email)
    response = code_step(client, code)

    assert not is_signed_in(client)
    assert "Incorrect code" in response.content.decode()


def test_a_code_expires_after_ten_minutes(client, social_worker):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        password_step(client, social_worker.email)
        code = last_code(social_worker.email)
        traveller.shift(datetime.timedelta(minutes=10, seconds=5))

        response = code_step(client, code)

    assert not is_signed_in(client)
    assert response.status_code == 302
    assert response["Location"] == reverse("account_login")


def test_three_wrong_codes_end_the_attempt_and_the_right_code_no_longer_works(
    client, social_worker
):
    password_step(client, social_worker.email)
    code = last_code(social_worker.email)

    first = code_step(client, "BBBBBBBB")
    second = code_step(client, "CCCCCCCC")
    third = code_step(client, "DDDDDDDD")

    assert first.status_code == second.status_code == 200
    assert third.status_code == 302
    assert third["Location"] == reverse("account_login")
    response = code_step(client, code)
    assert response["Location"] == reverse("account_login")
    assert not is_signed_in(client)


def test_a_new_code_may_be_asked_for_twice_and_replaces_the_old_one(
    client, social_worker
):
    password_step(client, social_worker.email)
    first = last_code(social_worker.email)
    page = reverse("account_confirm_login_code")

    client.post(page, {"action": "resend"})
    client.post(page, {"action": "resend"})

    assert len(mail.outbox) == 3
    assert "send me a new code" not in client.get(page).content.decode()
    client.post(page, {"action": "resend"})
    assert len(mail.outbox) == 3, "a third new code is not sent"
    assert code_step(client, first).status_code == 200
    assert not is_signed_in(client), "a new code replaces the one before"
    code_step(client, last_code(social_worker.email))
    assert is_signed_in(client)


def test_codes_are_kept_only_as_a_keyed_hash(client, social_worker):
    password_step(client, social_worker.email)
    code = last_code(social_worker.email)

    stored = "".join(str(session.get_decoded()) for session in Session.objects.all())

    assert re.fullmatch(r"[A-Z]{8}", code)
    assert code not in stored
    assert code.lower() not in stored
    assert code_digest(code) in stored


def test_typed_codes_are_read_without_case_or_spaces(client, social_worker):
    password_step(client, social_worker.email)
    code = last_code(social_worker.email)

    code_step(client, f" {code[:4].lower()} {code[4:]} ")

    assert is_signed_in(client)


def test_five_failed_passwords_lock_the_account_even_from_another_address(
    client, social_worker, settings
):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        password_step(client, social_worker.email, "Wrong-Password-1!")

    locked = password_step(client, social_worker.email.upper())
    elsewhere = password_step(client, social_worker.email, REMOTE_ADDR="198.51.100.7")

    assert locked.status_code == 429
    assert "Too many failed attempts" in locked.content.decode()
    assert elsewhere.status_code == 429
    assert mail.outbox == []


def test_five_failed_passwords_from_one_address_lock_that_address(
    client, social_worker, link_teacher, settings
):
    for number in range(settings.AXES_FAILURE_LIMIT):
        password_step(client, f"nobody{number}@example.invalid", "Wrong-Password-1!")

    response = password_step(client, link_teacher.email)

    assert response.status_code == 429
    assert mail.outbox == []


def test_a_lock_out_ends_after_half_an_hour(client, social_worker, settings):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        for _ in range(settings.AXES_FAILURE_LIMIT):
            password_step(client, social_worker.email, "Wrong-Password-1!")
        assert password_step(client, social_worker.email).status_code == 429
        cache.clear()

        traveller.shift(datetime.timedelta(minutes=31))
        response = password_step(client, social_worker.email)

    assert response["Location"] == reverse("account_confirm_login_code")


def test_an_idle_session_ends_after_half_an_hour(client, social_worker):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        sign_in(client, social_worker.email)
        traveller.shift(datetime.timedelta(minutes=29))
        assert client.get(reverse("delegation:tray")).status_code == 200

        traveller.shift(datetime.timedelta(minutes=29))
        assert client.get(reverse("delegation:tray")).status_code == 200

        traveller.shift(datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE + 1))
        response = client.get(reverse("delegation:tray"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def reset_link() -> str:
    match = re.search(r"^(http\S+/password/reset/key/\S+)$", mail.outbox[-1].body, re.M)
    assert match, mail.outbox[-1].body
    return match.group(1).replace("http://testserver", "")


def test_a_forgotten_password_is_reset_from_an_emailed_link(client, social_worker):
    client.post(reverse("account_reset_password"), {"email": social_worker.email})
    form_url = client.get(reset_link())["Location"]

    response = client.post(
        form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )

    assert response.status_code == 302
    assert password_step(client, social_worker.email).status_code == 200
    sign_in(client, social_worker.email, NEW_PASSWORD)
    assert is_signed_in(client)
    assert PasswordHistory.objects.filter(user=social_worker).count() == 1


def test_a_reset_cannot_keep_the_current_password(client, social_worker):
    client.post(reverse("account_reset_password"), {"email": social_worker.email})
    form_url = client.get(reset_link())["Location"]

    response = client.post(form_url, {"password1": PASSWORD, "password2": PASSWORD})

    assert response.status_code == 200
    assert "different from your current password" in response.content.decode()


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("Short-1!", "at least 12 characters"),
        ("no-upper-case-42!", "upper-case letter"),
        ("No-Digits-Here-!", "digit"),
        ("NoSpecial12345", "special character"),
        ("Has a space 42!", "a space"),
    ],
)
def test_a_new_password_must_meet_the_policy(client, social_worker, password, message):
    client.post(reverse("account_reset_password"), {"email": social_worker.email})
    form_url = client.get(reset_link())["Location"]

    response = client.post(form_url, {"password1": password, "password2": password})

    assert response.status_code == 200
    assert message in response.content.decode()


def test_none_of_the_last_eight_passwords_may_be_used_again(social_worker):
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    used = [f"Used-Password-{n}!" for n in range(9)]
    for password in used:
        social_worker.set_password(password)
        social_worker.save()

    assert PasswordHistory.objects.filter(user=social_worker).count() == 8
    for earlier in used:
        with pytest.raises(ValidationError):
            validate_password(earlier, social_worker)
    validate_password(PASSWORD, social_worker)


def test_signing_in_again_adds_nothing_to_the_password_history(client, social_worker):
    sign_in(client, social_worker.email)

    assert not PasswordHistory.objects.filter(user=social_worker).exists()
