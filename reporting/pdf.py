"""The termly report as a PDF: the dashboard's tables and charts for one audience."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import timezone

from reporting import measures
from reporting.audiences import Audience
from reporting.models import PupilPremiumRate, Term
from reporting.tables import BarChart, Table


class TermlyReport:
    """Template, context, HTML, PDF: the same figures the dashboard shows."""

    template = "reporting/termly_report_pdf.html"

    def __init__(self, audience: Audience, term: Term, today: date) -> None:
        self.audience = audience
        self.term = term
        self.today = today

    def context(self) -> dict[str, Any]:
        from reporting import views

        scope = measures.Scope(self.audience)
        window = measures.TermWindow.of(self.term)
        previous = (
            Term.objects.filter(ends_on__lt=self.term.starts_on)
            .order_by("-ends_on")
            .first()
        )
        windows = [window] + ([measures.TermWindow.of(previous)] if previous else [])
        bands = measures.band_names()

        board = _ReportBoard(self.term, previous)
        completion = measures.completion(window, scope, self.today)
        qualities = measures.quality(windows, scope, bands)
        children = measures.children_summary(scope, self.today)
        priorities = measures.priority_summary(scope, self.today)
        premium = measures.pupil_premium_by_term([window], scope)[0]
        rate = PupilPremiumRate.objects.filter(
            financial_year=self.term.financial_year
        ).first()

        completion_table, completion_chart = views._completion_figures(
            board, completion
        )
        quality_tables, quality_charts = views._quality_figures(board, qualities, bands)
        tables: list[Table] = [
            completion_table,
            *quality_tables,
            views._children_table(board, children),
            views._priority_table(board, priorities),
            views._premium_summary_table(board, premium, rate),
        ]
        charts: list[BarChart] = [completion_chart, *quality_charts]
        return {
            "term": self.term,
            "audience": self.audience,
            "tables": tables,
            "charts": charts,
            "produced_at": timezone.localtime(),
        }

    def html(self) -> str:
        return render_to_string(self.template, self.context())

    def render(self) -> bytes:
        from weasyprint import CSS, HTML

        stylesheets = []
        portal_css = finders.find("css/portal.css")
        if portal_css:
            stylesheets.append(CSS(filename=portal_css))
        return HTML(string=self.html()).write_pdf(stylesheets=stylesheets)


class _ReportBoard:
    """What the shared table builders need from a dashboard, for a PDF (no links)."""

    def __init__(self, term: Term, previous_term: Term | None) -> None:
        self.term = term
        self.previous_term = previous_term

    def url(self, *args: Any, **kwargs: Any) -> str:
        return ""
