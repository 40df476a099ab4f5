"""Children and their care episodes from the Children Looked After return (SSDA903).

The return comes as one CSV file per table. This importer reads three of them and
recognises each by its columns, whatever the file is called:

- header: one row per child (CHILD, SEX, DOB, ETHNIC, UPN, MOTHER, MC_DOB);
- episodes: one row per episode of care (CHILD, DECOM, RNE, LS, CIN, PLACE, ...);
- OC2: one row per child with outcomes, of which the SDQ score is kept.

Children are matched by CHILD (`Child.local_child_id`), episodes by child and start
date (DECOM). Rows are validated against the published code lists; a row with a bad
value is rejected with its line, column and reason while the valid rows go in, and a
child whose header row is rejected brings none of their episodes or outcomes. A file
that cannot be read as one of the three tables is refused whole. All valid rows are
written in one transaction, after everything has been compared in memory; episodes
already stored but absent from the files are kept, as a return covers one year only.

The portal's own fields of a child (names, social worker, referral date, PEP due
date) are never touched. `care_started_on` is set from the child's episodes by
`peps.care_periods`.
"""

from __future__ import annotations

import enum
import logging
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from peps import care_periods
from peps.imports import ssda903_codes as codes
from peps.imports.fields import RowReader
from peps.imports.lookups import change_reason, in_batches, max_length
from peps.imports.reading import (
    CsvTable,
    FileRefused,
    ImportCounts,
    RowProblem,
    read_csv,
)
from peps.models import CareEpisode, Child

logger = logging.getLogger(__name__)


class TableKind(enum.StrEnum):
    HEADER = "header"
    EPISODES = "episodes"
    OC2 = "OC2"


TABLE_COLUMNS: dict[TableKind, tuple[str, ...]] = {
    TableKind.HEADER: ("CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB"),
    TableKind.EPISODES: (
        "CHILD",
        "DECOM",
        "RNE",
        "LS",
        "CIN",
        "PLACE",
        "PLACE_PROVIDER",
        "DEC",
        "REC",
        "REASON_PLACE_CHANGE",
        "HOME_POST",
        "PL_POST",
        "URN",
    ),
    TableKind.OC2: ("CHILD", "DOB", "SDQ_SCORE", "SDQ_REASON"),
}

CHILD_ID = re.compile(r"[A-Za-z0-9]+")
UPN = re.compile(r"[A-Z]\d{11}[0-9A-Z]")
# A full postcode, or only its outward half as some case-management systems export.
POSTCODE = re.compile(r"[A-Z]{1,2}[0-9][A-Z0-9]?(?: ?[0-9][A-Z]{2})?")
PLACEMENT_URN = re.compile(r"[A-Za-z0-9]+")
SDQ_MAXIMUM = 40

HEADER_FIELDS = (
    "sex",
    "date_of_birth",
    "ethnicity",
    "upn",
    "is_mother",
    "mother_child_date_of_birth",
)
EPISODE_FIELDS = (
    "reason_for_new_episode",
    "legal_status",
    "category_of_need",
    "placement_type",
    "placement_provider",
    "ended_on",
    "reason_ceased",
    "reason_place_change",
    "home_postcode",
    "placement_postcode",
    "placement_urn",
)


@dataclass
class Ssda903Result:
    """What an import did, file by file; problems hold row details for the user only."""

    children: ImportCounts = field(default_factory=ImportCounts)
    episodes: ImportCounts = field(default_factory=ImportCounts)
    outcomes_applied: int = 0
    outcomes_rejected: int = 0
    tables: dict[str, TableKind] = field(default_factory=dict)
    refused: list[str] = field(default_factory=list)
    problems: list[tuple[str, RowProblem]] = field(default_factory=list)


@dataclass
class _Changes:
    """What the import will write, worked out in memory before any write."""

    new_children: list[Child] = field(default_factory=list)
    changed_children: list[Child] = field(default_factory=list)
    changed_child_fields: set[str] = field(default_factory=set)
    new_episodes: dict[str, list[CareEpisode]] = field(default_factory=dict)
    changed_episodes: list[CareEpisode] = field(default_factory=list)
    changed_episode_fields: set[str] = field(default_factory=set)


@dataclass(frozen=True)
class _Row:
    """A validated row: its child, where it came from, and the values it gives."""

    line: int
    child_id: str
    values: dict[str, Any]


def recognise(table: CsvTable) -> TableKind:
    """Which table of the return a file is, by its columns; refused if none fits."""
    complete = [
        kind for kind, columns in TABLE_COLUMNS.items() if not table.missing(columns)
    ]
    if len(complete) == 1:
        return complete[0]
    if complete:
        names = " and ".join(str(kind) for kind in complete)
        raise FileRefused(
            f"{table.source}: the file has the columns of both the {names} tables; "
            "give each table in a file of its own."
        )

    def share(kind: TableKind) -> float:
        columns = TABLE_COLUMNS[kind]
        return (len(columns) - len(table.missing(columns))) / len(columns)

    closest = max(TABLE_COLUMNS, key=share)
    if share(closest) < 0.5:
        raise FileRefused(
            f"{table.source}: the file is not one of the tables this import reads "
            "(the header, episodes and OC2 tables of the SSDA903 return): its "
            "columns match none of them."
        )
    missing = ", ".join(table.missing(TABLE_COLUMNS[closest]))
    raise FileRefused(
        f"{table.source}: the file looks like the {closest} table of the SSDA903 "
        f"return but lacks the column(s) {missing}."
    )


def import_ssda903(files: Sequence[tuple[str, bytes]], *, today: date) -> Ssda903Result:
    """Import the given files (name, content); refused files are listed, not raised."""
    result = Ssda903Result()
    tables = _recognised_tables(files, result)

    headers, rejected_headers = _header_rows(
        tables.get(TableKind.HEADER), result, today
    )
    outcomes = _outcome_rows(tables.get(TableKind.OC2), result)
    episodes = _episode_rows(tables.get(TableKind.EPISODES), result, today)

    referenced = set(headers) | {row.child_id for row in episodes + outcomes}
    stored_children = _stored_children(referenced)
    known = (headers, rejected_headers, stored_children)
    episodes = _with_known_children(episodes, TableKind.EPISODES, tables, known, result)
    outcomes = _with_known_children(outcomes, TableKind.OC2, tables, known, result)
    outcomes = _matching_birth_dates(outcomes, tables, headers, stored_children, result)

    changes = _Changes()
    wanted = _wanted_children(headers, outcomes)
    stored_episodes = _stored_episodes(child.pk for child in stored_children.values())
    _plan_episodes(episodes, stored_children, stored_episodes, changes, result)
    children_with_episodes = {row.child_id for row in episodes}
    _set_care_starts(
        wanted,
        children_with_episodes,
        stored_children,
        stored_episodes,
        changes.new_episodes,
    )
    _plan_children(wanted, stored_children, changes, result)

    with transaction.atomic():
        _write(changes, stored_children, sources=", ".join(result.tables))

    result.children.created = len(changes.new_children)
    result.children.updated = len(changes.changed_children)
    result.episodes.created = sum(len(rows) for rows in changes.new_episodes.values())
    result.episodes.updated = len(changes.changed_episodes)
    result.outcomes_applied = len(outcomes)
    result.children.rejected = _rejected_lines(result, tables.get(TableKind.HEADER))
    result.episodes.rejected = _rejected_lines(result, tables.get(TableKind.EPISODES))
    result.outcomes_rejected = _rejected_lines(result, tables.get(TableKind.OC2))

    logger.info(
        "SSDA903 import of %s (%d refused): children created=%d updated=%d "
        "unchanged=%d rejected=%d; episodes created=%d updated=%d unchanged=%d "
        "rejected=%d",
        ", ".join(result.tables) or "no readable file",
        len(result.refused),
        result.children.created,
        result.children.updated,
        result.children.unchanged,
        result.children.rejected,
        result.episodes.created,
        result.episodes.updated,
        result.episodes.unchanged,
        result.episodes.rejected,
    )
    return result


def _recognised_tables(
    files: Sequence[tuple[str, bytes]], result: Ssda903Result
) -> dict[TableKind, CsvTable]:
    tables: dict[TableKind, CsvTable] = {}
    for source, raw in files:
        try:
            table = read_csv(raw, source)
            kind = recognise(table)
            if kind in tables:
                raise FileRefused(
                    f"{source}: {tables[kind].source} is already the {kind} table; "
                    "give each table once."
                )
        except FileRefused as refusal:
            result.refused.append(str(refusal))
            continue
        tables[kind] = table
        result.tables[source] = kind
        result.problems.extend((source, problem) for problem in table.malformed)
    return tables


def _positions(table: CsvTable, kind: TableKind) -> dict[str, int | None]:
    return {column: table.find(column) for column in TABLE_COLUMNS[kind]}


def _child_id(reader: RowReader) -> str:
    child_id = reader.text("CHILD", max_length=max_length(Child, "local_child_id"))
    if not reader.raw("CHILD"):
        reader.problem("CHILD", "is blank")
    elif child_id and not CHILD_ID.fullmatch(child_id):
        reader.problem("CHILD", f"{child_id!r} is not made of letters and digits only")
    return child_id


def _not_future(
    reader: RowReader, column: str, value: date | None, today: date
) -> None:
    if value is not None and value > today:
        reader.problem(column, f"{reader.raw(column)!r} is in the future")


def _header_rows(
    table: CsvTable | None, result: Ssda903Result, today: date
) -> tuple[dict[str, _Row], dict[str, int]]:
    """Valid header rows by child, and the line of each child's rejected row."""
    if table is None:
        return {}, {}
    positions = _positions(table, TableKind.HEADER)
    valid: dict[str, _Row] = {}
    rejected: dict[str, int] = {}
    for row in table.rows:
        reader = RowReader(row, positions)
        child_id = _child_id(reader)
        sex = reader.code("SEX", codes.SEX, required=True)
        date_of_birth = reader.date("DOB", separator="/", required=True)
        _not_future(reader, "DOB", date_of_birth, today)
        values = {
            "sex": codes.SEX.get(sex, ""),
            "date_of_birth": date_of_birth,
            "ethnicity": reader.code(
                "ETHNIC", codes.ETHNICITY, required=True, list_name="ethnicity"
            ),
            "upn": _upn(reader),
            "is_mother": _is_mother(reader),
            "mother_child_date_of_birth": reader.date("MC_DOB", separator="/"),
        }
        _not_future(reader, "MC_DOB", values["mother_child_date_of_birth"], today)
        if child_id in valid:
            reader.problem(
                "CHILD", f"CHILD {child_id!r} is already on line {valid[child_id].line}"
            )
        if reader.problems:
            result.problems.extend((table.source, p) for p in reader.problems)
            if child_id and child_id not in valid:
                rejected.setdefault(child_id, row.line)
            continue
        valid[child_id] = _Row(row.line, child_id, values)
    return valid, rejected


def _upn(reader: RowReader) -> str:
    value = reader.raw("UPN").upper()
    if not value:
        reader.problem("UPN", "is blank; give the UPN or one of the codes UN1 to UN5")
        return ""
    if value in codes.UPN_UNKNOWN or UPN.fullmatch(value):
        return value
    reader.problem(
        "UPN",
        f"{reader.raw('UPN')!r} is neither a UPN (a letter, 11 digits and a digit or "
        "letter) nor one of the codes UN1 to UN5",
    )
    return ""


def _is_mother(reader: RowReader) -> bool | None:
    value = reader.code("MOTHER", codes.MOTHER)
    if not value:
        return None
    return codes.MOTHER[value] == "1"


def _outcome_rows(table: CsvTable | None, result: Ssda903Result) -> list[_Row]:
    if table is None:
        return []
    positions = _positions(table, TableKind.OC2)
    rows: list[_Row] = []
    first_line: dict[str, int] = {}
    for row in table.rows:
        reader = RowReader(row, positions)
        child_id = _child_id(reader)
        date_of_birth = reader.date("DOB", separator="/", required=True)
        score = reader.whole_number("SDQ_SCORE", minimum=0, maximum=SDQ_MAXIMUM)
        reason = reader.code("SDQ_REASON", codes.SDQ_REASON, list_name="SDQ reason")
        if score is not None and reason:
            reader.problem(
                "SDQ_REASON",
                "is given as well as SDQ_SCORE; a reason is only for a missing score",
            )
        if child_id in first_line:
            reader.problem(
                "CHILD", f"CHILD {child_id!r} is already on line {first_line[child_id]}"
            )
        if reader.problems:
            result.problems.extend((table.source, p) for p in reader.problems)
            continue
        first_line[child_id] = row.line
        values: dict[str, Any] = {"date_of_birth": date_of_birth}
        # The latest return's outcome replaces the one before: a reason without a
        # score clears an older score, and neither leaves the stored ones alone.
        if score is not None:
            values.update(sdq_score=score, sdq_reason="")
        elif reason:
            values.update(sdq_score=None, sdq_reason=reason)
        rows.append(_Row(row.line, child_id, values))
    return rows


def _episode_rows(
    table: CsvTable | None, result: Ssda903Result, today: date
) -> list[_Row]:
    if table is None:
        return []
    positions = _positions(table, TableKind.EPISODES)
    rows: list[_Row] = []
    first_line: dict[tuple[str, date], int] = {}
    for row in table.rows:
        reader = RowReader(row, positions)
        child_id = _child_id(reader)
        started_on = reader.date("DECOM", separator="/", required=True)
        _not_future(reader, "DECOM", started_on, today)
        values = {
            "started_on": started_on,
            "reason_for_new_episode": reader.code(
                "RNE", codes.REASON_FOR_NEW_EPISODE, required=True
            ),
            "legal_status": reader.code("LS", codes.LEGAL_STATUS, required=True),
            "category_of_need": reader.code(
                "CIN", codes.CATEGORY_OF_NEED, required=True
            ),
            "placement_type": reader.code("PLACE", codes.PLACEMENT_TYPE, required=True),
            "placement_provider": reader.code(
                "PLACE_PROVIDER", codes.PLACEMENT_PROVIDER
            ),
            "ended_on": reader.date("DEC", separator="/"),
            # Kept as given even on an episode that has not ended (real returns carry
            # such values); the care-period rule reads REC only once DEC is set.
            "reason_ceased": reader.code("REC", codes.REASON_EPISODE_CEASED),
            "reason_place_change": reader.code(
                "REASON_PLACE_CHANGE", codes.REASON_PLACE_CHANGE
            ),
            "home_postcode": _postcode(reader, "HOME_POST"),
            "placement_postcode": _postcode(reader, "PL_POST"),
            "placement_urn": _placement_urn(reader),
        }
        _check_episode_end(reader, values)
        key = (child_id, started_on)
        if started_on is not None and key in first_line:
            reader.problem(
                "DECOM",
                f"CHILD {child_id!r} already has an episode starting "
                f"{started_on:%d/%m/%Y}, on line {first_line[key]}",
            )
        if reader.problems:
            result.problems.extend((table.source, p) for p in reader.problems)
            continue
        first_line[key] = row.line
        rows.append(_Row(row.line, child_id, values))
    return rows


def _check_episode_end(reader: RowReader, values: dict[str, Any]) -> None:
    started_on, ended_on = values["started_on"], values["ended_on"]
    if started_on is not None and ended_on is not None and ended_on < started_on:
        reader.problem(
            "DEC",
            f"{reader.raw('DEC')!r} is before the episode's start, DECOM "
            f"{reader.raw('DECOM')}",
        )
    if ended_on is not None and not reader.raw("REC"):
        reader.problem("REC", "is blank, but DEC says the episode ended")


def _postcode(reader: RowReader, column: str) -> str:
    value = " ".join(reader.raw(column).upper().split())
    if not value:
        return ""
    if len(value) > max_length(CareEpisode, "home_postcode") or not POSTCODE.fullmatch(
        value
    ):
        reader.problem(column, f"{reader.raw(column)!r} is not a postcode")
        return ""
    return value


def _placement_urn(reader: RowReader) -> str:
    value = reader.text("URN", max_length=max_length(CareEpisode, "placement_urn"))
    if value and not PLACEMENT_URN.fullmatch(value):
        reader.problem("URN", f"{value!r} is not an Ofsted URN (letters and digits)")
        return ""
    return value


def _stored_children(child_ids: Iterable[str]) -> dict[str, Child]:
    children: dict[str, Child] = {}
    for batch in in_batches(sorted(child_ids)):
        children.update(
            (child.local_child_id, child)
            for child in Child.objects.filter(local_child_id__in=batch)
        )
    return children


def _with_known_children(
    rows: list[_Row],
    kind: TableKind,
    tables: dict[TableKind, CsvTable],
    known: tuple[dict[str, _Row], dict[str, int], dict[str, Child]],
    result: Ssda903Result,
) -> list[_Row]:
    """Rows whose child is valid here or already stored; the others are rejected."""
    headers, rejected_headers, stored_children = known
    kept: list[_Row] = []
    for row in rows:
        if row.child_id in rejected_headers:
            header_source = tables[TableKind.HEADER].source
            message = (
                f"the header row of CHILD {row.child_id!r} (line "
                f"{rejected_headers[row.child_id]} of {header_source}) was rejected, "
                "so this row is left out too"
            )
        elif row.child_id not in headers and row.child_id not in stored_children:
            message = (
                f"CHILD {row.child_id!r} is neither in a header table given here nor "
                "already in the portal"
            )
        else:
            kept.append(row)
            continue
        result.problems.append(
            (tables[kind].source, RowProblem(row.line, message, "CHILD"))
        )
    return kept


def _matching_birth_dates(
    outcomes: list[_Row],
    tables: dict[TableKind, CsvTable],
    headers: dict[str, _Row],
    stored_children: dict[str, Child],
    result: Ssda903Result,
) -> list[_Row]:
    """OC2 rows whose DOB agrees with the child's, a guard against a mistyped CHILD."""
    kept: list[_Row] = []
    for row in outcomes:
        if row.child_id in headers:
            known = headers[row.child_id].values["date_of_birth"]
        else:
            known = stored_children[row.child_id].date_of_birth
        if row.values["date_of_birth"] == known:
            kept.append(row)
            continue
        result.problems.append(
            (
                tables[TableKind.OC2].source,
                RowProblem(
                    row.line,
                    f"{row.values['date_of_birth']:%d/%m/%Y} is not the date of birth "
                    f"of CHILD {row.child_id!r}",
                    "DOB",
                ),
            )
        )
    return kept


def _wanted_children(
    headers: dict[str, _Row], outcomes: list[_Row]
) -> dict[str, dict[str, Any]]:
    """The values each child should have after the import, by CHILD."""
    wanted: dict[str, dict[str, Any]] = {
        child_id: dict(row.values) for child_id, row in headers.items()
    }
    for row in outcomes:
        values = {
            name: row.values[name]
            for name in ("sdq_score", "sdq_reason")
            if name in row.values
        }
        wanted.setdefault(row.child_id, {}).update(values)
    return wanted


def _stored_episodes(child_pks: Iterable[int]) -> dict[int, dict[date, CareEpisode]]:
    episodes: dict[int, dict[date, CareEpisode]] = defaultdict(dict)
    for batch in in_batches(sorted(child_pks)):
        for episode in CareEpisode.objects.filter(child_id__in=batch):
            episodes[episode.child_id][episode.started_on] = episode
    return episodes


def _plan_episodes(
    rows: list[_Row],
    children: dict[str, Child],
    stored_episodes: dict[int, dict[date, CareEpisode]],
    changes: _Changes,
    result: Ssda903Result,
) -> None:
    """New episodes by CHILD, and stored ones changed in memory with their fields."""
    for row in rows:
        child = children.get(row.child_id)
        stored = None
        if child is not None:
            stored = stored_episodes[child.pk].get(row.values["started_on"])
        if stored is None:
            changes.new_episodes.setdefault(row.child_id, []).append(
                CareEpisode(**row.values)
            )
            continue
        differing = [
            name for name in EPISODE_FIELDS if getattr(stored, name) != row.values[name]
        ]
        if not differing:
            result.episodes.unchanged += 1
            continue
        for name in differing:
            setattr(stored, name, row.values[name])
        changes.changed_episodes.append(stored)
        changes.changed_episode_fields.update(differing)


def _set_care_starts(
    wanted: dict[str, dict[str, Any]],
    children_with_episodes: set[str],
    stored_children: dict[str, Child],
    stored_episodes: dict[int, dict[date, CareEpisode]],
    new_episodes: dict[str, list[CareEpisode]],
) -> None:
    """Add each child's care start, from stored and new episodes, to what is wanted.

    Children with no episode at all are left as they are: the return then says
    nothing about their care, and a start set by hand must not be wiped.
    """
    for child_id in set(wanted) | children_with_episodes:
        episodes: list[CareEpisode] = list(new_episodes.get(child_id, []))
        child = stored_children.get(child_id)
        if child is not None:
            episodes += stored_episodes[child.pk].values()
        if episodes:
            start = care_periods.current_care_start(episodes)
            wanted.setdefault(child_id, {})["care_started_on"] = start


def _plan_children(
    wanted: dict[str, dict[str, Any]],
    stored_children: dict[str, Child],
    changes: _Changes,
    result: Ssda903Result,
) -> None:
    for child_id, values in wanted.items():
        child = stored_children.get(child_id)
        if child is None:
            changes.new_children.append(Child(local_child_id=child_id, **values))
            continue
        differing = [
            name for name, value in values.items() if getattr(child, name) != value
        ]
        if not differing:
            result.children.unchanged += 1
            continue
        for name in differing:
            setattr(child, name, values[name])
        changes.changed_children.append(child)
        changes.changed_child_fields.update(differing)


def _write(
    changes: _Changes, stored_children: dict[str, Child], *, sources: str
) -> None:
    reason = change_reason(Child, f"SSDA903 import: {sources}")
    now = timezone.now()

    children = dict(stored_children)
    if changes.new_children:
        for child in changes.new_children:
            child.created_at = child.updated_at = now
        created = bulk_create_with_history(
            changes.new_children, Child, default_change_reason=reason
        )
        children.update((child.local_child_id, child) for child in created)
    if changes.changed_children:
        for child in changes.changed_children:
            child.updated_at = now
        bulk_update_with_history(
            changes.changed_children,
            Child,
            sorted(changes.changed_child_fields | {"updated_at"}),
            default_change_reason=reason,
        )

    episodes_to_create = []
    for child_id, episodes in changes.new_episodes.items():
        for episode in episodes:
            episode.child = children[child_id]
            episodes_to_create.append(episode)
    if episodes_to_create:
        bulk_create_with_history(
            episodes_to_create, CareEpisode, default_change_reason=reason
        )
    if changes.changed_episodes:
        bulk_update_with_history(
            changes.changed_episodes,
            CareEpisode,
            sorted(changes.changed_episode_fields),
            default_change_reason=reason,
        )


def _rejected_lines(result: Ssda903Result, table: CsvTable | None) -> int:
    if table is None:
        return 0
    return len(
        {problem.line for source, problem in result.problems if source == table.source}
    )
