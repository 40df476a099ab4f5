"""Keep a `JobFailure` row for every background job that fails for good.

Celery sends `task_failure` when a task raises and has no retry left (a task that
retries raises `Retry` instead, which is not a failure). The row groups failures of
the same task with the same arguments and error, so a job failing every night is one
row with a count, and the administrators' page lists what is failing now.

Nothing personal is stored: arguments are reduced to ids (see `safe_arguments`) and
the error message goes through the same redaction as the logs.
"""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from celery.signals import task_failure
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from audit.models import JobFailure
from pep_portal.logging import redact

logger = logging.getLogger(__name__)

_DIGITS = re.compile(r"\d{1,20}")
ARGS_LIMIT = 500
MESSAGE_LIMIT = 1000


def connect() -> None:
    task_failure.connect(_task_failed, dispatch_uid="audit-task-failure", weak=False)


def safe_arguments(args: Sequence[Any] | None, kwargs: Mapping[str, Any] | None) -> str:
    """Show a job's arguments as ids only: numbers stay, anything else is its type.

    >>> safe_arguments((12, "Alex Smith"), {"pep_id": 7, "note": "x"})
    '(12, <str>, pep_id=7, note=<str>)'
    """
    shown = [_safe_value(value) for value in args or ()]
    shown += [f"{key}={_safe_value(value)}" for key, value in (kwargs or {}).items()]
    text = "(" + ", ".join(shown) + ")"
    if len(text) > ARGS_LIMIT:
        text = text[: ARGS_LIMIT - 4] + "…)"
    return text


def _safe_value(value: Any, depth: int = 0) -> str:
    if value is None or isinstance(value, bool | int):
        return repr(value)
    if isinstance(value, uuid.UUID):
        return f"'{value}'"
    if isinstance(value, str) and _DIGITS.fullmatch(value):
        return repr(value)
    if isinstance(value, list | tuple | set | frozenset) and depth == 0:
        items = [_safe_value(item, depth + 1) for item in list(value)[:20]]
        more = ", …" if len(value) > 20 else ""
        return "[" + ", ".join(items) + more + "]"
    return f"<{type(value).__name__}>"


def record_failure(
    *,
    task_name: str,
    task_id: str,
    exception: BaseException,
    args: Sequence[Any] | None = None,
    kwargs: Mapping[str, Any] | None = None,
) -> JobFailure:
    """Add one failure to its group, creating the group on its first failure."""
    now = timezone.now()
    args_repr = safe_arguments(args, kwargs)
    exception_class = f"{type(exception).__module__}.{type(exception).__qualname__}"
    message = redact(str(exception))[:MESSAGE_LIMIT]

    with transaction.atomic():
        failure, created = JobFailure.objects.select_for_update().get_or_create(
            task_name=task_name[:200],
            args_repr=args_repr,
            exception_class=exception_class[:200],
            defaults={
                "task_id": task_id or "",
                "message": message,
                "first_seen": now,
                "last_seen": now,
            },
        )
        if not created:
            JobFailure.objects.filter(pk=failure.pk).update(
                count=F("count") + 1,
                last_seen=now,
                task_id=task_id or "",
                message=message,
            )
            failure.refresh_from_db()
    return failure


def _task_failed(
    sender: Any = None,
    task_id: str | None = None,
    exception: BaseException | None = None,
    args: Sequence[Any] | None = None,
    kwargs: Mapping[str, Any] | None = None,
    **_: Any,
) -> None:
    task_name = getattr(sender, "name", None) or str(sender)
    logger.error(
        "Job %s (%s) failed: %s",
        task_name,
        task_id,
        type(exception).__name__ if exception is not None else "unknown error",
    )
    if exception is None:
        return
    try:
        record_failure(
            task_name=task_name,
            task_id=task_id or "",
            exception=exception,
            args=args,
            kwargs=kwargs,
        )
    except Exception:
        # The failure is already in the log above; recording it must not raise in
        # the worker and hide the original error.
        logger.exception("Could not record the failure of job %s", task_id)
