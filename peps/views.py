"""Screens for children and their PEPs.

Each view reads the request, fetches what the user may reach through `peps.access`
(anything else is a 404), calls one operation and renders or redirects. URLs carry
ids only, never a name or a pupil number.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from accounts.roles import Role
from audit.access import record_access
from peps import access, forms, schedule, services
from peps.imports.ssda903_codes import legal_status_label
from peps.models import Child, Enrolment, Pep, School

logger = logging.getLogger(__name__)

CASELOAD_PAGE_SIZE = 50


@dataclass(frozen=True)
class CaseloadRow:
    child: Child
    school_year: str
    latest_pep_status: str


def _matching(children: QuerySet[Child], text: str) -> QuerySet[Child]:
    """Children whose name holds every word typed, or whose id or UPN is the text."""
    by_name = Q()
    for word in text.split():
        by_name &= Q(forename__icontains=word) | Q(surname__icontains=word)
    identifier = text.replace(" ", "")
    return children.filter(
        by_name | Q(local_child_id__iexact=identifier) | Q(upn__iexact=identifier)
    )


def _with_caseload_columns(children: QuerySet[Child]) -> QuerySet[Child]:
    current_enrolments = Enrolment.objects.filter(
        child=OuterRef("pk"), ended_on__isnull=True
    ).order_by("-started_on", "-pk")
    latest_peps = Pep.objects.filter(child=OuterRef("pk")).order_by(
        "-meeting_date", "-pk"
    )
    return children.annotate(
        current_school_name=Subquery(current_enrolments.values("school__name")[:1]),
        latest_pep_status=Subquery(latest_peps.values("status")[:1]),
    ).order_by("surname", "forename", "local_child_id")


SEARCH_SESSION_KEY = "caseload_search"
CASELOAD_ROLES = (Role.SOCIAL_WORKER, Role.LINK_TEACHER, Role.ADMINISTRATOR)


@login_required
def caseload(request: HttpRequest) -> HttpResponse:
    if not request.user.has_role(*CASELOAD_ROLES):
        raise Http404("No caseload.")

    # The search is posted and kept in the session, never put in the URL, so that
    # children's names stay out of browser history and server access logs.
    if request.method == "POST":
        form = forms.ChildSearchForm(request.POST)
        if form.is_valid():
            request.session[SEARCH_SESSION_KEY] = form.cleaned_data["q"]
            return redirect("peps:caseload")
        searched_for = ""
    elif "clear" in request.GET:
        request.session.pop(SEARCH_SESSION_KEY, None)
        return redirect("peps:caseload")
    else:
        searched_for = request.session.get(SEARCH_SESSION_KEY, "")
        form = forms.ChildSearchForm(initial={"q": searched_for})

    children = access.children_for(request.user)
    if searched_for:
        children = _matching(children, searched_for)

    page = Paginator(_with_caseload_columns(children), CASELOAD_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    today = timezone.localdate()
    rows = [
        CaseloadRow(
            child=child,
            school_year=child.school_year_on(today).label,
            latest_pep_status=Pep.Status(child.latest_pep_status).label
            if child.latest_pep_status
            else "",
        )
        for child in page
    ]
    return render(
        request,
        "peps/caseload.html",
        {"form": form, "page": page, "rows": rows, "searched_for": searched_for},
    )


def _legal_status(code: str) -> str:
    """ "C2: Full care order" where the SSDA903 code list knows the code."""
    return legal_status_label(code)


def _child_summary(child: Child) -> list[tuple[str, object]]:
    today = timezone.localdate()
    return [
        ("Name", child.display_name),
        ("Date of birth", forms.long_date(child.date_of_birth)),
        ("Unique pupil number (UPN)", child.upn),
        ("Sex", child.get_sex_display()),
        ("Ethnicity code", child.ethnicity),
        ("School year", child.school_year_on(today).label),
        ("Social worker", child.social_worker or ""),
        ("SDQ score", child.sdq_score),
    ]


def _school_summary(school: School) -> list[tuple[str, object]]:
    designated_teacher = (
        school.designated_teacher_name,
        school.designated_teacher_email,
        school.designated_teacher_telephone,
    )
    address = (school.address, school.postcode)
    return [
        ("School", school.name),
        ("URN", school.urn),
        ("Phase of education", school.phase),
        ("Address", ", ".join(part for part in address if part)),
        ("Telephone", school.telephone),
        ("Designated teacher", ", ".join(part for part in designated_teacher if part)),
        ("Virtual School link teacher", school.link_teacher or ""),
    ]


@login_required
def child_detail(request: HttpRequest, child_id: int) -> HttpResponse:
    child = access.get_child(request.user, child_id)
    record_access(request, child=child, action="view_child")

    enrolment = (
        child.enrolments.filter(ended_on__isnull=True)
        .select_related("school__link_teacher")
        .first()
    )
    logger.info("User %s opened child %s", request.user.pk, child.pk)
    return render(
        request,
        "peps/child_detail.html",
        {
            "child": child,
            "summary": _child_summary(child),
            "school": _school_summary(enrolment.school) if enrolment else None,
            "care_history": [
                (episode, _legal_status(episode.legal_status))
                for episode in child.episodes.order_by("-started_on")
            ],
            "contacts": child.contacts.all(),
            "peps": child.peps.order_by("-meeting_date", "-pk"),
            "may_create_pep": access.may_create_pep(request.user, child),
            "child_due": schedule.child_due(child),
        },
    )


@login_required
def pep_create(request: HttpRequest, child_id: int) -> HttpResponse:
    child = access.get_child(request.user, child_id)
    access.require_may_create_pep(request.user, child)

    data = request.POST if request.method == "POST" else None
    child_due = schedule.child_due(child)
    form = forms.PepCreateForm(
        data,
        due_on=child_due.due_on,
        care_started_on=child.care_started_on,
        today=timezone.localdate(),
    )
    if form.is_bound and form.is_valid():
        if child.peps.filter(meeting_date=form.cleaned_data["meeting_date"]).exists():
            # Most often the same form sent twice: one meeting, one PEP.
            form.add_error(
                "meeting_date", "This child already has a PEP meeting on that date"
            )
    if form.is_bound and form.is_valid():
        pep = services.pep_create(
            child,
            form.cleaned_data["meeting_date"],
            request.user,
            late_reason=form.cleaned_data.get("late_reason", ""),
        )
        messages.success(
            request,
            f"PEP meeting on {forms.long_date(pep.meeting_date)} created",
        )
        return redirect("peps:pep", pep_id=pep.pk)

    return render(
        request,
        "peps/pep_create.html",
        {"child": child, "form": form, "child_due": child_due},
    )


def _section_e(pep: Pep) -> Any:
    """What the quality app shows as Section E."""
    # Imported here: the quality app builds on this one, which must load first.
    from quality.services import quality_summary

    return quality_summary(pep)


@login_required
def pep_detail(request: HttpRequest, pep_id: int) -> HttpResponse:
    pep = access.get_pep(request.user, pep_id)
    record_access(request, pep=pep, action="view_pep")

    editable = access.editable_sections(request.user, pep)
    sections = [
        {
            "layout": layout,
            "parts": forms.read_parts(layout, pep),
            "editable": letter in editable,
        }
        for letter, layout in forms.SECTION_LAYOUTS.items()
    ]
    logger.info("User %s opened PEP %s", request.user.pk, pep.pk)
    return render(
        request,
        "peps/pep_detail.html",
        {
            "pep": pep,
            "child": pep.child,
            "sections": sections,
            "section_e": _section_e(pep),
            "pupil_premium_total": forms.pounds(forms.pupil_premium_total(pep)),
            "may_open_child": access.children_for(request.user)
            .filter(pk=pep.child_id)
            .exists(),
        },
    )


@login_required
def section_edit(request: HttpRequest, pep_id: int, letter: str) -> HttpResponse:
    pep = access.get_pep(request.user, pep_id)
    layout = forms.SECTION_LAYOUTS.get(letter)
    if layout is None:
        raise Http404("No such section.")
    access.require_editable(request.user, pep, letter)

    conflict = False
    if request.method != "POST":
        record_access(request, pep=pep, action="view_pep")
        editor = forms.SectionEditor(layout, pep)
    elif "add_row" in request.POST:
        data = layout.with_another_row(request.POST, request.POST["add_row"])
        editor = forms.SectionEditor(layout, pep, data)
    else:
        editor = forms.SectionEditor(layout, pep, request.POST)
        if editor.is_valid():
            try:
                services.section_save(
                    editor.section,
                    editor.form,
                    request.user,
                    editor.expected_version,
                    formsets=editor.formsets.values(),
                )
            except services.SectionConflict as refusal:
                editor.form.add_error(None, str(refusal))
                conflict = True
            else:
                messages.success(request, f"Section {letter} saved")
                return redirect("peps:pep", pep_id=pep.pk)

    return render(
        request,
        "peps/section_edit.html",
        {
            "pep": pep,
            "child": pep.child,
            "layout": layout,
            "editor": editor,
            "form": editor.form,
            "error_links": editor.error_links() if editor.form.is_bound else [],
            "conflict": conflict,
        },
    )
