"""The termly report: sent once after each term, each subscriber their own figures."""

from __future__ import annotations

import datetime as dt

import time_machine

from reporting import tasks
from reporting.audiences import Audience
from reporting.models import ReportSubscription, Term
from reporting.pdf import TermlyReport
from tests.reporting.conftest import TODAY


def test_the_report_is_due_on_the_first_working_day_after_a_term(db):
    terms = list(Term.objects.all())

    # Spring 2024-25 ends Mon 31 Mar 2025; Tue 1 Apr is a working day.
    assert tasks.report_due_for(dt.date(2025, 4, 1), terms).name == "Spring 2024-25"
    # Autumn 2024-25 ends Tue 31 Dec; 1 Jan is a bank holiday, so Thu 2 Jan.
    assert tasks.report_due_for(dt.date(2025, 1, 1), terms) is None
    assert tasks.report_due_for(dt.date(2025, 1, 2), terms).name == "Autumn 2024-25"
    assert tasks.report_due_for(dt.date(2025, 3, 10), terms) is None


def test_each_subscriber_receives_only_their_audiences_report_once(
    authority, mailoutbox
):
    ReportSubscription.objects.create(user=authority.governor)
    ReportSubscription.objects.create(user=authority.headteacher)
    # A subscription to teams the user does not manage is skipped.
    ReportSubscription.objects.create(
        user=authority.headteacher, scope=ReportSubscription.Scope.TEAMS
    )

    with time_machine.travel("2025-04-01 07:00 +01:00", tick=False):
        assert tasks.send_termly_report() == 2
        assert tasks.send_termly_report() == 0  # already sent for this term

    recipients = sorted(message.to[0] for message in mailoutbox)
    assert recipients == sorted([authority.governor.email, authority.headteacher.email])
    for message in mailoutbox:
        assert message.subject == "Termly PEP report: Spring 2024-25"
        name, content, kind = message.attachments[0]
        assert name == "termly-report-spring-2024-25.pdf"
        assert kind == "application/pdf"
        assert content.startswith(b"%PDF")


def test_the_report_holds_the_audiences_numbers_only(authority):
    school_b = Audience(school_ids=frozenset({authority.school_b.pk}), description="B")
    whole = Audience(whole_authority=True, description="All")
    term = Term.objects.get(name="Spring 2024-25")

    for_school = TermlyReport(school_b, term, TODAY).context()
    for_all = TermlyReport(whole, term, TODAY).context()

    def peps_due(context):
        return context["tables"][0].note

    assert peps_due(for_school) == "2 PEPs were due in Spring 2024-25."
    assert peps_due(for_all) == "4 PEPs were due in Spring 2024-25."


def test_the_report_renders_as_a_pdf(authority):
    term = Term.objects.get(name="Spring 2024-25")

    pdf = TermlyReport(Audience(whole_authority=True, description="All"), term, TODAY)

    assert pdf.render().startswith(b"%PDF")
