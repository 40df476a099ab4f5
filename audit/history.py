"""A PEP's versions, as the history page shows them: who changed what, and when.

simple_history keeps a full copy of a record at every save. This module gathers the
copies of a PEP, its sections and its rows (anything with history and a `pep`
foreign key, so models added later join in by themselves), pairs each copy with the
one before it and lists, per field, the old and the new value.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import formats, timezone
from simple_history.models import registered_models

from peps.models import Pep

# Bookkeeping that says nothing a reader of the history needs.
IGNORED_FIELDS = frozenset({"version", "updated_by", "updated_at", "created_at"})

CHANGE_LABELS = {"+": "Created", "~": "Changed", "-": "Deleted"}


@dataclass(frozen=True)
class FieldChange:
    label: str
    old: str
    new: str


@dataclass
class Entry:
    at: datetime
    user_id: int | None
    kind: str
    record: str
    object_id: Any
    history_id: int
    changes: list[FieldChange] = field(default_factory=list)
    earlier_version_missing: bool = False
    user_name: str = ""

    @property
    def kind_label(self) -> str:
        return CHANGE_LABELS.get(self.kind, self.kind)


def pep_history(pep: Pep) -> list[Entry]:
    """Every change to ``pep`` and to what belongs to it, newest first."""
    entries: list[Entry] = []
    for model, records in _historical_records(pep):
        by_object: dict[Any, list[Any]] = defaultdict(list)
        for record in records:
            by_object[record.id].append(record)
        for versions in by_object.values():
            entries.extend(_entries_for(model, versions))

    entries.sort(key=lambda entry: (entry.at, entry.history_id), reverse=True)
    _name_users(entries)
    return entries


def pep_models() -> list[type[models.Model]]:
    """Models with history that belong to a PEP: the PEP itself, then the rest."""
    found = [Pep]
    for model in sorted(registered_models.values(), key=lambda m: m._meta.label):
        if model is Pep:
            continue
        try:
            pep_field = model._meta.get_field("pep")
        except FieldDoesNotExist:
            continue
        if getattr(pep_field, "related_model", None) is Pep:
            found.append(model)
    return found


def _historical_records(pep: Pep) -> Iterator[tuple[type[models.Model], list[Any]]]:
    for model in pep_models():
        manager = getattr(model, model._meta.simple_history_manager_attribute)
        lookup = {"id": pep.pk} if model is Pep else {"pep_id": pep.pk}
        records = manager.filter(**lookup).order_by("history_date", "history_id")
        yield model, list(records)


def _entries_for(model: type[models.Model], versions: list[Any]) -> Iterator[Entry]:
    previous = None
    for version in versions:
        entry = Entry(
            at=version.history_date,
            user_id=version.history_user_id,
            kind=version.history_type,
            record=_record_name(model, version),
            object_id=version.id,
            history_id=version.history_id,
        )
        if version.history_type == "+" or (
            previous is None and version.history_type == "~"
        ):
            entry.changes = _all_values(model, version)
            entry.earlier_version_missing = version.history_type == "~"
        elif version.history_type == "-":
            entry.changes = [
                FieldChange(change.label, change.new, "")
                for change in _all_values(model, version)
            ]
        elif previous is not None:
            delta = version.diff_against(previous, excluded_fields=IGNORED_FIELDS)
            entry.changes = [
                FieldChange(
                    _label(model, change.field),
                    _shown(model, change.field, change.old),
                    _shown(model, change.field, change.new),
                )
                for change in delta.changes
            ]
        previous = version
        if entry.changes or entry.kind != "~":
            yield entry


def _all_values(model: type[models.Model], version: Any) -> list[FieldChange]:
    changes = []
    for model_field in _tracked_fields(model):
        value = getattr(version, model_field.attname)
        shown = _shown(model, model_field.name, value)
        if shown:
            changes.append(FieldChange(_label(model, model_field.name), "", shown))
    return changes


def _tracked_fields(model: type[models.Model]) -> Iterable[models.Field]:
    for model_field in model._meta.concrete_fields:
        if (
            model_field.editable
            and not model_field.primary_key
            and model_field.name not in IGNORED_FIELDS
            and model_field.name != "pep"
        ):
            yield model_field


def _record_name(model: type[models.Model], version: Any) -> str:
    name = str(model._meta.verbose_name)
    name = name[0].upper() + name[1:]
    first, _, last = name.rpartition(" ")
    if first and len(last) == 1:
        name = f"{first} {last.upper()}"  # "section b" is Section B
    if model is Pep or model._meta.get_field("pep").one_to_one:
        return name
    return f"{name} {version.id}"


def _label(model: type[models.Model], field_name: str) -> str:
    try:
        label = str(model._meta.get_field(field_name).verbose_name)
    except FieldDoesNotExist:
        return field_name.replace("_", " ").capitalize()
    return label[0].upper() + label[1:] if label else field_name


def _shown(model: type[models.Model], field_name: str, value: Any) -> str:
    """A stored value as a person reads it; blank stays blank."""
    if value is None or value == "":
        return ""
    try:
        model_field = model._meta.get_field(field_name)
    except FieldDoesNotExist:
        model_field = None

    if model_field is not None and model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if model_field is not None and model_field.is_relation:
        return _related_name(model_field, value)
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, datetime):
        return formats.date_format(timezone.localtime(value), "j F Y, H:i")
    if isinstance(value, date):
        return formats.date_format(value, "j F Y")
    if isinstance(value, Decimal):
        return f"{value:f}"
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False) if value else ""
    return str(value)


def _related_name(model_field: models.Field, value: Any) -> str:
    related = model_field.related_model
    found = related._base_manager.filter(pk=value).first()
    if found is not None:
        return str(found)
    label = str(related._meta.verbose_name)
    return f"{label[0].upper()}{label[1:]} {value} (removed)"


def _name_users(entries: list[Entry]) -> None:
    user_ids = {entry.user_id for entry in entries if entry.user_id}
    users = get_user_model().objects.in_bulk(user_ids)
    for entry in entries:
        if entry.user_id is None:
            entry.user_name = "The portal (import or scheduled job)"
        elif entry.user_id in users:
            entry.user_name = str(users[entry.user_id])
        else:
            entry.user_name = f"User {entry.user_id} (removed)"
