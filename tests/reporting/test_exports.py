"""Exports: every cell that a spreadsheet would run as a formula stays text."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from reporting import exports
from reporting.tables import Column, Link, Table


@pytest.mark.parametrize(
    ("cell", "written"),
    [
        ("=1+1", "'=1+1"),
        ("+44 113 000 0000", "'+44 113 000 0000"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("Alder Primary", "Alder Primary"),
        ("", ""),
        (None, ""),
        (-3, -3),
        (Decimal("-12.50"), Decimal("-12.50")),
        (dt.date(2025, 3, 10), dt.date(2025, 3, 10)),
        (True, "Yes"),
    ],
)
def test_cells_are_neutralised_only_where_they_could_run_as_formulas(cell, written):
    assert exports.neutralise(cell) == written


def dangerous_table() -> Table:
    return Table(
        slug="schools",
        title="Schools",
        columns=[Column("=School"), Column("Committed (£)", numeric=True)],
        rows=[
            [
                Link('=HYPERLINK("http://example.invalid","Click")', "/x/"),
                Decimal("-5"),
            ],
            ["@cmd", 3],
        ],
    )


def test_csv_export_quotes_formulas_in_headings_and_cells():
    content = exports.csv_bytes(dangerous_table()).decode("utf-8-sig")

    rows = list(csv.reader(io.StringIO(content)))
    assert rows == [
        ["'=School", "Committed (£)"],
        ['\'=HYPERLINK("http://example.invalid","Click")', "-5"],
        ["'@cmd", "3"],
    ]


def test_excel_export_keeps_formulas_as_text_and_numbers_as_numbers():
    sheet = load_workbook(io.BytesIO(exports.xlsx_bytes(dangerous_table()))).active

    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values == [
        ["'=School", "Committed (£)"],
        ['\'=HYPERLINK("http://example.invalid","Click")', -5],
        ["'@cmd", 3],
    ]
    assert sheet["A2"].data_type == "s"


def test_an_unknown_export_kind_is_refused_with_its_name():
    with pytest.raises(ValueError, match="'pdf'"):
        exports.response(dangerous_table(), "pdf", "schools")
