"""Pages of the delegation portal.

Teachers' pages live under /school/ and fetch everything through delegation.access:
a delegation that is not theirs, not live or too old is a 404, as is any object that
does not belong to the delegation's PEP. Staff pages (delegate, retract) check the
staff member's reach on the PEP and their role.
"""

from __future__ import annotations

import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
)
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from accounts.adapter import INVITATION_SESSION_KEY
from audit.access import record_access
from audit.uploads import private_file_response
from delegation import access, rules, services
from delegation.forms import (
    SECTION_D_STEPS,
    VOICE_STEPS,
    AttachmentForm,
    CarerCopyForm,
    DelegateForm,
    PreviousTargetReviewFormSet,
    SubjectProgressFormSet,
    TargetFormSet,
    TeacherCommentsUploadForm,
    section_b_form,
    section_d_form,
    step_named,
)
from delegation.models import Delegation
from delegation.pdf import SchoolSectionPdf
from delegation.presenting import pupil_facts, school_section_context
from delegation.uploads import check_upload
from peps.models import PupilVoiceAttachment, SectionB, SectionD
from quality.access import is_school_designated_teacher

logger = logging.getLogger(__name__)

GET_AND_POST = require_http_methods(["GET", "POST"])


def _posted(request: HttpRequest, files: bool = False):
    """The submitted data, or None on GET so that forms stay unbound."""
    if request.method != "POST":
        return (None, None) if files else None
    return (request.POST, request.FILES) if files else request.POST


# The invitation link


def accept(request: HttpRequest, token: str) -> HttpResponse:
    """Open the delegation a link stands for, or send the teacher to sign in first."""
    delegation = services.delegation_from_token(token)
    if delegation is None:
        return render(request, "delegation/link_not_valid.html", status=404)

    if not request.user.is_authenticated:
        request.session[INVITATION_SESSION_KEY] = {
            "delegation": delegation.pk,
            "email": delegation.email,
        }
        return render(
            request,
            "delegation/invitation.html",
            {"next_url": request.get_full_path()},
        )

    try:
        delegation = services.delegation_open(delegation, request.user)
    except services.DelegationError as error:
        return render(
            request,
            "delegation/link_not_for_you.html",
            {"message": str(error)},
            status=404,
        )
    request.session.pop(INVITATION_SESSION_KEY, None)
    return redirect("delegation:task", pk=delegation.pk)


# The teacher's tray and task


@login_required
def tray(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "delegation/tray.html",
        {
            "tray": access.tray_for(request.user),
            "is_school_designated_teacher": is_school_designated_teacher(request.user),
        },
    )


def _task_context(request: HttpRequest, delegation: Delegation) -> dict[str, object]:
    return {
        "delegation": delegation,
        "facts": pupil_facts(delegation),
        "editable": access.may_edit(request.user, delegation),
        "voice_steps": VOICE_STEPS,
        "section_d_steps": SECTION_D_STEPS,
    }


@login_required
def task(request: HttpRequest, pk: int) -> HttpResponse:
    delegation = access.teacher_delegation(request.user, pk)
    record_access(request, pep=delegation.pep, action="view_pep")
    context = _task_context(request, delegation)
    if context["editable"]:
        context["missing"] = rules.missing_parts(
            services.school_section_facts(delegation.pep)
        )
    else:
        context.update(school_section_context(delegation))
    return render(request, "delegation/task.html", context)


def _next_step_url(delegation: Delegation, kind: str, slug: str) -> str:
    steps = VOICE_STEPS if kind == "voice" else SECTION_D_STEPS
    slugs = [step.slug for step in steps]
    index = slugs.index(slug)
    if index + 1 < len(slugs):
        name = "delegation:voice" if kind == "voice" else "delegation:section_d"
        return reverse(name, args=[delegation.pk, slugs[index + 1]])
    return reverse("delegation:task", args=[delegation.pk])


@login_required
@GET_AND_POST
def voice(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    delegation = access.teacher_delegation_for_edit(request.user, pk)
    page = step_named(VOICE_STEPS, step)
    if page is None:
        raise Http404("No such page.")

    section = SectionB.objects.get(pep=delegation.pep)
    form_class = section_b_form(page)
    form = form_class(_posted(request), instance=section)
    if request.method == "POST" and form.is_valid():
        try:
            services.section_update(
                section, form.changes(), form.cleaned_data["version"], request.user
            )
        except services.StaleEdit as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"{page.title}: answers saved.")
            return redirect(_next_step_url(delegation, "voice", page.slug))

    context = _task_context(request, delegation)
    context.update(step=page, form=form, kind="voice")
    if page.slug == VOICE_STEPS[0].slug:
        context["attachments"] = delegation.pep.voice_attachments.all()
    return render(request, "delegation/step.html", context)


@login_required
@GET_AND_POST
def section_d(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    delegation = access.teacher_delegation_for_edit(request.user, pk)
    page = step_named(SECTION_D_STEPS, step)
    if page is None:
        raise Http404("No such page.")

    pep = delegation.pep
    section = SectionD.objects.get(pep=pep)
    data = _posted(request)
    form = section_d_form(page)(data, instance=section)
    formsets = {}
    if page.slug == "progress":
        formsets["subjects"] = SubjectProgressFormSet(
            data, instance=pep, prefix="subjects"
        )
    elif page.slug == "targets":
        formsets["reviews"] = PreviousTargetReviewFormSet(
            data, instance=pep, prefix="reviews"
        )
        formsets["targets"] = TargetFormSet(data, instance=pep, prefix="targets")

    if request.method == "POST":
        valid = form.is_valid() and all(f.is_valid() for f in formsets.values())
        if valid:
            try:
                with transaction.atomic():
                    services.section_update(
                        section,
                        form.changes(),
                        form.cleaned_data["version"],
                        request.user,
                    )
                    for formset in formsets.values():
                        formset.save()
            except services.StaleEdit as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, f"{page.title}: answers saved.")
                return redirect(_next_step_url(delegation, "section_d", page.slug))

    context = _task_context(request, delegation)
    context.update(step=page, form=form, formsets=formsets, kind="section_d")
    return render(request, "delegation/step.html", context)


# Attachments


@login_required
@GET_AND_POST
def attachments(request: HttpRequest, pk: int) -> HttpResponse:
    delegation = access.teacher_delegation_for_edit(request.user, pk)
    form = AttachmentForm(*_posted(request, files=True))
    if request.method == "POST" and form.is_valid():
        try:
            checked = check_upload(form.cleaned_data["file"])
        except ValidationError as error:
            form.add_error("file", error)
        else:
            services.attachment_add(
                delegation, checked, form.cleaned_data["description"], request.user
            )
            messages.success(request, f"{checked.original_name} uploaded.")
            return redirect("delegation:attachments", pk=delegation.pk)

    context = _task_context(request, delegation)
    context.update(form=form, attachments=delegation.pep.voice_attachments.all())
    return render(request, "delegation/attachments.html", context)


def _file_response(
    request: HttpRequest, attachment: PupilVoiceAttachment
) -> FileResponse:
    record_access(request, pep=attachment.pep, action="download_attachment")
    return private_file_response(
        attachment.file.open("rb"), attachment.original_name, attachment.content_type
    )


@login_required
def attachment_download(
    request: HttpRequest, pk: int, attachment_pk: int
) -> FileResponse:
    delegation = access.teacher_delegation(request.user, pk)
    attachment = access.teacher_attachment(delegation, attachment_pk)
    return _file_response(request, attachment)


@login_required
@require_POST
def attachment_delete(
    request: HttpRequest, pk: int, attachment_pk: int
) -> HttpResponse:
    delegation = access.teacher_delegation_for_edit(request.user, pk)
    attachment = access.teacher_attachment(delegation, attachment_pk)
    name = attachment.original_name
    services.attachment_remove(attachment, request.user)
    messages.success(request, f"{name} removed.")
    return redirect("delegation:attachments", pk=delegation.pk)


@login_required
def staff_attachment_download(request: HttpRequest, attachment_pk: int) -> FileResponse:
    return _file_response(request, access.staff_attachment(request.user, attachment_pk))


# Teacher comments from a Microsoft Forms export


@login_required
@GET_AND_POST
def import_upload(request: HttpRequest, pk: int) -> HttpResponse:
    delegation = access.teacher_delegation_for_edit(request.user, pk)
    form = TeacherCommentsUploadForm(*_posted(request, files=True))
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        outcome = services.teacher_comments_preview(
            delegation, upload.read(), upload.name or "", request.user
        )
        if isinstance(outcome, list):
            errors = outcome
            form.add_error("file", " ".join(errors))
        else:
            return redirect("delegation:import_preview", pk=delegation.pk)

    context = _task_context(request, delegation)
    context.update(form=form)
    return render(request, "delegation/import_upload.html", context)


@login_required
@GET_AND_POST
def import_preview(request: HttpRequest, pk: int) -> HttpResponse:
    delegation = access.teacher_delegation_for_edit(request.user, pk)
    pending = getattr(delegation, "pending_import", None)
    if pending is None:
        return redirect("delegation:import_upload", pk=delegation.pk)

    if request.method == "POST":
        if request.POST.get("action") == "cancel":
            pending.delete()
            messages.success(request, "The file was not imported.")
            return redirect("delegation:import_upload", pk=delegation.pk)
        outcome = services.teacher_comments_confirm(delegation, request.user)
        messages.success(
            request,
            f"Imported: {outcome.subjects_added} subjects added, "
            f"{outcome.subjects_updated} updated and {outcome.targets_added} "
            "suggested targets added. Check them on the next pages.",
        )
        return redirect("delegation:section_d", pk=delegation.pk, step="progress")

    context = _task_context(request, delegation)
    context.update(pending=pending)
    return render(request, "delegation/import_preview.html", context)


# Submitting and afterwards


@login_required
@GET_AND_POST
def submit(request: HttpRequest, pk: int) -> HttpResponse:
    delegation = access.teacher_delegation_for_edit(request.user, pk)
    missing = rules.missing_parts(services.school_section_facts(delegation.pep))
    if request.method == "POST" and not missing:
        try:
            services.delegation_submit(delegation, request.user)
        except services.DelegationError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                "The school section has been submitted. It stays in your tray for "
                "30 days.",
            )
            return redirect("delegation:task", pk=delegation.pk)

    context = _task_context(request, delegation)
    context.update(missing=missing, attempted=request.method == "POST")
    return render(request, "delegation/submit.html", context)


@login_required
def pdf(request: HttpRequest, pk: int) -> HttpResponse:
    delegation = access.teacher_delegation(request.user, pk)
    if delegation.status != Delegation.Status.SUBMITTED:
        raise Http404("Only a submitted school section can be downloaded.")
    document = SchoolSectionPdf(delegation)
    record_access(request, pep=delegation.pep, action="download_pdf")
    response = HttpResponse(document.render(), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{document.filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "no-store"
    return response


@login_required
@GET_AND_POST
def carer_copy(request: HttpRequest, pk: int) -> HttpResponse:
    delegation = access.teacher_delegation(request.user, pk)
    if delegation.status != Delegation.Status.SUBMITTED:
        raise Http404("A copy can be sent only after submission.")
    contacts = {str(c.pk): c for c in services.carer_contacts(delegation.pep)}
    choices = [
        (key, f"{c.name}, {c.relationship}" if c.relationship else c.name)
        for key, c in contacts.items()
    ]
    form = CarerCopyForm(_posted(request), choices=choices)
    if request.method == "POST" and form.is_valid():
        chosen = [contacts[key] for key in form.cleaned_data["contacts"]]
        document = SchoolSectionPdf(delegation).render()
        services.carer_copy_send(delegation, chosen, document, request.user)
        messages.success(request, f"A copy was e-mailed to {len(chosen)} carer(s).")
        return redirect("delegation:task", pk=delegation.pk)

    context = _task_context(request, delegation)
    context.update(
        form=form,
        has_carers=bool(contacts),
        copies=delegation.carer_copies.select_related("contact"),
    )
    return render(request, "delegation/carer_copy.html", context)


# Staff: delegate and retract


@login_required
@GET_AND_POST
def delegate(request: HttpRequest, pep_id: int) -> HttpResponse:
    pep = access.pep_for_delegating(request.user, pep_id)
    today = timezone.localdate()
    current = pep.delegations.filter(status=Delegation.Status.ASSIGNED).first()
    school = pep.school
    if school is None:
        enrolment = pep.child.enrolments.filter(ended_on__isnull=True).first()
        school = enrolment.school if enrolment else None
    initial = {
        "email": school.designated_teacher_email if school else "",
        "expires_on": rules.default_expiry(pep.meeting_date, today),
    }
    form = DelegateForm(_posted(request), initial=initial, today=today)
    if request.method == "POST" and form.is_valid():
        try:
            services.delegation_assign(
                pep=pep,
                email=form.cleaned_data["email"],
                expires_on=form.cleaned_data["expires_on"],
                assigned_by=request.user,
                request=request,
            )
        except services.DelegationError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request, "The school section was delegated and the teacher e-mailed."
            )
            return redirect("delegation:delegate", pep_id=pep.pk)

    return render(
        request,
        "delegation/delegate.html",
        {
            "pep": pep,
            "child": pep.child,
            "school": school,
            "form": form,
            "current": current,
            "history": pep.delegations.select_related("teacher", "assigned_by"),
            "section_b": SectionB.objects.filter(pep=pep).first(),
        },
    )


@login_required
@require_POST
def retract(request: HttpRequest, pk: int) -> HttpResponse:
    delegation = access.delegation_for_staff(request.user, pk)
    try:
        services.delegation_retract(delegation, request.user)
    except services.DelegationError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "The delegation was retracted.")
    return HttpResponseRedirect(
        reverse("delegation:delegate", kwargs={"pep_id": delegation.pep_id})
    )
