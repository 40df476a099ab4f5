"""Headless Chromium for the trust tests, signed in without the e-mailed code.

Signing in is done the way the test client does it (a session made on the server,
its cookie handed to the browser), so each test starts on the page it is about.
The sign-in flow itself is tested on its own.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from django.conf import settings
from django.db import connections
from django.test import Client

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

needs_chromium = pytest.mark.skipif(
    not os.path.exists(CHROMIUM),
    reason="Browser tests need Debian's chromium package (apt-get install chromium).",
)


@pytest.fixture
def chromium() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; Django's checks for
    # database use from async code would otherwise stop the test's own queries.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_FLAGS
        )
        yield launched
        launched.close()
        # Queries made by the test while Playwright's loop ran opened connections
        # of their own; closed here, they do not hold the test database open.
        connections.close_all()
    if previous is None:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


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
