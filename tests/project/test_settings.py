"""Start-up refuses malformed configuration, naming the variable at fault."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from pep_portal import env

ROOT = Path(__file__).resolve().parents[2]


def _start(**variables: str) -> subprocess.CompletedProcess[str]:
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in {"SECRET_KEY", "PEP_PORTAL_ENV", "DEBUG", "ALLOWED_HOSTS"}
    }
    environment.update(variables)
    return subprocess.run(  # noqa: S603 (fixed arguments)
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env={**environment, "DJANGO_SETTINGS_MODULE": "pep_portal.settings"},
        capture_output=True,
        text=True,
        check=False,
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = _start(PEP_PORTAL_ENV="production", ALLOWED_HOSTS="pep.example.org")

    assert result.returncode != 0
    assert "Set the environment variable SECRET_KEY." in result.stderr


def test_production_refuses_the_development_key():
    result = _start(
        PEP_PORTAL_ENV="production",
        SECRET_KEY="development-only-key-never-used-in-production-0123456789",
    )

    assert result.returncode != 0
    assert "SECRET_KEY must be a random value" in result.stderr


def test_an_unknown_environment_name_is_refused():
    result = _start(PEP_PORTAL_ENV="staging")

    assert "PEP_PORTAL_ENV must be development or production" in result.stderr


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("1", True), ("yes", True), ("On", True), ("0", False), ("no", False)],
)
def test_flags_accept_the_usual_spellings(monkeypatch, raw, expected):
    monkeypatch.setenv("SOME_FLAG", raw)

    assert env.flag("SOME_FLAG") is expected


def test_a_malformed_flag_names_the_variable(monkeypatch):
    monkeypatch.setenv("SOME_FLAG", "perhaps")

    with pytest.raises(env.ConfigurationError, match="SOME_FLAG must be true or false"):
        env.flag("SOME_FLAG")


def test_a_malformed_number_names_the_variable(monkeypatch):
    monkeypatch.setenv("SOME_NUMBER", "ten")

    with pytest.raises(env.ConfigurationError, match="SOME_NUMBER must be a whole"):
        env.integer("SOME_NUMBER", 3)
