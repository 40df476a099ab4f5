"""Helpers for browser tests that start signed in, without the e-mailed code.

Signing in is done the way the test client does it (a session made on the server,
its cookie handed to the browser), so each test starts on the page it is about.
The sign-in flow itself is tested on its own (tests/browser/). Chromium comes from
the `chromium` fixture in tests/browser/conftest.py.
"""

from __future__ import annotations

from django.conf import settings
from django.test import Client


def sign_in(context, live_server_url: str, user) -> None:
    """Give the browser context a fresh signed-in session for ``user``."""
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": cookie.value,
                "url": live_server_url,
            }
        ]
    )


def end_sessions() -> None:
    """End every session on the server, as the idle time-out does."""
    from django.contrib.sessions.models import Session

    Session.objects.all().delete()


def console_errors(page) -> list[str]:
    """Collect the page's console errors (a blocked inline script shows up here)."""
    errors: list[str] = []
    page.on(
        "console",
        lambda message: (
            errors.append(message.text) if message.type == "error" else None
        ),
    )
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors
