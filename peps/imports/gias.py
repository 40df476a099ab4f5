"""Schools from a Get Information About Schools (GIAS) establishment extract.

Rows are matched to `School` by URN: a new URN is created, a known one updated when a
value differs, and left alone when every value read equals what is stored. Columns
are found by their headings, because the register's column set drifts between years:
a column missing from the file leaves that field of a known school as it is. The
portal's own fields (the designated teacher's details, the link teacher) are never
touched. One file is written in one transaction.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from peps.imports.fields import RowReader
from peps.imports.lookups import change_reason, in_batches, max_length
from peps.imports.reading import (
    CsvTable,
    FileRefused,
    ImportCounts,
    RowProblem,
    read_csv,
)
from peps.models import School

logger = logging.getLogger(__name__)

URN = "URN"
NAME = "EstablishmentName"
STATUS = "EstablishmentStatus (name)"
REQUIRED_HEADINGS = (URN, NAME, STATUS)

# School field -> GIAS heading, for the plain text columns.
TEXT_COLUMNS = {
    "establishment_type": "TypeOfEstablishment (name)",
    "establishment_type_group": "EstablishmentTypeGroup (name)",
    "phase": "PhaseOfEducation (name)",
    "street": "Street",
    "locality": "Locality",
    "address3": "Address3",
    "town": "Town",
    "county": "County (name)",
    "postcode": "Postcode",
    "telephone": "TelephoneNum",
    "website": "SchoolWebsite",
    # A string, not a number: codes such as 008 keep their leading zeros.
    "local_authority_code": "LA (code)",
    "local_authority_name": "LA (name)",
}
AGE_COLUMNS = {
    "statutory_low_age": "StatutoryLowAge",
    "statutory_high_age": "StatutoryHighAge",
}
DATE_COLUMNS = {"opened_on": "OpenDate", "closed_on": "CloseDate"}
HEAD_COLUMNS = ("HeadTitle (name)", "HeadFirstName", "HeadLastName")

STATUSES = {status.value.casefold(): status.value for status in School.Status}

# The largest URN the register has issued is six digits; PositiveIntegerField holds
# far more, and anything past that limit is a mistake, not a school.
MAX_URN = 2_147_483_647


@dataclass
class GiasResult:
    counts: ImportCounts = field(default_factory=ImportCounts)
    problems: list[RowProblem] = field(default_factory=list)


def import_schools(raw: bytes, source: str) -> GiasResult:
    """Create or update the schools of one extract; raise FileRefused to write none."""
    table = read_csv(raw, source)
    missing = table.missing(REQUIRED_HEADINGS)
    if missing:
        raise FileRefused(
            f"{source}: this is not a GIAS establishment extract: the required "
            f"heading(s) {', '.join(repr(heading) for heading in missing)} are "
            "missing."
        )

    result = GiasResult()
    result.problems.extend(table.malformed)
    rows = _read_rows(table, result)

    existing = _schools_by_urn(rows)
    created: list[School] = []
    changed: list[School] = []
    changed_fields: set[str] = set()
    now = timezone.now()
    for values in rows.values():
        school = existing.get(values["urn"])
        if school is None:
            created.append(School(**values, updated_at=now))
            continue
        differing = [
            name for name, value in values.items() if getattr(school, name) != value
        ]
        if not differing:
            result.counts.unchanged += 1
            continue
        for name in differing:
            setattr(school, name, values[name])
        school.updated_at = now
        changed.append(school)
        changed_fields.update(differing)

    reason = change_reason(School, f"GIAS import: {source}")
    with transaction.atomic():
        if created:
            bulk_create_with_history(created, School, default_change_reason=reason)
        if changed:
            bulk_update_with_history(
                changed,
                School,
                sorted(changed_fields | {"updated_at"}),
                default_change_reason=reason,
            )
    result.counts.created = len(created)
    result.counts.updated = len(changed)
    result.counts.rejected = len({problem.line for problem in result.problems})

    logger.info(
        "GIAS import of %s: created=%d updated=%d unchanged=%d rejected=%d",
        source,
        result.counts.created,
        result.counts.updated,
        result.counts.unchanged,
        result.counts.rejected,
    )
    return result


def _read_rows(table: CsvTable, result: GiasResult) -> dict[int, dict[str, Any]]:
    """Valid rows by URN; problems of the others go to the result."""
    headings = [URN, NAME, STATUS, *TEXT_COLUMNS.values(), *AGE_COLUMNS.values()]
    headings += [*DATE_COLUMNS.values(), *HEAD_COLUMNS]
    positions = {heading: table.find(heading) for heading in headings}

    rows: dict[int, dict[str, Any]] = {}
    first_line: dict[int, int] = {}
    for row in table.rows:
        reader = RowReader(row, positions)
        values = _school_values(reader)
        urn = values.get("urn")
        if urn is not None and urn in first_line:
            reader.problem(URN, f"URN {urn} is already on line {first_line[urn]}")
        if reader.problems:
            result.problems.extend(reader.problems)
            continue
        rows[urn] = values
        first_line[urn] = row.line
    return rows


def _school_values(reader: RowReader) -> dict[str, Any]:
    """The School fields this row gives; columns absent from the file are left out."""
    values: dict[str, Any] = {
        "urn": reader.whole_number(URN, minimum=1, maximum=MAX_URN, required=True),
        "name": reader.text(NAME, max_length=_max_length("name"), required=True),
        "status": reader.choice(STATUS, STATUSES, required=True),
    }
    for name, heading in TEXT_COLUMNS.items():
        if reader.has(heading):
            values[name] = reader.text(heading, max_length=_max_length(name))
    for name, heading in AGE_COLUMNS.items():
        if reader.has(heading):
            values[name] = reader.whole_number(heading, minimum=0, maximum=99)
    for name, heading in DATE_COLUMNS.items():
        if reader.has(heading):
            values[name] = reader.date(heading, separator="-")
    if any(reader.has(heading) for heading in HEAD_COLUMNS):
        head = " ".join(part for part in map(reader.raw, HEAD_COLUMNS) if part)
        if len(head) > _max_length("headteacher_name"):
            reader.problem(
                HEAD_COLUMNS[2],
                "the headteacher's title and names together are longer than "
                f"{_max_length('headteacher_name')} characters",
            )
        values["headteacher_name"] = head
    return values


def _max_length(name: str) -> int:
    return max_length(School, name)


def _schools_by_urn(rows: dict[int, dict[str, Any]]) -> dict[int, School]:
    schools: dict[int, School] = {}
    for urns in in_batches(rows):
        schools.update(
            (school.urn, school) for school in School.objects.filter(urn__in=urns)
        )
    return schools
