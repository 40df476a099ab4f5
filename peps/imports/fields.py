"""Reading typed values out of one CSV row, collecting every problem on the way.

An importer asks a `RowReader` for each column in turn; a bad value is recorded as a
`RowProblem` naming the line, the column and the value, and the caller gets a blank
stand-in so that it can go on to check the row's other columns. A row with any
problem is rejected whole.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date

from peps.imports.reading import CsvRow, RowProblem

_DATE_FORMATS = {
    "/": re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})"),
    "-": re.compile(r"(\d{1,2})-(\d{1,2})-(\d{4})"),
}


class RowReader:
    """Typed access to one row's columns by their headings."""

    def __init__(self, row: CsvRow, positions: Mapping[str, int | None]) -> None:
        self.row = row
        self.positions = positions
        self.problems: list[RowProblem] = []

    def has(self, column: str) -> bool:
        return self.positions.get(column) is not None

    def raw(self, column: str) -> str:
        position = self.positions.get(column)
        return "" if position is None else self.row.fields[position]

    def problem(self, column: str, message: str) -> None:
        self.problems.append(RowProblem(self.row.line, message, column))

    def text(self, column: str, *, max_length: int, required: bool = False) -> str:
        value = self.raw(column)
        if required and not value:
            self.problem(column, "is blank")
            return ""
        if len(value) > max_length:
            self.problem(
                column,
                f"is {len(value)} characters long; at most {max_length} fit",
            )
            return ""
        return value

    def date(
        self, column: str, *, separator: str, required: bool = False
    ) -> date | None:
        """A day-month-year date such as 31/01/2024 (separator "/") or 31-01-2024."""
        value = self.raw(column)
        if not value:
            if required:
                self.problem(column, "is blank")
            return None
        shape = f"dd{separator}mm{separator}yyyy"
        match = _DATE_FORMATS[separator].fullmatch(value)
        if match is None:
            self.problem(column, f"{value!r} is not a date ({shape})")
            return None
        day, month, year = (int(part) for part in match.groups())
        try:
            return date(year, month, day)
        except ValueError:
            self.problem(column, f"{value!r} is not a date ({shape})")
            return None

    def whole_number(
        self,
        column: str,
        *,
        minimum: int,
        maximum: int,
        required: bool = False,
    ) -> int | None:
        """A whole number; "12.0", as spreadsheets write whole numbers, is accepted."""
        value = self.raw(column)
        if not value:
            if required:
                self.problem(column, "is blank")
            return None
        match = re.fullmatch(r"(\d+)(?:\.0+)?", value)
        if match is None:
            self.problem(column, f"{value!r} is not a whole number")
            return None
        number = int(match.group(1))
        if not minimum <= number <= maximum:
            self.problem(
                column, f"{value!r} is outside the range {minimum} to {maximum}"
            )
            return None
        return number

    def code(
        self,
        column: str,
        codes: Mapping[str, str],
        *,
        required: bool = False,
        list_name: str = "",
    ) -> str:
        """A code from a published list, matched without regard to case."""
        value = self.raw(column).upper()
        if not value:
            if required:
                self.problem(column, "is blank")
            return ""
        if value not in codes:
            self.problem(
                column,
                f"{self.raw(column)!r} is not a code of the {list_name or column} list",
            )
            return ""
        return value

    def choice(
        self, column: str, choices: Mapping[str, str], *, required: bool = False
    ) -> str:
        """A value from a fixed set, given in any case; returns the stored value."""
        value = self.raw(column)
        if not value:
            if required:
                self.problem(column, "is blank")
            return ""
        stored = choices.get(value.casefold())
        if stored is None:
            allowed = ", ".join(
                repr(label) for label in dict.fromkeys(choices.values())
            )
            self.problem(column, f"{value!r} is not one of {allowed}")
            return ""
        return stored
