"""Operations that move a PEP through quality assurance, each under one transaction.

Every move locks the PEP row first (`select_for_update`), checks the pure rules in
`quality.workflow` against the locked row, changes it and writes a `Transition`, so two
people pressing buttons at once cannot both succeed.
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Iterable, Mapping
from datetime import date, datetime

from django.conf import settings
from django.core.mail import EmailMessage, send_mail
from django.db import transaction
from django.db.models import Max
from django.template.loader import render_to_string
from django.utils import timezone

from accounts.models import User
from peps import schedule
from peps.models import Contact, Enrolment, Pep, SectionB, SectionD
from quality import bands as band_rules
from quality import document, rubric, signals, workflow
from quality.access import school_has_delegate, workflow_actor
from quality.document import QualitySummary
from quality.facts import finalise_facts, school_delegates
from quality.models import (
    RUBRIC_KEYS,
    Band,
    CarerCopy,
    Measure,
    PublishedPep,
    SectionE,
    Transition,
)
from quality.workflow import Action, Problem, Status, WorkflowError

logger = logging.getLogger(__name__)

# The summary ratings of Section E, keyed as `quality.rubric` names them.
RATING_FIELDS = {
    "pupil_voice": "pupil_voice_rating",
    "care_planning": "care_planning_rating",
    "educational_targets": "targets_rating",
}

MEASURE_SCALES = {
    Measure.OVERALL: (band_rules.OVERALL, rubric.OVERALL_MAXIMUM),
    Measure.SOCIAL_CARE: (band_rules.SOCIAL_CARE, rubric.SOCIAL_CARE_MAXIMUM),
    Measure.EDUCATION: (band_rules.EDUCATION, rubric.EDUCATION_MAXIMUM),
}


def _locked(pep: Pep) -> Pep:
    return Pep.objects.select_for_update().select_related("child").get(pk=pep.pk)


def _check_allowed(action: Action, pep: Pep, actor: User) -> workflow.Actor:
    person = workflow_actor(actor, pep)
    allowed = workflow.may(
        action,
        pep.status,
        person,
        reopened=pep.reopened_sections,
        school_has_delegate=school_has_delegate(pep),
    )
    if not allowed:
        raise WorkflowError([workflow.refusal(action, pep.status)])
    return person


def _record(
    pep: Pep,
    action: Action,
    from_status: str,
    actor: User,
    *,
    comment: str = "",
    sections: Iterable[str] = (),
) -> Transition:
    return Transition.objects.create(
        pep=pep,
        action=action.value,
        from_status=from_status,
        to_status=pep.status,
        actor=actor,
        comment=comment,
        returned_sections=sorted(sections),
    )


def _mark_school_sections(pep: Pep, submitted_at: datetime | None) -> None:
    # The school's edit rights hang on Section B's submission time (see
    # peps.section_rules); Section D keeps the same time so both read alike.
    for name, model in (("section_b", SectionB), ("section_d", SectionD)):
        try:
            section = getattr(pep, name)
        except model.DoesNotExist:
            continue
        section.submitted_at = submitted_at
        section.save(update_fields=["submitted_at", "updated_at"])


@transaction.atomic
def pep_finalise(pep: Pep, actor: User, today: date | None = None) -> Pep:
    """Lock Sections A to D and send the PEP to the link teacher for review."""
    pep = _locked(pep)
    _check_allowed(Action.FINALISE, pep, actor)

    problems = workflow.finalise_problems(
        finalise_facts(pep), today or timezone.localdate()
    )
    if problems:
        raise WorkflowError(problems)

    from_status = pep.status
    pep.status = Status.FINALISED
    pep.finalised_at = timezone.now()
    pep.reopened_sections = []
    pep.save(update_fields=["status", "finalised_at", "reopened_sections"])
    _record(pep, Action.FINALISE, from_status, actor)
    schedule.pep_step_done(pep, "finalise")

    logger.info("PEP %s finalised by user %s", pep.pk, actor.pk)
    return pep


@transaction.atomic
def pep_return(pep: Pep, actor: User, sections: Collection[str], comment: str) -> Pep:
    """Reopen the named sections for amendment, saying what to fix."""
    pep = _locked(pep)
    _check_allowed(Action.RETURN, pep, actor)

    problems = workflow.return_problems(sections, comment)
    if problems:
        raise WorkflowError(problems)

    from_status = pep.status
    returned = sorted(set(sections))
    pep.status = Status.RETURNED
    pep.reopened_sections = returned
    pep.save(update_fields=["status", "reopened_sections"])
    to_school = bool(set(returned) & workflow.SCHOOL_SECTIONS)
    if to_school:
        _mark_school_sections(pep, None)
    transition = _record(
        pep, Action.RETURN, from_status, actor, comment=comment, sections=returned
    )

    if to_school:
        # The delegation app reopens its own task for the designated teacher.
        signals.school_sections_returned.send(
            sender=Pep, pep=pep, sections=returned, comment=comment, actor=actor
        )
    transaction.on_commit(lambda: _notify_return(transition.pk))

    logger.info("PEP %s returned by user %s: sections %s", pep.pk, actor.pk, returned)
    return pep


@transaction.atomic
def pep_resubmit(pep: Pep, actor: User) -> Pep:
    """Send back the returned sections this actor holds; the PEP goes back for review
    once no returned section is still out.

    The delegation app calls this when a designated teacher submits Sections B and D
    of a PEP that was returned to the school.
    """
    pep = _locked(pep)
    person = _check_allowed(Action.RESUBMIT, pep, actor)

    mine = workflow.resubmittable_sections(
        person, pep.reopened_sections, school_has_delegate=school_has_delegate(pep)
    )
    status, remaining = workflow.after_resubmit(pep.reopened_sections, mine)

    from_status = pep.status
    pep.status = status
    pep.reopened_sections = remaining
    pep.save(update_fields=["status", "reopened_sections"])
    if mine & workflow.SCHOOL_SECTIONS:
        _mark_school_sections(pep, timezone.now())
    _record(pep, Action.RESUBMIT, from_status, actor, sections=mine)

    if status == Status.FINALISED:
        transaction.on_commit(lambda: _notify_back_for_review(pep.pk))

    logger.info(
        "PEP %s: user %s resubmitted sections %s; %s still out",
        pep.pk,
        actor.pk,
        sorted(mine),
        remaining,
    )
    return pep


def current_bands() -> band_rules.RatingBands:
    """The bands in force, as an administrator last saved them.

    A data migration stores the defaults and `bands_replace` never leaves a measure
    without bands; only a database emptied by hand has none, and then the defaults
    apply.
    """
    rows = list(Band.objects.all())
    if not rows:
        return band_rules.DEFAULT_BANDS

    by_measure: dict[str, list[band_rules.Band]] = {m: [] for m in Measure.values}
    for row in rows:
        by_measure[row.measure].append(band_rules.Band(row.name, row.low, row.high))

    sets = {
        measure: band_rules.BandSet(label, maximum, tuple(by_measure[measure]))
        for measure, (label, maximum) in MEASURE_SCALES.items()
    }
    return band_rules.RatingBands(
        social_care=sets[Measure.SOCIAL_CARE],
        education=sets[Measure.EDUCATION],
        overall=sets[Measure.OVERALL],
    )


def section_e_scores(section: SectionE) -> dict[str, int | None]:
    return {key.upper(): getattr(section, f"score_{key}") for key in RUBRIC_KEYS}


def section_e_ratings(section: SectionE) -> dict[str, int | None]:
    return {key: getattr(section, field) for key, field in RATING_FIELDS.items()}


def section_e_rating(section: SectionE) -> rubric.Rating | None:
    """Totals and bands of a fully scored Section E, by today's bands; else None."""
    scores = section_e_scores(section)
    if any(score is None for score in scores.values()):
        return None
    return rubric.rate(scores, current_bands())  # type: ignore[arg-type]


@transaction.atomic
def section_e_save(
    pep: Pep,
    actor: User,
    values: Mapping[str, object],
    *,
    version: int,
    suggested: Mapping[str, object],
) -> SectionE:
    """Save the link teacher's Section E, refusing an edit made over someone else's.

    `version` is the version the form was opened at; `suggested` the portal's
    suggestions shown with it, kept beside the final scores.
    """
    _locked(pep)
    section, _ = SectionE.objects.select_for_update().get_or_create(pep=pep)
    if section.version != version:
        raise WorkflowError(
            [
                Problem(
                    "__all__",
                    "Someone else saved Section E after you opened it, so your "
                    "changes were not saved: reload the page to see theirs",
                )
            ]
        )

    for field, value in values.items():
        setattr(section, field, value)
    section.suggested_scores = dict(suggested)
    section.version += 1
    section.updated_by = actor
    section.save()

    logger.info("Section E of PEP %s saved by user %s", pep.pk, actor.pk)
    return section


@transaction.atomic
def pep_approve(pep: Pep, actor: User) -> PublishedPep:
    """Approve the PEP, store its rating and queue a new published version."""
    pep = _locked(pep)
    _check_allowed(Action.APPROVE, pep, actor)

    section, _ = SectionE.objects.select_for_update().get_or_create(pep=pep)
    problems = workflow.approve_problems(
        section_e_scores(section), section_e_ratings(section)
    )
    if problems:
        raise WorkflowError(problems)

    # Stored now so that later changes to the bands do not rewrite this rating.
    rating = section_e_rating(section)
    assert rating is not None  # nosec B101  # every score is present: checked above
    section.social_care_total = rating.social_care
    section.social_care_band = rating.social_care_band
    section.education_total = rating.education
    section.education_band = rating.education_band
    section.overall_total = rating.overall
    section.overall_band = rating.overall_band
    section.assessed_at = timezone.now()
    if section.link_teacher_id is None:
        section.link_teacher = actor
    section.save()

    from_status = pep.status
    pep.status = Status.APPROVED
    pep.approved_at = timezone.now()
    pep.reopened_sections = []
    pep.save(update_fields=["status", "approved_at", "reopened_sections"])
    _record(pep, Action.APPROVE, from_status, actor)
    schedule.pep_step_done(pep, "quality_assure")

    publication = publication_request(pep, actor)

    logger.info("PEP %s approved by user %s", pep.pk, actor.pk)
    return publication


def publication_request(pep: Pep, actor: User | None) -> PublishedPep:
    """Add the next published version of an approved PEP and queue its PDF."""
    from quality.tasks import render_pep_pdf

    latest = PublishedPep.objects.filter(pep=pep).aggregate(n=Max("version"))["n"]
    version = (latest or 0) + 1
    reason = (
        "Approved"
        if version == 1
        else f"Approved again after amendment (replaces version {version - 1})"
    )
    publication = PublishedPep.objects.create(
        pep=pep, version=version, reason=reason, requested_by=actor
    )
    transaction.on_commit(lambda: render_pep_pdf.delay(publication.pk))
    return publication


class BandsInvalid(ValueError):
    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__(" ".join(problems))


def band_problems(rows: Iterable[tuple[str, str, int, int]]) -> list[str]:
    """Every reason the proposed bands (measure, name, low, high) are unsound."""
    by_measure: dict[str, list[band_rules.Band]] = {m: [] for m in Measure.values}
    for measure, name, low, high in rows:
        by_measure[measure].append(band_rules.Band(name, low, high))

    problems = []
    for measure, (label, maximum) in MEASURE_SCALES.items():
        problems.extend(band_rules.validate_bands(label, maximum, by_measure[measure]))
    return problems


@transaction.atomic
def bands_replace(rows: list[tuple[str, str, int, int]], actor: User) -> None:
    """Replace every band at once, or none: each measure must cover 0..max once."""
    problems = band_problems(rows)
    if problems:
        raise BandsInvalid(problems)

    # Replaced rather than updated so that swapping two names cannot trip the
    # one-name-per-measure constraint half way through.
    Band.objects.all().delete()
    Band.objects.bulk_create(
        Band(measure=measure, name=name.strip(), low=low, high=high)
        for measure, name, low, high in rows
    )
    logger.info("Rating bands replaced by user %s", actor.pk)


def carer_contacts(pep: Pep) -> list[Contact]:
    return list(
        pep.child.contacts.filter(
            kind=Contact.Kind.CARER, receives_copies=True
        ).exclude(email="")
    )


@transaction.atomic
def carer_copy_send(
    pep: Pep, actor: User, contacts: Collection[Contact]
) -> list[CarerCopy]:
    """E-mail the latest published PDF to the chosen carers and record each copy."""
    pep = _locked(pep)
    person = workflow_actor(actor, pep)
    if not (person.is_allocated_social_worker or person.is_administrator):
        raise WorkflowError(
            [
                Problem(
                    "__all__",
                    "Only the child's social worker can send the PEP to the carers",
                )
            ]
        )
    publication = (
        PublishedPep.objects.filter(pep=pep).exclude(file="").order_by("-version")
    ).first()
    if pep.status != Status.APPROVED or publication is None:
        raise WorkflowError(
            [
                Problem(
                    "__all__",
                    "There is no published copy of this PEP to send yet",
                )
            ]
        )
    allowed = {contact.pk for contact in carer_contacts(pep)}
    chosen = [contact for contact in contacts if contact.pk in allowed]
    if not chosen:
        raise WorkflowError(
            [Problem("contacts", "Select the carers to send the PEP to")]
        )

    with publication.file.open("rb") as handle:
        pdf = handle.read()
    copies = []
    for contact in chosen:
        message = EmailMessage(
            subject=f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}Personal Education Plan",
            body=render_to_string(
                "emails/quality/carer_copy.txt",
                {"contact": contact, "pep": pep, "sender": actor},
            ),
            to=[contact.email],
        )
        filename = f"PEP-{pep.pk}-v{publication.version}.pdf"
        message.attach(filename, pdf, "application/pdf")
        message.send()
        copies.append(
            CarerCopy.objects.create(
                pep=pep, publication=publication, contact=contact, sent_by=actor
            )
        )
        logger.info(
            "Published PEP %s sent to contact %s by user %s",
            publication.pk,
            contact.pk,
            actor.pk,
        )
    return copies


def _notify_return(transition_id: int) -> None:
    transition = Transition.objects.select_related("pep", "pep__child").get(
        pk=transition_id
    )
    pep = transition.pep
    sections = set(transition.returned_sections)
    people: list[User] = []
    if sections & workflow.SOCIAL_CARE_SECTIONS or not school_has_delegate(pep):
        if pep.child.social_worker is not None:
            people.append(pep.child.social_worker)
    if sections & workflow.SCHOOL_SECTIONS:
        people.extend(school_delegates(pep))

    for person in {p.pk: p for p in people}.values():
        send_mail(
            f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}A PEP needs amending",
            render_to_string(
                "emails/quality/returned.txt",
                {
                    "person": person,
                    "pep": pep,
                    "transition": transition,
                    "site_url": settings.SITE_URL,
                },
            ),
            None,
            [person.email],
        )
    logger.info("Return of PEP %s notified to %s people", pep.pk, len(people))


def link_teacher_for(pep: Pep) -> User | None:
    """The link teacher of the child's current school, else of the PEP's school."""
    enrolment = (
        Enrolment.objects.filter(child_id=pep.child_id, ended_on__isnull=True)
        .select_related("school__link_teacher")
        .order_by("-started_on")
        .first()
    )
    if enrolment is not None and enrolment.school.link_teacher is not None:
        return enrolment.school.link_teacher
    return pep.school.link_teacher if pep.school else None


def _notify_back_for_review(pep_id: int) -> None:
    pep = Pep.objects.select_related("school__link_teacher").get(pk=pep_id)
    teacher = link_teacher_for(pep)
    if teacher is None:
        return
    send_mail(
        f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}An amended PEP is ready for review",
        render_to_string(
            "emails/quality/back_for_review.txt",
            {"person": teacher, "pep": pep, "site_url": settings.SITE_URL},
        ),
        None,
        [teacher.email],
    )


def quality_summary(pep: Pep) -> QualitySummary | None:
    """Section E as the PEP page shows it (see peps.views.pep_detail)."""
    return document.quality_summary(pep)
