"""The audit pages: a PEP's history, who opened a child's record, failing jobs, and
the keep-alive that the session time-out warning calls."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_POST

from accounts.roles import Role
from audit.access import audited
from audit.history import pep_history
from audit.models import AccessEvent, JobFailure
from peps import access
from peps.models import Child

PAGE_SIZE = 50


def _require_administrator(request: HttpRequest) -> None:
    """Administrators' pages do not exist for anyone else: 404, never 403."""
    if not request.user.has_role(Role.ADMINISTRATOR):
        raise Http404("No such page.")


@login_required
@audited("view_pep")
def pep_history_page(request: HttpRequest, pep_id: int) -> HttpResponse:
    pep = access.get_pep(request.user, pep_id)

    page = Paginator(pep_history(pep), PAGE_SIZE).get_page(request.GET.get("page"))

    return render(request, "audit/pep_history.html", {"pep": pep, "page": page})


@login_required
def child_access_page(request: HttpRequest, child_id: int) -> HttpResponse:
    _require_administrator(request)
    child = Child.objects.filter(pk=child_id).first()
    events = AccessEvent.objects.filter(child_id=child_id)
    if child is None and not events.exists():
        raise Http404("No child found.")

    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    users = get_user_model().objects.in_bulk(
        {event.user_id for event in page if event.user_id}
    )
    rows = [(event, users.get(event.user_id)) for event in page]

    return render(
        request,
        "audit/child_access.html",
        {"child": child, "child_id": child_id, "page": page, "rows": rows},
    )


@login_required
def job_failures_page(request: HttpRequest) -> HttpResponse:
    _require_administrator(request)

    page = Paginator(JobFailure.objects.all(), PAGE_SIZE).get_page(
        request.GET.get("page")
    )

    return render(request, "audit/job_failures.html", {"page": page})


@require_POST
def keepalive(request: HttpRequest) -> JsonResponse:
    """Renew the session (every request does) and say how long it now lasts.

    Answers 401 rather than redirecting when the session has already ended, so the
    warning can tell the person they were signed out.
    """
    if not request.user.is_authenticated:
        return JsonResponse({"signed_in": False}, status=401)
    return JsonResponse(
        {"signed_in": True, "expires_in": request.session.get_expiry_age()}
    )
