"""Personal data does not reach the logs; production logs are JSON lines."""

from __future__ import annotations

import io
import json
import logging

import pytest
from django.conf import settings

from pep_portal.logging import JsonFormatter, RedactPersonalData, redact


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("Sent to jo.bloggs@example.invalid", "Sent to [email]"),
        ("Sent to O'Neil+pep@school.sch.uk today", "Sent to [email] today"),
        ("born 14/03/2015", "born [date]"),
        ("born 14-3-15", "born [date]"),
        ("born 14.03.2015", "born [date]"),
        ("born 2015-03-14", "born [date]"),
        ("born 14 March 2015", "born [date]"),
        ("born 14th Mar 2015", "born [date]"),
        ("born March 14, 2015", "born [date]"),
        ("UPN A123456789012 found", "UPN [upn] found"),
        ("temporary UPN B12345678901C", "temporary UPN [upn]"),
        ("PEP 1234 of child 56 finalised", "PEP 1234 of child 56 finalised"),
        ("took 12.5 ms for 300 rows", "took 12.5 ms for 300 rows"),
        (
            "task 7c0a5b9e-1f2d-4c3b-9a8e-0d1f2e3c4b5a",
            "task 7c0a5b9e-1f2d-4c3b-9a8e-0d1f2e3c4b5a",
        ),
    ],
)
def test_personal_data_is_redacted_and_ids_are_kept(message, expected):
    assert redact(message) == expected


def _record(message: str, *args: object, exc_info=None) -> logging.LogRecord:
    return logging.LogRecord(
        "peps.views", logging.ERROR, __file__, 1, message, args, exc_info
    )


def test_the_filter_redacts_arguments_as_well_as_the_message():
    record = _record("Could not e-mail %s about child %d", "jo@example.invalid", 12)

    RedactPersonalData().filter(record)

    assert record.getMessage() == "Could not e-mail [email] about child 12"


def test_the_filter_redacts_tracebacks():
    try:
        raise ValueError("Duplicate key (email)=(jo@example.invalid)")
    except ValueError:
        import sys

        record = _record("Import failed", exc_info=sys.exc_info())

    RedactPersonalData().filter(record)
    line = logging.Formatter("%(message)s").format(record)

    assert "jo@example.invalid" not in line
    assert "Duplicate key (email)=([email])" in line


def test_a_message_with_bad_arguments_is_still_logged():
    record = _record("Child %d of %d", "not a number")

    assert RedactPersonalData().filter(record)
    assert "unformattable" in record.getMessage()


def test_json_lines_carry_time_level_logger_and_message():
    record = _record("PEP %d approved", 9)

    entry = json.loads(JsonFormatter().format(record))

    assert entry["level"] == "ERROR"
    assert entry["logger"] == "peps.views"
    assert entry["message"] == "PEP 9 approved"
    assert entry["time"].endswith("+00:00")


def test_every_log_line_passes_through_the_redaction_filter():
    console = settings.LOGGING["handlers"]["console"]

    assert console["filters"] == ["redact"]
    assert settings.LOGGING["filters"]["redact"]["()"].endswith("RedactPersonalData")


def test_errors_are_never_e_mailed():
    assert settings.ADMINS == []
    assert settings.LOGGING["loggers"]["django"]["handlers"] == []
    django_logger = logging.getLogger("django")
    assert not any(
        type(handler).__name__ == "AdminEmailHandler"
        for handler in django_logger.handlers
    )


def test_celery_workers_keep_the_portals_log_set_up():
    assert settings.CELERY_WORKER_HIJACK_ROOT_LOGGER is False


def test_a_logged_e_mail_address_is_redacted_on_the_way_out():
    console = next(
        handler
        for handler in logging.getLogger().handlers
        if any(isinstance(f, RedactPersonalData) for f in handler.filters)
    )
    written = io.StringIO()
    original = console.setStream(written)
    try:
        logging.getLogger("tests.trust.redaction").warning(
            "Bounce from %s", "jo@example.invalid"
        )
    finally:
        console.setStream(original)

    assert "Bounce from [email]" in written.getvalue()
    assert "jo@example.invalid" not in written.getvalue()
