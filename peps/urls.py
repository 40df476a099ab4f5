from django.urls import path, register_converter

from peps import views


class SectionLetterConverter:
    """The sections with an edit screen here: a to d in the address, A to D inside."""

    regex = "[a-d]"

    def to_python(self, value: str) -> str:
        return value.upper()

    def to_url(self, value: str) -> str:
        return value.lower()


register_converter(SectionLetterConverter, "pep_section")

app_name = "peps"

urlpatterns = [
    path("", views.caseload, name="caseload"),
    path("<int:child_id>/", views.child_detail, name="child"),
    path("<int:child_id>/peps/new/", views.pep_create, name="pep_create"),
    path("peps/<int:pep_id>/", views.pep_detail, name="pep"),
    path(
        "peps/<int:pep_id>/section-<pep_section:letter>/",
        views.section_edit,
        name="section_edit",
    ),
]
