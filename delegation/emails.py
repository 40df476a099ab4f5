"""E-mails about delegations. None names the child: e-mail is not a safe place for
that, so the teacher signs in to see whose PEP it is. The carer's copy is the exception:
it is the child's own school section, sent to the child's carer as its attachment.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string

from peps.models import Contact

logger = logging.getLogger(__name__)

TEMPLATES = "emails/delegation"


def _send(
    template: str,
    to: str,
    context: dict,
    attachments: list[tuple[str, bytes, str]] | None = None,
) -> None:
    subject = render_to_string(f"{TEMPLATES}/{template}_subject.txt", context)
    body = render_to_string(f"{TEMPLATES}/{template}.txt", context)
    message = EmailMessage(
        subject=" ".join(subject.split()),
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
    )
    for name, content, content_type in attachments or []:
        message.attach(name, content, content_type)
    message.send()


def send_invitation(delegation, link: str) -> None:
    school = delegation.pep.school or _current_school(delegation.pep)
    _send(
        "invitation",
        delegation.email,
        {
            "link": link,
            "school_name": school.name if school else "",
            "expires_at": delegation.expires_at,
        },
    )
    logger.info("Invitation e-mailed for delegation %s", delegation.pk)


def send_retraction_notice(delegation) -> None:
    _send("retracted", delegation.email, {"delegation": delegation})
    logger.info("Retraction e-mailed for delegation %s", delegation.pk)


def send_submitted_notice(delegation) -> None:
    if delegation.assigned_by is None or not delegation.assigned_by.email:
        return
    _send(
        "submitted",
        delegation.assigned_by.email,
        {"delegation": delegation, "pep_id": delegation.pep_id},
    )
    logger.info("Submission e-mailed for delegation %s", delegation.pk)


def send_carer_copy(delegation, contact: Contact, pdf: bytes) -> None:
    _send(
        "carer_copy",
        contact.email,
        {"contact": contact, "delegation": delegation},
        attachments=[("school-section.pdf", pdf, "application/pdf")],
    )


def _current_school(pep):
    enrolment = pep.child.enrolments.filter(ended_on__isnull=True).first()
    return enrolment.school if enrolment else None
