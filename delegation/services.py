"""Operations on delegations: assign, open, retract, submit, expire; and what a
delegated teacher changes on the PEP (sections, attachments, imports, carer copies).

Every operation that changes several rows runs in one transaction; e-mails go out
only once it has committed. Grants are never handed out or taken back one by one:
`grants_sync` recomputes, from every delegation of the PEP to that teacher, which
permissions the teacher should hold now, and makes the grant table agree. That keeps
retraction, expiry, re-delegation and the daily task idempotent.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.core import signing
from django.db import transaction
from django.db.models import Max
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from guardian.shortcuts import assign_perm, remove_perm

from accounts.models import User
from delegation import emails, rules
from delegation.models import CarerCopy, Delegation, TeacherCommentImport
from delegation.teacher_comments import TeacherCommentRow, parse_teacher_comments
from delegation.uploads import CheckedUpload
from peps import schedule
from peps.models import (
    Contact,
    Pep,
    PepUserObjectPermission,
    PupilVoiceAttachment,
    SectionB,
    SectionD,
    SubjectProgress,
    Target,
)

logger = logging.getLogger(__name__)

INVITATION_SALT = "delegation.invitation"
TOKEN_MAX_AGE = timedelta(days=120)
PENDING_IMPORT_KEPT_FOR = timedelta(days=1)
CORE_SUBJECTS = frozenset(
    {
        "english",
        "english language",
        "english literature",
        "maths",
        "mathematics",
        "science",
        "combined science",
        "biology",
        "chemistry",
        "physics",
    }
)
PUPIL_VOICE_FIELDS = (
    "voice_going_right",
    "voice_subjects",
    "voice_help",
    "voice_people",
    "voice_future",
    "voice_on_time",
    "voice_previous_targets",
    "voice_new_targets",
    "wellbeing",
    "achievement",
    "attendance",
    "support",
    "relationships",
    "aspirations",
    "ambitions",
)


class DelegationError(Exception):
    """An operation that cannot go ahead; the message is for the person."""


class StaleEdit(DelegationError):
    """Someone saved the section after this form was opened."""


# Assigning and the invitation link


def end_of_day(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(23, 59, 59)))


def delegation_assign(
    *,
    pep: Pep,
    email: str,
    expires_on: date,
    assigned_by: User,
    request: HttpRequest | None = None,
) -> Delegation:
    now = timezone.now()
    if end_of_day(expires_on) <= now:
        raise DelegationError("The delegation must end after today.")

    with transaction.atomic():
        Pep.objects.select_for_update().get(pk=pep.pk)
        if pep.delegations.filter(status=Delegation.Status.ASSIGNED).exists():
            raise DelegationError(
                "The school section is already delegated. Retract that delegation "
                "before delegating it again."
            )
        delegation = Delegation.objects.create(
            pep=pep,
            email=email.strip().lower(),
            assigned_by=assigned_by,
            assigned_at=now,
            expires_at=end_of_day(expires_on),
        )
        link = invitation_url(delegation, request)
        schedule.pep_step_done(pep, "delegate_school_section")
        transaction.on_commit(lambda: emails.send_invitation(delegation, link))

    logger.info(
        "Delegation %s of PEP %s assigned by user %s",
        delegation.pk,
        pep.pk,
        assigned_by.pk,
    )
    return delegation


def invitation_token(delegation: Delegation) -> str:
    return signing.dumps(
        {"d": delegation.pk, "n": delegation.token_nonce},
        salt=INVITATION_SALT,
        compress=True,
    )


def invitation_url(delegation: Delegation, request: HttpRequest | None) -> str:
    from django.conf import settings

    path = reverse("delegation:accept", args=[invitation_token(delegation)])
    if request is not None:
        return request.build_absolute_uri(path)
    return settings.SITE_URL.rstrip("/") + path


def delegation_from_token(token: str) -> Delegation | None:
    """The live delegation a link stands for; None for a forged, old or dead link."""
    try:
        payload = signing.loads(
            token, salt=INVITATION_SALT, max_age=TOKEN_MAX_AGE.total_seconds()
        )
        delegation_id, nonce = int(payload["d"]), str(payload["n"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None

    delegation = (
        Delegation.objects.select_related("pep")
        .filter(pk=delegation_id, token_nonce=nonce)
        .first()
    )
    if delegation is None:
        return None
    if not rules.is_live(delegation.status, delegation.expires_at, timezone.now()):
        return None
    return delegation


def delegation_open(delegation: Delegation, user: User) -> Delegation:
    """The invited teacher opens the link signed in under the invited address."""
    if user.email.lower() != delegation.email.lower():
        raise DelegationError("This invitation was sent to another e-mail address.")

    with transaction.atomic():
        delegation = Delegation.objects.select_for_update().get(pk=delegation.pk)
        if delegation.teacher_id not in (None, user.pk):
            raise DelegationError("This invitation has already been used.")
        if delegation.teacher_id is None:
            delegation.teacher = user
            delegation.opened_at = timezone.now()
            delegation.save(update_fields=["teacher", "opened_at"])
            logger.info("Delegation %s opened by user %s", delegation.pk, user.pk)
        grants_sync(delegation.pep, user)
    return delegation


# Retracting, submitting, expiring


def delegation_retract(delegation: Delegation, by: User) -> Delegation:
    with transaction.atomic():
        delegation = Delegation.objects.select_for_update().get(pk=delegation.pk)
        if delegation.status != Delegation.Status.ASSIGNED:
            raise DelegationError("Only a delegation still assigned can be retracted.")
        delegation.status = Delegation.Status.RETRACTED
        delegation.retracted_at = timezone.now()
        delegation.retracted_by = by
        delegation.token_nonce = ""  # nosec B105  # clears a token; not a password
        delegation.access_ended_at = delegation.retracted_at
        delegation.save()
        if delegation.teacher_id:
            grants_sync(delegation.pep, delegation.teacher)
        transaction.on_commit(lambda: emails.send_retraction_notice(delegation))

    logger.info("Delegation %s retracted by user %s", delegation.pk, by.pk)
    return delegation


def delegation_reopen_for_return(
    pep: Pep, sections: list[str], comment: str, actor: User
) -> Delegation | None:
    """The link teacher returned Section B or D: the school's task opens again.

    The teacher who submitted gets their edit grant back until a fresh expiry, and
    is told what to fix. With no submitted delegation there is nobody to reopen for,
    and the social worker resubmits the school sections instead.
    """
    delegation = (
        Delegation.objects.select_for_update()
        .filter(pep=pep, status=Delegation.Status.SUBMITTED, teacher__isnull=False)
        .order_by("-submitted_at")
        .first()
    )
    if delegation is None:
        return None

    now = timezone.now()
    today = timezone.localdate()
    delegation.status = Delegation.Status.ASSIGNED
    delegation.submitted_at = None
    delegation.access_ended_at = None
    delegation.expires_at = end_of_day(rules.default_expiry(today, today))
    delegation.save(
        update_fields=["status", "submitted_at", "access_ended_at", "expires_at"]
    )
    for section_model in (SectionB, SectionD):
        section_model.objects.filter(pep=pep).update(submitted_at=None)
    grants_sync(pep, delegation.teacher, now)
    transaction.on_commit(
        lambda: emails.send_returned_notice(delegation, sections, comment)
    )

    logger.info(
        "Delegation %s reopened: user %s returned sections %s of PEP %s",
        delegation.pk,
        actor.pk,
        sections,
        pep.pk,
    )
    return delegation


def school_section_facts(pep: Pep) -> rules.SchoolSectionFacts:
    section_b = SectionB.objects.get(pep=pep)
    section_d = SectionD.objects.get(pep=pep)
    answers = sum(
        1 for field in PUPIL_VOICE_FIELDS if getattr(section_b, field).strip()
    )
    return rules.SchoolSectionFacts(
        invited_to_contribute=section_b.invited_to_contribute,
        pupil_voice_answers=answers,
        attachments=pep.voice_attachments.count(),
        subject_rows=pep.subjects.count(),
        current_attendance_given=section_d.current_attendance is not None,
        new_targets=pep.targets.count(),
    )


def delegation_submit(delegation: Delegation, by: User) -> Delegation:
    with transaction.atomic():
        delegation = Delegation.objects.select_for_update().get(pk=delegation.pk)
        now = timezone.now()
        if not rules.is_live(delegation.status, delegation.expires_at, now):
            raise DelegationError("This delegation is no longer open for changes.")
        missing = rules.missing_parts(school_section_facts(delegation.pep))
        if missing:
            raise DelegationError(" ".join(f"{part}." for part in missing))

        for section_model in (SectionB, SectionD):
            section = section_model.objects.select_for_update().get(pep=delegation.pep)
            section.submitted_at = now
            section.updated_by = by
            section.version += 1
            section.save()
        if delegation.pep.status == Pep.Status.RETURNED:
            # The amended school sections go back to the link teacher for review,
            # while the teacher still holds the grant that lets them resubmit.
            from quality.services import pep_resubmit

            pep_resubmit(delegation.pep, by)
        delegation.status = Delegation.Status.SUBMITTED
        delegation.submitted_at = now
        delegation.save(update_fields=["status", "submitted_at"])
        schedule.pep_step_done(delegation.pep, "complete_school_section")
        grants_sync(delegation.pep, delegation.teacher)
        transaction.on_commit(lambda: emails.send_submitted_notice(delegation))

    logger.info("Delegation %s submitted by user %s", delegation.pk, by.pk)
    return delegation


def expire_delegations(now: datetime | None = None) -> dict[str, int]:
    """Close overdue delegations and end the access they gave. Safe to run again."""
    now = now or timezone.now()
    counts = {"expired": 0, "access_ended": 0, "imports_deleted": 0}

    overdue = Delegation.objects.filter(
        status=Delegation.Status.ASSIGNED, expires_at__lte=now
    ).values_list("pk", flat=True)
    for pk in list(overdue):
        with transaction.atomic():
            delegation = Delegation.objects.select_for_update().get(pk=pk)
            if delegation.status != Delegation.Status.ASSIGNED:
                continue
            delegation.status = Delegation.Status.EXPIRED
            delegation.access_ended_at = now
            delegation.save(update_fields=["status", "access_ended_at"])
            if delegation.teacher_id:
                grants_sync(delegation.pep, delegation.teacher, now)
        counts["expired"] += 1
        logger.info("Delegation %s expired", pk)

    finished = Delegation.objects.filter(
        status=Delegation.Status.SUBMITTED,
        submitted_at__lte=now - rules.SUBMITTED_KEPT_FOR,
        access_ended_at__isnull=True,
    ).values_list("pk", flat=True)
    for pk in list(finished):
        with transaction.atomic():
            delegation = Delegation.objects.select_for_update().get(pk=pk)
            if delegation.access_ended_at is not None:
                continue
            if delegation.teacher_id:
                grants_sync(delegation.pep, delegation.teacher, now)
            delegation.access_ended_at = now
            delegation.save(update_fields=["access_ended_at"])
        counts["access_ended"] += 1
        logger.info("Delegation %s left the tray 30 days after submission", pk)

    deleted, _ = TeacherCommentImport.objects.filter(
        created_at__lte=now - PENDING_IMPORT_KEPT_FOR
    ).delete()
    counts["imports_deleted"] = deleted
    return counts


def grants_sync(pep: Pep, teacher: User, now: datetime | None = None) -> None:
    """Make the teacher's grants on the PEP match what their delegations allow now."""
    now = now or timezone.now()
    due: set[str] = set()
    for delegation in Delegation.objects.filter(pep=pep, teacher=teacher):
        due |= rules.grants_due(
            delegation.status, delegation.expires_at, delegation.submitted_at, now
        )

    held = set(
        PepUserObjectPermission.objects.filter(
            user=teacher, content_object=pep
        ).values_list("permission__codename", flat=True)
    )
    for codename in (rules.VIEW_PEP, rules.COMPLETE_SCHOOL_SECTION):
        if codename in due and codename not in held:
            assign_perm(f"peps.{codename}", teacher, pep)
        elif codename not in due and codename in held:
            remove_perm(f"peps.{codename}", teacher, pep)


# What the teacher changes


def section_update(
    section: SectionB | SectionD,
    changes: Mapping[str, object],
    expected_version: int,
    by: User,
) -> None:
    """Save changed answers unless someone saved the section since the form opened."""
    with transaction.atomic():
        current = type(section).objects.select_for_update().get(pk=section.pk)
        if current.version != expected_version:
            raise StaleEdit(
                "Someone else saved this section after you opened this page. Your "
                "answers were not saved: open the page again to see theirs."
            )
        for field, value in changes.items():
            setattr(current, field, value)
        current.version += 1
        current.updated_by = by
        current.save()
    section.version = current.version


def section_d_touch(pep: Pep, expected_version: int, by: User) -> None:
    """Rows of Section D (subjects, targets) count as an edit of Section D."""
    section = SectionD.objects.get(pep=pep)
    section_update(section, {}, expected_version, by)


def attachment_add(
    delegation: Delegation, upload: CheckedUpload, description: str, by: User
) -> PupilVoiceAttachment:
    attachment = PupilVoiceAttachment.objects.create(
        pep=delegation.pep,
        file=upload.content,
        original_name=upload.original_name,
        content_type=upload.content_type,
        size=upload.size,
        description=description,
        uploaded_by=by,
    )
    logger.info(
        "Attachment %s added to PEP %s by user %s",
        attachment.pk,
        delegation.pep_id,
        by.pk,
    )
    return attachment


def attachment_remove(attachment: PupilVoiceAttachment, by: User) -> None:
    attachment.file.delete(save=False)
    logger.info("Attachment %s removed by user %s", attachment.pk, by.pk)
    attachment.delete()


def teacher_comments_preview(
    delegation: Delegation, file_bytes: bytes, filename: str, by: User
) -> TeacherCommentImport | list[str]:
    """Parse a teacher-comment export and keep it for confirmation; or the errors."""
    child = delegation.pep.child
    pupil = f"{child.forename} {child.surname}".strip()
    if not pupil:
        return [
            "The child has no name on record, so no row of the file can be matched "
            "to them. Ask the child's social worker to check the child's record."
        ]
    result = parse_teacher_comments(file_bytes, filename, expected_pupil=pupil)
    if result.is_refused:
        return list(result.errors)

    pending, _ = TeacherCommentImport.objects.update_or_create(
        delegation=delegation,
        defaults={
            "filename": filename[:200],
            "rows": [_row_as_dict(row) for row in result.rows],
            "rejected": [
                {"row_number": r.row_number, "reason": r.reason}
                for r in result.rejected
            ],
            "warnings": list(result.warnings),
            "ignored_headings": list(result.ignored_headings),
            "created_by": by,
        },
    )
    return pending


def _row_as_dict(row: TeacherCommentRow) -> dict[str, object]:
    return {
        "row_number": row.row_number,
        "subject": row.subject,
        "current_level": row.current_level,
        "target_level": row.target_level,
        "predicted_level": row.predicted_level,
        "working_at_are": row.working_at_are,
        "making_good_progress": row.making_good_progress,
        "comments": row.comments,
        "target": row.target_with_timescale,
    }


def _yes_no(value: object) -> str:
    if value is True:
        return SubjectProgress.OnTrack.YES
    if value is False:
        return SubjectProgress.OnTrack.NO
    return ""


@dataclass(frozen=True)
class ImportOutcome:
    subjects_added: int
    subjects_updated: int
    targets_added: int


def teacher_comments_confirm(delegation: Delegation, by: User) -> ImportOutcome:
    """Write the previewed rows: subject progress rows and suggested targets."""
    pep = delegation.pep
    with transaction.atomic():
        pending = (
            TeacherCommentImport.objects.select_for_update()
            .filter(delegation=delegation)
            .first()
        )
        if pending is None:
            raise DelegationError(
                "There is no previewed file to confirm. Upload the file again."
            )
        existing = {
            subject.subject.strip().lower(): subject
            for subject in SubjectProgress.objects.select_for_update().filter(pep=pep)
        }
        position = (pep.subjects.aggregate(top=Max("position"))["top"] or 0) + 1
        targets = set(pep.targets.values_list("target", flat=True))
        added = updated = targets_added = 0

        for row in pending.rows:
            name = str(row["subject"]).strip()
            values = {
                "current_level": str(row["current_level"])[:40],
                "target_level": str(row["target_level"])[:40],
                "predicted_level": str(row["predicted_level"])[:40],
                "on_track_for_are": _yes_no(row["working_at_are"]),
                "making_good_progress": _yes_no(row["making_good_progress"]),
                "comments": str(row["comments"]),
            }
            is_core = name.lower() in CORE_SUBJECTS
            subject = existing.get(name.lower())
            if subject is None:
                subject = SubjectProgress.objects.create(
                    pep=pep,
                    subject=name[:120],
                    is_core=is_core,
                    position=position,
                    **values,
                )
                existing[name.lower()] = subject
                position += 1
                added += 1
            else:
                for field, value in values.items():
                    setattr(subject, field, value)
                subject.save()
                updated += 1

            target_text = str(row["target"]).strip()
            if target_text and target_text not in targets:
                Target.objects.create(
                    pep=pep,
                    kind=Target.Kind.CORE if is_core else Target.Kind.ADDITIONAL,
                    subject_area=name[:120],
                    target=target_text,
                )
                targets.add(target_text)
                targets_added += 1

        section = SectionD.objects.select_for_update().get(pep=pep)
        section.version += 1
        section.updated_by = by
        section.save()
        pending.delete()

    logger.info(
        "Teacher comments imported into PEP %s: %d added, %d updated, %d targets",
        pep.pk,
        added,
        updated,
        targets_added,
    )
    return ImportOutcome(added, updated, targets_added)


def carer_contacts(pep: Pep) -> Iterable[Contact]:
    return pep.child.contacts.filter(
        kind=Contact.Kind.CARER, receives_copies=True
    ).exclude(email="")


def carer_copy_send(
    delegation: Delegation, contacts: Iterable[Contact], pdf: bytes, by: User
) -> list[CarerCopy]:
    if delegation.status != Delegation.Status.SUBMITTED:
        raise DelegationError("A copy can be sent only after the section is submitted.")

    sent = []
    now = timezone.now()
    for contact in contacts:
        emails.send_carer_copy(delegation, contact, pdf)
        sent.append(
            CarerCopy.objects.create(
                delegation=delegation,
                contact=contact,
                email=contact.email,
                sent_at=now,
                sent_by=by,
            )
        )
        logger.info(
            "Copy of the school section of PEP %s sent to contact %s",
            delegation.pep_id,
            contact.pk,
        )
    return sent
