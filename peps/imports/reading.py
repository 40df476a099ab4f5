"""Turning an uploaded CSV file into rows, whatever program last saved it.

Files reach the portal from the DfE's download pages, from case-management exports and
from spreadsheets opened and saved again, so the same table can come as UTF-8 with or
without a byte-order mark, or as Windows-1252. Text that an earlier program decoded
the wrong way can also carry C1 control characters (U+0080 to U+009F) where a
Windows-1252 byte stood for a quotation mark or dash; they are put back here.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Protocol


class FileRefused(Exception):
    """The whole file is refused, with a message naming the file and the reason."""


@dataclass(frozen=True)
class RowProblem:
    """Why one row was rejected, said so that a person can find and fix it."""

    line: int
    message: str
    column: str = ""

    def __str__(self) -> str:
        if self.column:
            return f"line {self.line}, column {self.column}: {self.message}"
        return f"line {self.line}: {self.message}"


@dataclass
class ImportCounts:
    """What happened to the rows of one kind of record."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0

    def summary(self, label: str) -> str:
        return (
            f"{label}: created={self.created} updated={self.updated} "
            f"unchanged={self.unchanged} rejected={self.rejected}"
        )


@dataclass(frozen=True)
class CsvRow:
    """One data row: the line it starts on and its fields, stripped of spaces."""

    line: int
    fields: tuple[str, ...]


@dataclass(frozen=True)
class CsvTable:
    """A decoded CSV file: its headings, its well-formed rows and the malformed ones."""

    source: str
    headings: tuple[str, ...]
    rows: tuple[CsvRow, ...]
    malformed: tuple[RowProblem, ...] = field(default=())

    def find(self, heading: str) -> int | None:
        """The position of a heading, ignoring case and surrounding spaces."""
        wanted = _heading_key(heading)
        for position, name in enumerate(self.headings):
            if _heading_key(name) == wanted:
                return position
        return None

    def missing(self, headings: Iterable[str]) -> list[str]:
        return [heading for heading in headings if self.find(heading) is None]


def _heading_key(heading: str) -> str:
    return " ".join(heading.split()).casefold()


# Each C1 control character becomes the character its byte means in Windows-1252.
# Five bytes (0x81, 0x8D, 0x8F, 0x90, 0x9D) mean nothing there; a control character
# from one of them carries no text, so it is dropped.
def _c1_repairs() -> dict[int, str]:
    repairs = {}
    for code in range(0x80, 0xA0):
        try:
            repairs[code] = bytes([code]).decode("cp1252")
        except UnicodeDecodeError:
            repairs[code] = ""
    return repairs


C1_REPAIRS = _c1_repairs()


def repair_c1(text: str) -> str:
    """Put back the Windows-1252 characters that a mis-decoding left as C1 controls."""
    return text.translate(C1_REPAIRS)


def decode(raw: bytes, source: str) -> str:
    """UTF-8 (with or without a byte-order mark), else Windows-1252, else refused.

    Windows-1252 and not Latin-1: the register's downloads use bytes 0x80 to 0x9F for
    curly quotation marks and dashes, which Latin-1 would turn into control characters.
    """
    if b"\x00" in raw:
        raise FileRefused(
            f"{source}: the file holds NUL bytes, so it is not a CSV text file."
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = raw.decode("cp1252")
        except UnicodeDecodeError as error:
            raise FileRefused(
                f"{source}: the file is neither UTF-8 nor Windows-1252 text "
                f"(byte 0x{raw[error.start]:02X} at position {error.start})."
            ) from None
    return repair_c1(text)


def read_csv(raw: bytes, source: str) -> CsvTable:
    """Decode and split a CSV file whose first row holds the column headings."""
    text = decode(raw, source)
    reader = csv.reader(io.StringIO(text, newline=""))

    # csv refuses a field over its limit (128 KiB unless changed); no column we read
    # comes near that, so such a file is not the table it claims to be.
    try:
        lines = list(_numbered(reader))
    except csv.Error as error:
        raise FileRefused(
            f"{source}: line {reader.line_num} cannot be read as CSV ({error})."
        ) from None
    if not lines:
        raise FileRefused(f"{source}: the file is empty.")

    _, heading_fields = lines[0]
    headings = tuple(heading.strip() for heading in heading_fields)
    _refuse_repeated_headings(headings, source)

    rows: list[CsvRow] = []
    malformed: list[RowProblem] = []
    for line, fields in lines[1:]:
        if len(fields) != len(headings):
            malformed.append(
                RowProblem(
                    line,
                    f"the row has {len(fields)} fields where the headings have "
                    f"{len(headings)}",
                )
            )
            continue
        rows.append(CsvRow(line, tuple(value.strip() for value in fields)))

    return CsvTable(source, headings, tuple(rows), tuple(malformed))


class _LineReader(Protocol):
    line_num: int

    def __iter__(self) -> Iterator[list[str]]: ...


def _numbered(reader: _LineReader) -> Iterator[tuple[int, list[str]]]:
    """Rows with the line each starts on; blank lines are skipped."""
    previous_end = 0
    for fields in reader:
        start = previous_end + 1
        previous_end = reader.line_num
        if not fields or all(not value.strip() for value in fields):
            continue
        yield start, fields


def _refuse_repeated_headings(headings: Sequence[str], source: str) -> None:
    seen: set[str] = set()
    for heading in headings:
        key = _heading_key(heading)
        if key and key in seen:
            raise FileRefused(f"{source}: the heading {heading!r} appears twice.")
        seen.add(key)
