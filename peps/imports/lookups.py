"""Small helpers for comparing a file with the stored rows in memory."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TypeVar

from django.db import models

T = TypeVar("T")

# SQLite before 3.32 allows 999 parameters in a query; batches stay well below.
BATCH_SIZE = 500


def in_batches(values: Iterable[T], size: int = BATCH_SIZE) -> Iterator[list[T]]:
    """The values in lists of at most `size`, for `__in` lookups of any length."""
    batch: list[T] = []
    for value in values:
        batch.append(value)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def max_length(model: type[models.Model], field_name: str) -> int:
    length = model._meta.get_field(field_name).max_length
    if length is None:
        raise ValueError(f"{model.__name__}.{field_name} has no maximum length.")
    return length


def change_reason(model: type[models.Model], text: str) -> str:
    """History's change reason, cut to fit its column (file paths can be long)."""
    history_model = model.history.model  # type: ignore[attr-defined]
    limit = max_length(history_model, "history_change_reason")
    return text if len(text) <= limit else text[: limit - 1] + "…"
