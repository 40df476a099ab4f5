"""Generated bad input never makes the portal fail: it is refused with a message.

Property-based: hypothesis writes the inputs. Each test states what must hold for
every input, however malformed.
"""

from __future__ import annotations

import csv
import io
import zipfile

import openpyxl
import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from delegation.teacher_comments import (
    FIELDS,
    ParseResult,
    parse_teacher_comments,
)
from tests.conftest import client_for

FUZZ = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

PUPIL = "Alex Testchild"
HEADINGS = [field.heading for field in FIELDS]
FILENAMES = st.one_of(
    st.sampled_from(["comments.csv", "comments.xlsx", "x", "", "../../etc/passwd"]),
    st.text(max_size=80),
)
# Cells that look like what teachers type, and what breaks parsers.
CELLS = st.one_of(
    st.sampled_from(
        [
            PUPIL,
            "alex testchild",
            "Maths",
            "Yes",
            "no",
            "Y",
            "Yes;No;",
            "",
            "=1+1",
            "@SUM(A1)",
            "-3",
            "+44",
            "\u202eevil",
            "6-",
            "4",
            "N/A",
        ]
    ),
    st.text(max_size=40),
)


def _assert_a_documented_result(result: ParseResult) -> None:
    assert isinstance(result, ParseResult)
    if result.is_refused:
        assert all(isinstance(error, str) and error for error in result.errors)
        assert not result.rows
    for row in result.rows:
        assert row.row_number >= 2
        assert row.subject.strip()
    for rejected in result.rejected:
        assert rejected.reason.startswith(f"Row {rejected.row_number}:")


@FUZZ
@given(data=st.binary(max_size=4096), filename=FILENAMES)
def test_the_teacher_comment_parser_answers_any_bytes_with_a_result(data, filename):
    _assert_a_documented_result(parse_teacher_comments(data, filename, PUPIL))


@FUZZ
@given(
    rows=st.lists(st.lists(CELLS, max_size=12), max_size=15),
    headings=st.lists(st.sampled_from(HEADINGS + ["ID", "Email", ""]), max_size=12),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16"]),
    delimiter=st.sampled_from([",", ";", "\t", "|"]),
)
def test_the_teacher_comment_parser_answers_any_near_valid_csv(
    rows, headings, encoding, delimiter
):
    text = io.StringIO()
    writer = csv.writer(text, delimiter=delimiter)
    writer.writerow(headings)
    writer.writerows(rows)
    data = text.getvalue().encode(encoding, errors="replace")

    _assert_a_documented_result(parse_teacher_comments(data, "comments.csv", PUPIL))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    rows=st.lists(
        st.lists(st.one_of(CELLS, st.integers(), st.floats(), st.none()), max_size=10),
        max_size=8,
    ),
    headings=st.lists(st.sampled_from(HEADINGS + ["ID", "Name"]), max_size=10),
)
def test_the_teacher_comment_parser_answers_any_workbook(rows, headings):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(headings)
    for row in rows:
        sheet.append([_cell(value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)

    _assert_a_documented_result(
        parse_teacher_comments(buffer.getvalue(), "comments.xlsx", PUPIL)
    )


def _cell(value):
    if isinstance(value, str):
        # openpyxl itself refuses control characters in cells; a real export has none.
        return "".join(ch for ch in value if ch >= " " or ch in "\t\n\r")
    return value


@FUZZ
@given(
    members=st.dictionaries(
        st.sampled_from(
            [
                "[Content_Types].xml",
                "xl/workbook.xml",
                "xl/worksheets/sheet1.xml",
                "xl/_rels/workbook.xml.rels",
                "_rels/.rels",
                "xl/sharedStrings.xml",
            ]
        ),
        st.binary(max_size=300),
        max_size=6,
    )
)
def test_the_teacher_comment_parser_answers_any_broken_workbook(members):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in members.items():
            archive.writestr(name, content)

    _assert_a_documented_result(
        parse_teacher_comments(buffer.getvalue(), "comments.xlsx", PUPIL)
    )


# Importers ---------------------------------------------------------------------
# They write to the database, so each example runs inside the test's transaction;
# fewer examples keep the run short.

IMPORT_FUZZ = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.function_scoped_fixture,
        HealthCheck.data_too_large,
    ],
)

GIAS_HEADINGS = [
    "URN",
    "EstablishmentName",
    "EstablishmentStatus (name)",
    "TypeOfEstablishment (name)",
    "PhaseOfEducation (name)",
    "StatutoryLowAge",
    "StatutoryHighAge",
    "OpenDate",
    "CloseDate",
    "Postcode",
    "LA (code)",
    "HeadFirstName",
]
SSDA903_TABLES = {
    "header.csv": ["CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB"],
    "episodes.csv": [
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
    ],
    "oc2.csv": ["CHILD", "DOB", "SDQ_SCORE", "SDQ_REASON"],
}
# Values of the kinds the return holds, right and wrong, beside arbitrary text.
RETURN_CELLS = st.one_of(
    st.sampled_from(
        [
            "566910",
            "1",
            "2",
            "27/03/2008",
            "31/02/2020",
            "2008-03-27",
            "99/99/9999",
            "WBRI",
            "C2",
            "N3",
            "T2",
            "PR0",
            "X1",
            "L",
            "S",
            "U1",
            "LS27 9FW",
            "ZZ",
            "D051910639385",
            "A12345678901",
            "SDQ1",
            "41",
            "-1",
            "Open",
            "Closed",
            "Hunslet Nursery School",
            "107806",
            "0",
            "2147483648",
            "31-08-1998",
            "",
        ]
    ),
    st.text(max_size=30),
)


def _csv_bytes(headings: list[str], rows: list[list[str]], encoding: str) -> bytes:
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(headings)
    writer.writerows(rows)
    return text.getvalue().encode(encoding, errors="replace")


@IMPORT_FUZZ
@given(data=st.binary(max_size=3000))
def test_the_school_import_answers_any_bytes_with_a_result_or_a_refusal(db, data):
    from peps.imports.gias import GiasResult, import_schools
    from peps.imports.reading import FileRefused

    try:
        result = import_schools(data, "edubase.csv")
    except FileRefused as refusal:
        assert str(refusal).startswith("edubase.csv")
    else:
        assert isinstance(result, GiasResult)


@IMPORT_FUZZ
@given(
    headings=st.lists(st.sampled_from(GIAS_HEADINGS), min_size=3, max_size=12),
    rows=st.lists(st.lists(RETURN_CELLS, max_size=12), max_size=8),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]),
)
def test_the_school_import_answers_any_near_valid_extract(db, headings, rows, encoding):
    from peps.imports.gias import GiasResult, import_schools
    from peps.imports.reading import FileRefused

    data = _csv_bytes(headings, rows, encoding)

    try:
        result = import_schools(data, "edubase.csv")
    except FileRefused as refusal:
        assert str(refusal).startswith("edubase.csv")
    else:
        assert isinstance(result, GiasResult)
        for problem in result.problems:
            assert problem.line >= 2 and problem.message


@IMPORT_FUZZ
@given(
    tables=st.dictionaries(
        st.sampled_from(sorted(SSDA903_TABLES)),
        st.tuples(
            st.lists(RETURN_CELLS, max_size=14),
            st.lists(st.lists(RETURN_CELLS, max_size=14), max_size=6),
            st.booleans(),
        ),
        min_size=1,
        max_size=3,
    ),
    raw=st.one_of(st.none(), st.binary(max_size=500)),
)
def test_the_care_import_answers_any_files_with_a_result(db, tables, raw):
    import datetime

    from peps.imports.ssda903 import Ssda903Result, import_ssda903

    files = []
    for name, (extra_headings, rows, keep_headings) in tables.items():
        headings = SSDA903_TABLES[name] if keep_headings else extra_headings
        files.append((name, _csv_bytes(headings, rows, "utf-8")))
    if raw is not None:
        files.append(("raw.csv", raw))

    result = import_ssda903(files, today=datetime.date(2026, 3, 31))

    assert isinstance(result, Ssda903Result)
    for source, problem in result.problems:
        assert source and problem.message


# Forms -------------------------------------------------------------------------
# Whatever is posted into the portal's forms, the answer is the page again with
# messages, or a redirect after saving: never a server error.

FORM_VALUES = st.one_of(
    st.text(max_size=60),
    st.text(min_size=300, max_size=3000),
    st.sampled_from(
        [
            "",
            " ",
            "0",
            "-1",
            "1e309",
            "NaN",
            "99999999999999999999",
            "12.345",
            "£1,250.50",
            "250",
            "31/02/2024",
            "2024-13-01",
            "29/02/2023",
            "0000-00-00",
            "yes",
            "no",
            "not_applicable",
            "ehcp",
            "Year 7",
            "secondary",
            "on",
            "abc",
            "\x00",
            "<script>alert(1)</script>",
            "' OR 1=1 --",
            "9" * 40,
        ]
    ),
)


def _post_into(client, url: str, data) -> int:
    from benchmarks.load.html_forms import main_form

    # Drawn before the page is read, and by position rather than by field name: an
    # earlier example's save can add rows, and what is drawn must not depend on that.
    picks = data.draw(
        st.dictionaries(
            st.integers(min_value=0, max_value=999), FORM_VALUES, max_size=40
        )
    )

    page = client.get(url)
    assert page.status_code == 200, url
    form = main_form(page.content.decode())
    names = sorted({name for name, _ in form.data() if name != "csrfmiddlewaretoken"})
    chosen = {names[position % len(names)]: value for position, value in picks.items()}
    sent: dict[str, list[str]] = {}
    for name, value in form.data():
        sent.setdefault(name, []).append(chosen.get(name, value))
    return client.post(url, sent).status_code


@pytest.fixture
def signed_in_social_worker(client, social_worker):
    return client_for(client, social_worker)


@IMPORT_FUZZ
@given(data=st.data(), letter=st.sampled_from("ABCD"))
def test_no_input_into_a_section_form_causes_a_server_error(
    signed_in_social_worker, pep, data, letter
):
    url = reverse("peps:section_edit", args=[pep.pk, letter])

    status = _post_into(signed_in_social_worker, url, data)

    assert status in (200, 302)


@IMPORT_FUZZ
@given(data=st.data())
def test_no_input_into_the_new_pep_form_causes_a_server_error(
    signed_in_social_worker, child, data
):
    url = reverse("peps:pep_create", args=[child.pk])

    status = _post_into(signed_in_social_worker, url, data)

    assert status in (200, 302)


@IMPORT_FUZZ
@given(search=FORM_VALUES)
def test_no_caseload_search_causes_a_server_error(signed_in_social_worker, search):
    response = signed_in_social_worker.post(
        reverse("peps:caseload"), {"q": search}, follow=True
    )

    assert response.status_code == 200
