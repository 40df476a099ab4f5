"""Steps that several delegation and sign-in tests take, through the real URLs."""

from __future__ import annotations

import datetime
import re

from django.core import mail
from django.test import TestCase
from django.urls import reverse

from delegation import services
from delegation.models import Delegation

PASSWORD = "Correct-Horse-42!"
CODE_LINE = re.compile(r"^\s*([A-Z0-9]{6,8})\s*$", re.MULTILINE)
LINK_LINE = re.compile(r"^(http\S+/school/invitation/\S+/)$", re.MULTILINE)


def last_code(to: str) -> str:
    """The code in the newest e-mail sent to `to`."""
    for message in reversed(mail.outbox):
        if to in message.to:
            match = CODE_LINE.search(message.body)
            if match:
                return match.group(1)
    raise AssertionError(f"No e-mail with a code was sent to {to}.")


def invitation_link(to: str) -> str:
    for message in reversed(mail.outbox):
        if to in message.to:
            match = LINK_LINE.search(message.body)
            if match:
                return match.group(1)
    raise AssertionError(f"No invitation was e-mailed to {to}.")


def password_step(client, email: str, password: str = PASSWORD, **extra):
    return client.post(
        reverse("account_login"), {"login": email, "password": password}, **extra
    )


def code_step(client, code: str):
    return client.post(
        reverse("account_confirm_login_code"), {"code": code, "action": "verify"}
    )


def sign_in(client, email: str, password: str = PASSWORD):
    """Both steps of signing in; returns the response to the code."""
    response = password_step(client, email, password)
    assert response.status_code == 302, response.content[:500]
    assert response["Location"] == reverse("account_confirm_login_code")
    return code_step(client, last_code(email))


def delegate(pep, teacher, by, *, email: str | None = None, days: int = 14):
    """Delegate `pep` to `teacher` and open the link as them, as the services do."""
    delegation = assign(pep, email or teacher.email, by, days=days)
    return services.delegation_open(delegation, teacher)


def assign(pep, email: str, by, *, days: int = 14) -> Delegation:
    """Delegate `pep` to `email`, sending the invitation as a commit would."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return services.delegation_assign(
            pep=pep,
            email=email,
            expires_on=datetime.date.today() + datetime.timedelta(days=days),
            assigned_by=by,
        )


def fresh(delegation: Delegation) -> Delegation:
    return Delegation.objects.get(pk=delegation.pk)
