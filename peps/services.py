"""Operations that change PEPs: each runs in one transaction and logs ids only."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.db import transaction

from accounts.models import User
from peps.forms import RowFormSet, SectionForm
from peps.models import Section

logger = logging.getLogger(__name__)

CONFLICT_MESSAGE = (
    "Someone else saved this section while you were editing. Your changes have not "
    "been saved; they are shown below so you can copy them across."
)


class SectionConflict(Exception):
    """The section was saved by someone else after this form was read."""


@transaction.atomic
def section_save(
    section: Section,
    form: SectionForm,
    user: User,
    expected_version: int,
    formsets: Iterable[RowFormSet] = (),
) -> Section:
    """Save a validated section form and its tables, unless the section has moved on.

    The form carries the version it was read at. The section row stays locked from the
    version check to the end of the save, so two people saving at once cannot both
    pass the check: the second is refused and keeps what they typed.
    """
    stored_version = (
        type(section)
        .objects.select_for_update()
        .values_list("version", flat=True)
        .get(pk=section.pk)
    )
    if stored_version != expected_version:
        logger.info(
            "Refused a stale save of %s %s: read at version %s, stored version %s",
            type(section).__name__,
            section.pk,
            expected_version,
            stored_version,
        )
        raise SectionConflict(CONFLICT_MESSAGE)

    section = form.save(commit=False)
    section.version = stored_version + 1
    section.updated_by = user
    # Only what the form holds: fields set elsewhere, such as a submission time,
    # are left as they are stored.
    section.save(
        update_fields=[*form.section_fields, "version", "updated_by", "updated_at"]
    )

    pep = form.pep
    pep_fields = [name for name in form.pep_fields if name in form.cleaned_data]
    if pep_fields:
        for name in pep_fields:
            setattr(pep, name, form.cleaned_data[name])
        pep.save(update_fields=[*pep_fields, "updated_at"])

    for formset in formsets:
        _rows_save(formset)

    logger.info(
        "Saved %s %s of PEP %s as version %s by user %s",
        type(section).__name__,
        section.pk,
        pep.pk,
        section.version,
        user.pk,
    )
    return section


def _rows_save(formset: RowFormSet) -> None:
    # New rows are created in page order, after the stored ones, so the rows' own
    # ordering (by id once other keys tie) keeps them as they were typed.
    for row in formset.save(commit=False):
        for name, value in formset.kind.items():
            setattr(row, name, value)
        row.save()
    for row in formset.deleted_objects:
        row.delete()
