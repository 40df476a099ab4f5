"""A manager opens the dashboards in headless Chromium, filters them and downloads
a table."""

from __future__ import annotations

import csv
import importlib
import io
import os

import pytest
from django.apps import apps as django_apps
from django.conf import settings
from django.test import Client

from reporting.models import Term
from tests.reporting.conftest import build_authority

# Playwright's synchronous API keeps an event loop in this thread; Django must be told
# that ORM calls from the test are safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

DEFAULTS_MIGRATION = "reporting.migrations.0002_default_terms_rates_and_working_days"

pytestmark = [
    pytest.mark.browser,
    # The live server needs committed data.
    pytest.mark.django_db(transaction=True),
]


def signed_in_context(chromium, live_server, user):
    """A browser context carrying the session of `user`, as the test client signs in."""
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    context = chromium.new_context(base_url=live_server.url, accept_downloads=True)
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    return context


def test_a_governor_filters_the_dashboard_and_downloads_a_table(
    chromium, live_server, tmp_path
):
    # Transactional tests that ran earlier emptied the tables the data migration
    # filled, so put the default terms back as the migration does.
    importlib.import_module(DEFAULTS_MIGRATION).seed(django_apps, None)
    authority = build_authority()
    spring = Term.objects.get(name="Spring 2024-25")
    context = signed_in_context(chromium, live_server, authority.governor)
    page = context.new_page()
    page.set_default_timeout(15_000)
    errors: list[str] = []
    page.on(
        "console",
        lambda message: message.type == "error" and errors.append(message.text),
    )

    page.goto(f"/reports/?term={spring.pk}")
    assert page.locator("h1").inner_text() == "PEP dashboards: Spring 2024-25"
    # The live server's today is long after the term, so P3's meeting on 18 March
    # has been held by its due date too: 3 of 4 meetings on time. The chart draws
    # that as a bar 75% long with a width class, beside the figure in words.
    assert page.locator(".app-bar--75").count() >= 1
    assert page.locator("#table-completion").is_visible()
    page.screenshot(
        path=os.environ.get("DASHBOARD_SCREENSHOT", str(tmp_path / "dashboard.png")),
        full_page=True,
    )

    page.select_option("#id_phase", "primary")
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url("**phase=primary**")
    # Primary children: 1 (Year 5) and 3 (Year 2), so P1 and P3 are due.
    assert "2 PEPs due in Spring 2024-25" in page.locator("main").inner_text()

    with page.expect_download() as download_info:
        page.locator('a[href$="export=csv&table=completion"]').click()
    download = download_info.value
    path = tmp_path / download.suggested_filename
    download.save_as(path)

    assert download.suggested_filename == "completion-spring-2024-25.csv"
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    # With the primary filter: P1 and P3, both met on time.
    assert rows[0][:3] == ["Deadline", "On time", "Late"]
    assert rows[1][:3] == ["PEP meeting held by its due date", "2", "0"]
    assert errors == []
    context.close()
