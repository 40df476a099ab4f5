"""Tables as CSV and Excel files, safe to open in a spreadsheet.

A cell that starts with =, +, - or @ (or a tab or carriage return, which some
spreadsheets skip before reading a formula) would be run as a formula when the file is
opened; such text gets an apostrophe in front so that it stays text. Numbers are
written as numbers, so a negative number is not touched.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.http import HttpResponse
from openpyxl import Workbook

from reporting.tables import Table

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def neutralise(value: Any) -> Any:
    """The cell as it should be written: text that could run as a formula is quoted."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, (int, float, Decimal, date, datetime)):
        return value
    text = str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def _rows(table: Table) -> Iterable[list[Any]]:
    yield [neutralise(column.label) for column in table.columns]
    for row in table.plain_rows():
        yield [neutralise(cell) for cell in row]


def csv_bytes(table: Table) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in _rows(table):
        writer.writerow(["" if cell is None else cell for cell in row])
    # A byte-order mark lets Excel read the pound sign and accents as UTF-8.
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def xlsx_bytes(table: Table) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=table.title[:31] or "Report")
    for row in _rows(table):
        sheet.append(
            [float(cell) if isinstance(cell, Decimal) else cell for cell in row]
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def response(table: Table, kind: str, filename: str) -> HttpResponse:
    """The table as a download; `kind` is csv or xlsx."""
    if kind == "csv":
        result = HttpResponse(csv_bytes(table), content_type="text/csv; charset=utf-8")
        extension = "csv"
    elif kind == "xlsx":
        result = HttpResponse(xlsx_bytes(table), content_type=XLSX_TYPE)
        extension = "xlsx"
    else:
        raise ValueError(f"Exports are CSV or Excel files, not {kind!r}.")
    result["Content-Disposition"] = f'attachment; filename="{filename}.{extension}"'
    return result
