"""Log output: structured JSON lines in production, and a redaction safety net.

Code logs ids, never a child's name, e-mail or date of birth. `RedactPersonalData`
is the net under that rule: on every handler it replaces anything in a message or a
traceback that looks like an e-mail address, a date (a date of birth looks like any
other date) or a unique pupil number. It cannot recognise a name, which is why the
rule above still matters.
"""

from __future__ import annotations

import json
import logging
import re
from datetime import UTC, datetime

_MONTHS = (
    "jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    "|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
)

# Order matters: e-mail addresses first, so that a date inside one goes with it.
_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+", re.IGNORECASE), "[email]"),
    # A unique pupil number: a letter, eleven digits, then a digit (permanent) or
    # a letter (temporary).
    (re.compile(r"(?<![0-9A-Za-z])[A-Za-z]\d{11}[0-9A-Za-z](?![0-9A-Za-z])"), "[upn]"),
    (re.compile(r"(?<!\d)\d{4}-\d{1,2}-\d{1,2}(?!\d)"), "[date]"),
    (re.compile(r"(?<!\d)\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}(?!\d)"), "[date]"),
    (
        re.compile(
            rf"(?<!\d)\d{{1,2}}(?:st|nd|rd|th)?\s+(?:{_MONTHS})\.?,?\s+\d{{4}}\b",
            re.IGNORECASE,
        ),
        "[date]",
    ),
    (
        re.compile(
            rf"\b(?:{_MONTHS})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}\b",
            re.IGNORECASE,
        ),
        "[date]",
    ),
)


def redact(text: str) -> str:
    """Replace e-mail addresses, dates and UPNs in ``text`` with placeholders."""
    for pattern, placeholder in _PATTERNS:
        text = pattern.sub(placeholder, text)
    return text


class RedactPersonalData(logging.Filter):
    """Redact the formatted message and any traceback before a handler writes them."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 (a bad format string must not lose the line)
            message = f"{record.msg!r} (unformattable arguments)"
        record.msg = redact(message)
        record.args = None

        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            entry["exception"] = record.exc_text
        task_id = getattr(record, "task_id", None)
        if task_id:
            entry["task_id"] = task_id
        return json.dumps(entry)
