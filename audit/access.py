"""Record who viewed or downloaded a child's record.

Views call `record_access` once they have fetched the record through
`peps.access`, or wear `@audited("view_pep")`, which records after the view answered
successfully. A record is one INSERT. If it fails, the failure is logged and the page
is served anyway: the audit trail must never stop a social worker reading a PEP.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from django.db import DatabaseError, connection, transaction
from django.http import HttpRequest, HttpResponse

from audit.models import AccessEvent

logger = logging.getLogger(__name__)

View = TypeVar("View", bound=Callable[..., HttpResponse])

ACTIONS = frozenset(AccessEvent.Action.values)


def record_access(
    request: HttpRequest,
    *,
    child: Any = None,
    pep: Any = None,
    action: str,
) -> AccessEvent | None:
    """Log one view or download of ``child``'s record (or ``pep``'s child's).

    ``child`` and ``pep`` may be model instances or primary keys; with only a PEP
    instance its ``child_id`` is used, with only a PEP key the child is looked up.
    Returns the event, or None when it could not be written.
    """
    if action not in ACTIONS:
        raise ValueError(f"Unknown audit action {action!r}.")

    try:
        pep_id = _pk(pep)
        child_id = _pk(child)
        if child_id is None and pep is not None:
            child_id = getattr(pep, "child_id", None) or _child_of_pep(pep_id)
        if child_id is None:
            raise ValueError("record_access needs a child or a PEP.")
        event = AccessEvent(
            user_id=_user_id(request),
            child_id=child_id,
            pep_id=pep_id,
            action=action,
            path_name=_path_name(request),
        )
        _insert([event])
    except (DatabaseError, ValueError, TypeError):
        logger.exception("Could not record %s access", action)
        return None
    return event


def record_export(
    request: HttpRequest, child_ids: Iterable[int], *, action: str = "export"
) -> int:
    """Log that an export included each of ``child_ids``; one INSERT for them all."""
    if action not in ACTIONS:
        raise ValueError(f"Unknown audit action {action!r}.")

    user_id = _user_id(request)
    path_name = _path_name(request)
    events = [
        AccessEvent(
            user_id=user_id, child_id=child_id, action=action, path_name=path_name
        )
        for child_id in sorted(set(child_ids))
    ]
    try:
        _insert(events)
    except DatabaseError:
        logger.exception("Could not record an export of %d children", len(events))
        return 0
    return len(events)


def audited(
    action: str, *, pep_kwarg: str = "pep_id", child_kwarg: str = "child_id"
) -> Callable[[View], View]:
    """Record ``action`` each time the view answers with a success (status < 400).

    The PEP and child come from the URL's keyword arguments named ``pep_kwarg`` and
    ``child_kwarg``. A view that refuses (404) records nothing, so the log holds
    only what was actually shown.
    """
    if action not in ACTIONS:
        raise ValueError(f"Unknown audit action {action!r}.")

    def decorate(view: View) -> View:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            response = view(request, *args, **kwargs)
            if response.status_code < 400:
                pep_id = kwargs.get(pep_kwarg)
                child_id = kwargs.get(child_kwarg)
                if pep_id is not None or child_id is not None:
                    record_access(request, child=child_id, pep=pep_id, action=action)
                else:
                    logger.error(
                        "@audited view %s has no %s or %s argument",
                        _path_name(request),
                        pep_kwarg,
                        child_kwarg,
                    )
            return response

        return wrapper  # type: ignore[return-value]

    return decorate


def _insert(events: list[AccessEvent]) -> None:
    if not events:
        return
    if connection.in_atomic_block:
        # A savepoint keeps a failed insert from breaking the caller's transaction.
        with transaction.atomic():
            AccessEvent.objects.bulk_create(events)
    else:
        AccessEvent.objects.bulk_create(events)


def _pk(value: Any) -> int | None:
    if value is None:
        return None
    if hasattr(value, "pk"):
        return int(value.pk)
    return int(value)


def _child_of_pep(pep_id: int | None) -> int | None:
    from peps.models import Pep

    return Pep.objects.filter(pk=pep_id).values_list("child_id", flat=True).first()


def _user_id(request: HttpRequest) -> int | None:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    return user.pk


def _path_name(request: HttpRequest) -> str:
    match = getattr(request, "resolver_match", None)
    return (match.view_name if match else "")[:120]
