"""Production settings pass Django's deployment checks; pages reveal nothing extra."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import path, reverse

from audit.models import AccessEvent
from tests.conftest import client_for

ROOT = Path(__file__).resolve().parents[2]
# Set per test here, or set by the test run itself (the browser tests' conftest sets
# DJANGO_ALLOW_ASYNC_UNSAFE, which check --deploy rightly refuses).
SET_HERE = {
    "SECRET_KEY",
    "PEP_PORTAL_ENV",
    "DEBUG",
    "ALLOWED_HOSTS",
    "PEP_PORTAL_INSECURE_LOCAL_HTTP",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
}


def _manage(*arguments: str, **variables: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if k not in SET_HERE}
    environment.update(variables)
    return subprocess.run(  # noqa: S603 (fixed arguments)
        [sys.executable, "manage.py", *arguments],
        cwd=ROOT,
        env={**environment, "DJANGO_SETTINGS_MODULE": "pep_portal.settings"},
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def _production(**extra: str) -> dict[str, str]:
    return {
        "PEP_PORTAL_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(60)[:60],
        "ALLOWED_HOSTS": "pep.example.org",
        **extra,
    }


def test_production_settings_pass_the_deployment_checks():
    result = _manage("check", "--deploy", **_production())

    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_the_local_load_test_flag_is_reported_by_the_deployment_checks():
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        **_production(ALLOWED_HOSTS="127.0.0.1", PEP_PORTAL_INSECURE_LOCAL_HTTP="true"),
    )

    assert result.returncode != 0
    reported = result.stderr + result.stdout
    for check in ("security.W008", "security.W012", "security.W016"):
        assert check in reported


def test_the_local_load_test_flag_is_refused_for_a_real_host_name():
    result = _manage("check", **_production(PEP_PORTAL_INSECURE_LOCAL_HTTP="true"))

    assert result.returncode != 0
    assert "PEP_PORTAL_INSECURE_LOCAL_HTTP is for a server on 127.0.0.1" in (
        result.stderr
    )


def test_debug_pages_cannot_be_turned_on_in_production():
    result = _manage("check", **_production(DEBUG="true"))

    assert result.returncode != 0
    assert "DEBUG must be off when PEP_PORTAL_ENV is production." in result.stderr


def test_every_response_forbids_inline_scripts_styles_and_framing(client):
    response = client.get(reverse("accounts:accessibility"))

    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self';" in policy
    assert "style-src 'self';" in policy
    assert "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
STYLE_ATTRIBUTE = re.compile(r"<[^>]+\sstyle\s*=", re.IGNORECASE)
STYLE_ELEMENT = re.compile(r"<style\b", re.IGNORECASE)
HANDLER_ATTRIBUTE = re.compile(r"<[^>]+\son[a-z]+\s*=", re.IGNORECASE)
JAVASCRIPT_URL = re.compile(r"""(?:href|src|action)\s*=\s*["']?\s*javascript:""", re.I)


def _inline_code(html: str) -> list[str]:
    found = []
    for pattern in (
        INLINE_SCRIPT,
        STYLE_ATTRIBUTE,
        STYLE_ELEMENT,
        HANDLER_ATTRIBUTE,
        JAVASCRIPT_URL,
    ):
        found += [match.group(0)[:80] for match in pattern.finditer(html)]
    return found


def _is_pdf_template(template: Path) -> bool:
    """Templates WeasyPrint turns into PDFs: never served to a browser, so the
    Content Security Policy does not apply, and their print styles sit inline."""
    return template.parent.name == "pdf" or template.stem.endswith("_pdf")


def _portal_templates() -> list[Path]:
    folders = [ROOT / "templates"] + [
        folder for folder in ROOT.glob("*/templates") if folder.parent.name != "tests"
    ]
    return sorted(
        p
        for folder in folders
        for p in folder.rglob("*.html")
        if not _is_pdf_template(p)
    )


def test_no_template_of_the_portal_holds_inline_code():
    offenders = {
        str(template.relative_to(ROOT)): found
        for template in _portal_templates()
        if (found := _inline_code(template.read_text()))
    }

    assert offenders == {}


@pytest.fixture
def rendered_pages(client, administrator, pep):
    """Key pages as an administrator sees them, and the sign-in page as anyone does."""
    pages = {"sign-in": client.get(reverse("account_login"))}
    client_for(client, administrator)
    AccessEvent.objects.create(child_id=pep.child_id, action="view_child")
    for name, url in {
        "home": reverse("home"),
        "caseload": reverse("peps:caseload"),
        "child": reverse("peps:child", args=[pep.child_id]),
        "PEP": reverse("peps:pep", args=[pep.pk]),
        "section C": reverse("peps:section_edit", args=[pep.pk, "C"]),
        "quality review": reverse("quality:review", args=[pep.pk]),
        "accessibility": reverse("accounts:accessibility"),
        "pep history": reverse("audit:pep_history", args=[pep.pk]),
        "child access": reverse("audit:child_access", args=[pep.child_id]),
        "failing jobs": reverse("audit:job_failures"),
        "not found": "/no-such-page/",
    }.items():
        pages[name] = client.get(url)
    return pages


def test_key_pages_render_without_inline_code(rendered_pages):
    offenders = {
        name: found
        for name, response in rendered_pages.items()
        if (found := _inline_code(response.content.decode()))
    }

    assert offenders == {}
    expected = {"home": 302, "not found": 404}
    assert {
        name: response.status_code for name, response in rendered_pages.items()
    } == {name: expected.get(name, 200) for name in rendered_pages}


def test_signed_in_pages_carry_the_session_time_out_for_the_warning(rendered_pages):
    page = rendered_pages["accessibility"].content.decode()

    assert 'data-session-timeout="1800"' in page
    assert f'data-keepalive-url="{reverse("audit:keepalive")}"' in page
    assert "js/session-timeout.js" in page
    assert "js/form-drafts.js" in page


def test_a_missing_page_says_nothing_about_what_was_asked_for(
    client, social_worker, pep
):
    client_for(client, social_worker)

    response = client.get("/children/999999/secret-name/")
    other = client.get(reverse("audit:pep_history", args=[pep.pk + 1000]))

    for answer in (response, other):
        content = answer.content.decode()
        assert answer.status_code == 404
        assert "Page not found" in content
        assert "999999" not in content
        assert "No PEP found" not in content
        assert "Traceback" not in content


def test_a_server_error_shows_a_page_that_reveals_nothing(client, settings):
    def broken(request):
        raise RuntimeError("secret detail about child 12")

    settings.ROOT_URLCONF = type("urls", (), {"urlpatterns": [path("boom/", broken)]})
    client.raise_request_exception = False

    response = client.get("/boom/")

    content = response.content.decode()
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in content
    assert "secret detail" not in content
    assert "RuntimeError" not in content
    assert "data-form-not-saved" in content
