"""Pages of quality assurance: review, Section E, the workflow's moves, bands and
published PEPs. Each view fetches through a permission-checked accessor (404 when out
of reach), calls one operation and renders or redirects."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.roles import Role
from audit.access import record_access
from audit.uploads import private_file_response
from peps import access as pep_access
from peps.models import Pep
from quality import access, services, workflow
from quality.bands import GUIDE_DISCREPANCY_NOTE
from quality.completeness import suggest_scores
from quality.document import no_images, pep_read_context
from quality.facts import pep_facts, target_gaps
from quality.forms import (
    BandFormSet,
    CarerCopyForm,
    ReturnForm,
    SectionEForm,
    band_initial,
)
from quality.models import CarerCopy, PublishedPep, SectionE, Transition
from quality.rubric import CRITERIA, SUMMARY_RATINGS_BY_KEY, Suggestion
from quality.workflow import Action, WorkflowError

logger = logging.getLogger(__name__)


def _problems_to_form(form: forms.BaseForm, error: WorkflowError) -> None:
    for problem in error.problems:
        known = problem.field in form.fields
        form.add_error(problem.field if known else None, problem.message)


def _actions(request: HttpRequest, pep: Pep) -> list[Action]:
    return workflow.available_actions(
        pep.status,
        access.workflow_actor(request.user, pep),
        reopened=pep.reopened_sections,
        school_has_delegate=access.school_has_delegate(pep),
    )


@login_required
@require_GET
def review(request: HttpRequest, pep_id: int) -> HttpResponse:
    """The whole PEP, read-only, with the workflow's moves open to this person."""
    pep = pep_access.get_pep(request.user, pep_id)
    record_access(request, pep=pep, action="view_pep")

    context = {
        "pep": pep,
        **pep_read_context(
            pep,
            editable=pep_access.editable_sections(request.user, pep),
            image_src=no_images,
        ),
        "actions": _actions(request, pep),
        "transitions": pep.transitions.select_related("actor"),
        "publications": access.publications_for(request.user)
        .filter(pep=pep)
        .exclude(file=""),
        "editable": pep_access.editable_sections(request.user, pep),
    }
    return render(request, "quality/review.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def finalise(request: HttpRequest, pep_id: int) -> HttpResponse:
    pep = pep_access.get_pep(request.user, pep_id)
    if Action.FINALISE not in _actions(request, pep):
        raise Http404("Nothing to finalise here.")

    problems: tuple[workflow.Problem, ...] = ()
    if request.method == "POST":
        try:
            services.pep_finalise(pep, request.user)
        except WorkflowError as error:
            problems = error.problems
        else:
            messages.success(
                request, "PEP finalised: it is now awaiting quality assurance"
            )
            return redirect("quality:review", pep_id=pep.pk)

    return render(request, "quality/finalise.html", {"pep": pep, "problems": problems})


def _suggestions(pep: Pep) -> dict[str, Suggestion]:
    return suggest_scores(pep_facts(pep))


def _suggestions_json(suggestions: dict[str, Suggestion]) -> dict[str, object]:
    return {
        key: {
            "score": suggestion.score,
            "reasons": list(suggestion.reasons),
            "missing": list(suggestion.missing),
        }
        for key, suggestion in suggestions.items()
    }


@dataclass(frozen=True)
class Choice:
    value: int
    descriptor: str
    checked: bool
    suggested: bool
    input_id: str


@dataclass(frozen=True)
class CriterionRow:
    key: str
    field: forms.BoundField
    legend: str
    hint: str
    choices: list[Choice]
    suggestion: Suggestion | None
    previous: list[tuple[Pep, int | None]]


def _chosen(form: SectionEForm, name: str) -> int | None:
    value = form[name].value()
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def _criterion_rows(
    form: SectionEForm,
    suggestions: dict[str, Suggestion],
    previous: list[Pep],
) -> list[CriterionRow]:
    found = []
    for criterion in CRITERIA:
        name = f"score_{criterion.key.lower()}"
        suggestion = suggestions.get(criterion.key)
        chosen = _chosen(form, name)
        if chosen is None and not form.is_bound and suggestion is not None:
            chosen = suggestion.score
        choices = [
            Choice(
                value=value,
                descriptor=criterion.descriptor(value),
                checked=chosen == value,
                suggested=suggestion is not None and suggestion.score == value,
                input_id=f"{form[name].auto_id}_{value}",
            )
            for value in range(criterion.maximum, criterion.minimum - 1, -1)
        ]
        found.append(
            CriterionRow(
                key=criterion.key,
                field=form[name],
                legend=f"{criterion.section}: {criterion.title}",
                hint=f"Completed by the {criterion.completed_by.lower()}. Score "
                f"{criterion.minimum} to {criterion.maximum}.",
                choices=choices,
                suggestion=suggestion,
                previous=[
                    (earlier, getattr(earlier.section_e, name)) for earlier in previous
                ],
            )
        )
    return found


def _rating_rows(form: SectionEForm) -> list[dict[str, object]]:
    found = []
    for key, name in services.RATING_FIELDS.items():
        rating = SUMMARY_RATINGS_BY_KEY[key]
        chosen = _chosen(form, name)
        found.append(
            {
                "field": form[name],
                "title": rating.title,
                "choices": [
                    Choice(
                        value=value,
                        descriptor=rating.descriptor(value),
                        checked=chosen == value,
                        suggested=False,
                        input_id=f"{form[name].auto_id}_{value}",
                    )
                    for value in range(rating.minimum, rating.maximum + 1)
                ],
            }
        )
    return found


def _previous_peps(pep: Pep) -> list[Pep]:
    """The child's earlier PEPs that were scored, newest first (at most three)."""
    return list(
        Pep.objects.filter(
            child_id=pep.child_id,
            meeting_date__lt=pep.meeting_date,
            section_e__isnull=False,
        )
        .select_related("section_e")
        .order_by("-meeting_date")[:3]
    )


@login_required
@require_http_methods(["GET", "POST"])
def section_e(request: HttpRequest, pep_id: int) -> HttpResponse:
    """Section E and the 22-point rubric, for the link teacher."""
    pep = pep_access.get_pep(request.user, pep_id)
    pep_access.require_editable(request.user, pep, "E")
    if request.method == "GET":
        record_access(request, pep=pep, action="view_pep")
    section, _ = SectionE.objects.get_or_create(
        pep=pep,
        defaults={"link_teacher": services.link_teacher_for(pep)},
    )
    suggestions = _suggestions(pep)

    if request.method == "POST":
        form = SectionEForm(request.POST, instance=section)
        if form.is_valid():
            values = {
                name: value
                for name, value in form.cleaned_data.items()
                if name != "version"
            }
            try:
                services.section_e_save(
                    pep,
                    request.user,
                    values,
                    version=form.cleaned_data["version"],
                    suggested=_suggestions_json(suggestions),
                )
            except WorkflowError as error:
                _problems_to_form(form, error)
            else:
                messages.success(request, "Section E saved")
                return redirect("quality:section_e", pep_id=pep.pk)
    else:
        form = SectionEForm(instance=section, initial={"version": section.version})

    section.refresh_from_db()
    previous = _previous_peps(pep)
    context = {
        "pep": pep,
        "form": form,
        "section": section,
        "criteria": _criterion_rows(form, suggestions, previous),
        "ratings": _rating_rows(form),
        "targets": target_gaps(pep),
        "rating": services.section_e_rating(section),
        "scored": sum(
            score is not None for score in services.section_e_scores(section).values()
        ),
        "previous": previous,
        "actions": _actions(request, pep),
        "note": GUIDE_DISCREPANCY_NOTE,
    }
    return render(request, "quality/section_e.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def return_for_amendment(request: HttpRequest, pep_id: int) -> HttpResponse:
    pep = pep_access.get_pep(request.user, pep_id)
    if Action.RETURN not in _actions(request, pep):
        raise Http404("Nothing to return here.")

    form = ReturnForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.pep_return(
                pep,
                request.user,
                form.cleaned_data["sections"],
                form.cleaned_data["comment"],
            )
        except WorkflowError as error:
            _problems_to_form(form, error)
        else:
            sections = ", ".join(form.cleaned_data["sections"])
            messages.success(request, f"Sections {sections} returned for amendment")
            return redirect("quality:queue")

    return render(request, "quality/return.html", {"pep": pep, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def resubmit(request: HttpRequest, pep_id: int) -> HttpResponse:
    """What the link teacher asked to amend, and the button to send it back."""
    pep = pep_access.get_pep(request.user, pep_id)
    if Action.RESUBMIT not in _actions(request, pep):
        raise Http404("Nothing to resubmit here.")

    actor = access.workflow_actor(request.user, pep)
    mine = workflow.resubmittable_sections(
        actor,
        pep.reopened_sections,
        school_has_delegate=access.school_has_delegate(pep),
    )
    if request.method == "POST":
        try:
            pep = services.pep_resubmit(pep, request.user)
        except WorkflowError as error:
            for problem in error.problems:
                messages.error(request, problem.message)
        else:
            if pep.status == workflow.Status.FINALISED:
                messages.success(request, "PEP sent back for quality assurance")
            else:
                messages.success(
                    request,
                    "Your sections are resubmitted; the PEP goes back for quality "
                    "assurance when Sections "
                    f"{', '.join(pep.reopened_sections)} are resubmitted too",
                )
            return redirect("quality:review", pep_id=pep.pk)

    last_return = (
        pep.transitions.filter(action=Transition.Action.RETURN)
        .select_related("actor")
        .last()
    )
    return render(
        request,
        "quality/resubmit.html",
        {"pep": pep, "mine": sorted(mine), "last_return": last_return},
    )


@login_required
@require_POST
def approve(request: HttpRequest, pep_id: int) -> HttpResponse:
    pep = pep_access.get_pep(request.user, pep_id)
    if Action.APPROVE not in _actions(request, pep):
        raise Http404("Nothing to approve here.")

    try:
        services.pep_approve(pep, request.user)
    except WorkflowError as error:
        for problem in error.problems:
            messages.error(request, problem.message)
        return redirect("quality:section_e", pep_id=pep.pk)

    messages.success(request, "PEP approved: the published PDF is being prepared")
    return redirect("quality:queue")


@login_required
@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    """Finalised PEPs awaiting this link teacher's quality assurance, oldest first."""
    if not request.user.has_role(Role.LINK_TEACHER, Role.ADMINISTRATOR):
        raise Http404("No QA queue here.")

    waiting = Paginator(access.qa_queue_for(request.user), 50).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "quality/queue.html",
        {"page": waiting, "returned": access.returned_for(request.user)[:50]},
    )


@login_required
@require_http_methods(["GET", "POST"])
def bands(request: HttpRequest) -> HttpResponse:
    """The rating bands, edited by an administrator and saved all together or not."""
    if not request.user.has_role(Role.ADMINISTRATOR):
        raise Http404("No bands page here.")

    problems: list[str] = []
    if request.method == "POST":
        formset = BandFormSet(request.POST, prefix="bands")
        if formset.is_valid():
            try:
                services.bands_replace(formset.rows(), request.user)
            except services.BandsInvalid as error:
                problems = error.problems
            else:
                messages.success(request, "Rating bands saved")
                return redirect("quality:bands")
    else:
        formset = BandFormSet(initial=band_initial(), prefix="bands")

    return render(
        request,
        "quality/bands.html",
        {"formset": formset, "problems": problems, "note": GUIDE_DISCREPANCY_NOTE},
    )


@login_required
@require_GET
def download(request: HttpRequest, pk: int) -> FileResponse:
    publication = access.get_publication(request.user, pk)

    logger.info(
        "Published PEP %s downloaded by user %s", publication.pk, request.user.pk
    )
    record_access(request, pep=publication.pep_id, action="download_pdf")
    return private_file_response(
        publication.file.open("rb"),
        f"PEP-{publication.pep_id}-version-{publication.version}.pdf",
        "application/pdf",
    )


@login_required
@require_GET
def school_publications(request: HttpRequest) -> HttpResponse:
    """Approved PEPs of the designated teacher's school, newest first."""
    if not access.is_school_designated_teacher(request.user):
        raise Http404("No school list here.")

    found = access.school_publications_for(request.user)
    page = Paginator(found, 50).get_page(request.GET.get("page"))
    return render(request, "quality/school_publications.html", {"page": page})


@login_required
@require_http_methods(["GET", "POST"])
def publications(request: HttpRequest, pep_id: int) -> HttpResponse:
    """Every published version of one PEP, and sending the latest to the carers."""
    pep = pep_access.get_pep(request.user, pep_id)
    actor = access.workflow_actor(request.user, pep)
    may_send = actor.is_allocated_social_worker or actor.is_administrator
    carers = services.carer_contacts(pep) if may_send else []

    form = CarerCopyForm(request.POST or None, carers=carers)
    if request.method == "POST":
        if not may_send:
            raise Http404("Nothing to send here.")
        if form.is_valid():
            try:
                copies = services.carer_copy_send(
                    pep, request.user, form.cleaned_data["contacts"]
                )
            except WorkflowError as error:
                _problems_to_form(form, error)
            else:
                messages.success(
                    request,
                    f"PEP sent to {len(copies)} carer{'s' if len(copies) != 1 else ''}",
                )
                return redirect("quality:publications", pep_id=pep.pk)

    context = {
        "pep": pep,
        "versions": PublishedPep.objects.filter(pep=pep).order_by("-version"),
        "copies": CarerCopy.objects.filter(pep=pep)
        .select_related("contact", "sent_by", "publication")
        .order_by("-sent_at"),
        "form": form,
        "may_send": may_send,
        "carers": carers,
        "review_url": reverse("quality:review", kwargs={"pep_id": pep.pk}),
    }
    return render(request, "quality/publications.html", context)
