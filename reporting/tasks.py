"""Celery tasks: refresh the reporting facts, and send the termly report.

Beat runs `refresh_reporting_facts` every ten minutes and `send_termly_report` every
weekday morning (reporting/migrations/0003_schedule.py). The report task works out for
itself whether today is the first working day after a term ended, so the schedule needs
no term dates, and it remembers which term each subscriber last received, so running it
twice sends nothing twice.
"""

from __future__ import annotations

import logging
from datetime import date, timedelta

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.http import Http404
from django.template.loader import render_to_string
from django.utils import timezone

from peps import cycle
from reporting import facts
from reporting.audiences import audience_for
from reporting.models import ReportSubscription, Term

logger = logging.getLogger(__name__)

TRANSIENT_ERRORS = (ConnectionError, TimeoutError, OSError)


@shared_task(
    name="reporting.tasks.refresh_reporting_facts",
    acks_late=True,
    time_limit=15 * 60,
    soft_time_limit=14 * 60,
)
def refresh_reporting_facts() -> dict[str, object]:
    refresh = facts.refresh_facts()
    return {
        "peps": refresh.peps,
        "children": refresh.children,
        "seconds": refresh.seconds,
    }


def report_due_for(today: date, terms: list[Term]) -> Term | None:
    """The term whose report is due today: today is the first working day after it."""
    for term in terms:
        first_working_day = term.ends_on + timedelta(days=1)
        while not cycle.is_working_day(first_working_day):
            first_working_day += timedelta(days=1)
        if first_working_day == today:
            return term
    return None


def _latest_ended(today: date) -> Term | None:
    ended = Term.objects.filter(ends_on__lt=today).order_by("-ends_on").first()
    return (
        ended
        or Term.objects.filter(starts_on__lte=today).order_by("-starts_on").first()
    )


@shared_task(
    name="reporting.tasks.send_termly_report",
    acks_late=True,
    autoretry_for=TRANSIENT_ERRORS,
    retry_backoff=60,
    max_retries=5,
    time_limit=30 * 60,
    soft_time_limit=25 * 60,
)
def send_termly_report(force: bool = False, term_id: int | str | None = None) -> int:
    """E-mail each subscriber the termly report of their own audience.

    On schedule (force=False) it sends only on the first working day after a term
    ends, once per subscriber and term. On demand (force=True) it sends the report of
    the given term, or of the latest term to have ended, to every subscriber.
    """
    from reporting.pdf import TermlyReport

    today = timezone.localdate()
    if term_id:
        term = Term.objects.filter(pk=int(term_id)).first()
    elif force:
        term = _latest_ended(today)
    else:
        term = report_due_for(today, list(Term.objects.all()))
    if term is None:
        logger.info("No termly report is due on %s", today.isoformat())
        return 0

    facts.refresh_facts(today)
    sent = 0
    subscriptions = ReportSubscription.objects.select_related("user").filter(
        user__is_active=True
    )
    for subscription in subscriptions:
        if not force and subscription.last_sent_term_id == term.pk:
            continue
        try:
            audience = audience_for(subscription.user)
        except Http404:
            logger.info(
                "Subscription %s skipped: user %s has no dashboards any more",
                subscription.pk,
                subscription.user_id,
            )
            continue
        narrowed = audience.narrowed_to(subscription.scope)
        if narrowed is None:
            logger.info(
                "Subscription %s skipped: its scope is not the user's", subscription.pk
            )
            continue

        pdf = TermlyReport(narrowed, term, today).render()
        context = {"user": subscription.user, "term": term, "audience": narrowed}
        message = EmailMessage(
            subject=render_to_string(
                "emails/reporting/termly_report_subject.txt", context
            ).strip(),
            body=render_to_string("emails/reporting/termly_report.txt", context),
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[subscription.user.email],
        )
        filename = f"termly-report-{term.name}".lower().replace(" ", "-")
        message.attach(f"{filename}.pdf", pdf, "application/pdf")
        message.send()

        with transaction.atomic():
            ReportSubscription.objects.filter(pk=subscription.pk).update(
                last_sent_at=timezone.now(), last_sent_term=term
            )
        sent += 1
        logger.info(
            "Termly report for term %s sent to user %s", term.pk, subscription.user_id
        )

    return sent
