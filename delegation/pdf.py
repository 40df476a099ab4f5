"""The submitted school section (Sections B and D) as a PDF, for the teacher's records
and the carer's copy. The full PEP's PDF is the quality app's.
"""

from __future__ import annotations

from django.template.loader import render_to_string
from weasyprint import HTML

from delegation.models import Delegation
from delegation.presenting import school_section_context


class SchoolSectionPdf:
    template = "delegation/school_section_pdf.html"

    def __init__(self, delegation: Delegation) -> None:
        self.delegation = delegation

    def context(self) -> dict[str, object]:
        return school_section_context(self.delegation)

    def html(self) -> str:
        return render_to_string(self.template, self.context())

    def render(self) -> bytes:
        # No base URL: the template holds everything it needs and fetches nothing.
        return HTML(string=self.html()).write_pdf()

    @property
    def filename(self) -> str:
        return f"school-section-pep-{self.delegation.pep_id}.pdf"
