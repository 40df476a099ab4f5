"""The school section's delegation, as staff see it on a PEP's page."""

from __future__ import annotations

from django import template

from delegation import access
from delegation.models import Delegation
from peps.models import Pep, SectionB

register = template.Library()


@register.inclusion_tag("delegation/includes/pep_delegation.html", takes_context=True)
def school_section_delegation(context: template.Context, pep: Pep) -> dict[str, object]:
    """Who has the school section and whether it is in; shown to those who delegate."""
    user = context["request"].user
    if not access.may_delegate(user, pep):
        return {"shown": False}
    section_b = SectionB.objects.filter(pep=pep).first()
    return {
        "shown": True,
        "pep": pep,
        "current": pep.delegations.filter(status=Delegation.Status.ASSIGNED).first(),
        "submitted_at": section_b.submitted_at if section_b else None,
    }
