"""Tables of figures: what a dashboard shows beside each chart, and what it exports."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from peps.cycle import format_date


@dataclass(frozen=True)
class Link:
    """A cell that links somewhere on screen and exports as its text."""

    text: Any
    url: str

    def __str__(self) -> str:
        return str(self.text)


@dataclass(frozen=True)
class Column:
    label: str
    numeric: bool = False


@dataclass
class Table:
    """A titled grid of cells; `slug` names it in export links."""

    slug: str
    title: str
    columns: list[Column]
    rows: list[list[Any]] = field(default_factory=list)
    note: str = ""
    csv_url: str = ""
    xlsx_url: str = ""

    def display_rows(self) -> list[list[dict[str, Any]]]:
        """Each cell as text, an optional link and whether it is a number."""
        return [
            [
                {
                    "text": _display(cell.text if isinstance(cell, Link) else cell),
                    "url": cell.url if isinstance(cell, Link) else "",
                    "numeric": column.numeric,
                }
                for cell, column in zip(row, self.columns, strict=False)
            ]
            for row in self.rows
        ]

    def plain_rows(self) -> list[list[Any]]:
        """The cells without links, for files."""
        return [
            [cell.text if isinstance(cell, Link) else cell for cell in row]
            for row in self.rows
        ]


def _display(value: Any) -> str:
    if value is None or value == "":
        return "–"
    if isinstance(value, date):
        return format_date(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return str(value)


@dataclass(frozen=True)
class Bar:
    label: str
    percent: int
    text: str
    tone: str = ""


@dataclass
class BarChart:
    """Bars whose lengths are whole percentages, drawn with the .app-bar--N classes."""

    title: str
    bars: list[Bar] = field(default_factory=list)


def percent_width(value: float | None) -> int:
    """A share 0..100 as a bar width class number, never outside 0..100."""
    if value is None:
        return 0
    return max(0, min(100, round(value)))


def share(part: int, whole: int) -> float | None:
    return None if not whole else 100 * part / whole


def format_percent(value: float | None) -> str:
    return "–" if value is None else f"{value:.0f}%"
