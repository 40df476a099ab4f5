import csv
import io
import logging
import zipfile
from dataclasses import astuple
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest

from delegation.teacher_comments import (
    ParseResult,
    TeacherCommentRow,
    parse_teacher_comments,
)

FIXTURES = Path(__file__).parent.parent / "fixtures" / "teacher_comments"

FORMS_HEADINGS = [
    "ID",
    "Start time",
    "Completion time",
    "Email",
    "Name",
    "Pupil Name",
    "Subject",
    "Current Level",
    "Target Level (End of Year 11)",
    "Current Predicted Level (End of Year 11)",
    "Working at ARE (age related expectation)?",
    "Currently making good progress?",
    "General Comments - Current Progress",
    "Please add a specific target and specify the time scale (e.g., one half term/ "
    "term/ end of academic year)",
]
FORMS_EXTRA_HEADINGS = ("ID", "Start time", "Completion time", "Email", "Name")

ENGLISH = TeacherCommentRow(
    row_number=2,
    pupil_name="Emma Smith",
    subject="English",
    current_level="5",
    target_level="6",
    predicted_level="6",
    working_at_are=True,
    making_good_progress=True,
    comments="Enjoyed the poetry unit and has learnt the key poems; on track for the "
    "end of Year 11 target.",
    target_with_timescale="Use subject terminology from the Y10-11 poetry vocabulary "
    "list when analysing language and form - by end of spring term",
)


def response(**answers):
    """One Forms response row; keyword names are the parsed field names."""
    row = {
        "ID": "1",
        "Start time": "11/04/24 13:37:00",
        "Completion time": "11/04/24 13:43:00",
        "Email": "anonymous",
        "Name": "",
        "Pupil Name": "Emma Smith",
        "Subject": "English",
        "Current Level": "5",
        "Target Level (End of Year 11)": "6",
        "Current Predicted Level (End of Year 11)": "6",
        "Working at ARE (age related expectation)?": "Yes",
        "Currently making good progress?": "Yes",
        "General Comments - Current Progress": "Settled well.",
        FORMS_HEADINGS[-1]: "Read for 20 minutes a day - one half term",
    }
    field_headings = {
        "pupil_name": "Pupil Name",
        "subject": "Subject",
        "current_level": "Current Level",
        "target_level": "Target Level (End of Year 11)",
        "predicted_level": "Current Predicted Level (End of Year 11)",
        "working_at_are": "Working at ARE (age related expectation)?",
        "making_good_progress": "Currently making good progress?",
        "comments": "General Comments - Current Progress",
        "target_with_timescale": FORMS_HEADINGS[-1],
    }
    for name, value in answers.items():
        row[field_headings[name]] = value
    return [row[heading] for heading in FORMS_HEADINGS]


def csv_bytes(rows, headings=FORMS_HEADINGS, encoding="utf-8-sig", delimiter=","):
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(headings)
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


def xlsx_bytes(rows, headings=FORMS_HEADINGS):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(headings)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def parse(data, filename="comments.csv", expected_pupil="Emma Smith", **limits):
    return parse_teacher_comments(data, filename, expected_pupil, **limits)


def fixture(name):
    return (FIXTURES / name).read_bytes()


def refusal(result: ParseResult) -> str:
    assert result.is_refused
    assert result.rows == ()
    assert result.rejected == ()
    (message,) = result.errors
    return message


# The shared samples


@pytest.mark.parametrize(
    "filename", ["teacher_comments_msforms.csv", "teacher_comments_msforms.xlsx"]
)
def test_shared_sample_gives_the_guides_seven_subjects(filename):
    result = parse(fixture(filename), filename)

    assert not result.is_refused
    assert result.rejected == ()
    assert result.warnings == ()
    assert result.ignored_headings == FORMS_EXTRA_HEADINGS
    assert result.rows[0] == ENGLISH
    assert [row.row_number for row in result.rows] == [2, 3, 4, 5, 6, 7, 8]
    assert [row.subject for row in result.rows] == [
        "English",
        "Maths",
        "Biology",
        "Food Technology",
        "Chemistry",
        "History",
        "German",
    ]
    assert [row.working_at_are for row in result.rows] == [True] * 6 + [False]
    assert [row.making_good_progress for row in result.rows] == [
        True,
        True,
        True,
        False,
        True,
        True,
        True,
    ]


def test_shared_csv_and_workbook_give_the_same_rows():
    from_csv = parse(fixture("teacher_comments_msforms.csv"))
    from_xlsx = parse(fixture("teacher_comments_msforms.xlsx"), "comments.xlsx")

    assert [astuple(row) for row in from_csv.rows] == [
        astuple(row) for row in from_xlsx.rows
    ]


@pytest.mark.parametrize(
    "expected_pupil",
    ["Emma Smith", "emma smith", "  EMMA   SMITH ", "Smith, Emma", "SMITH,EMMA"],
)
def test_pupil_name_matches_whatever_the_case_spacing_or_order(expected_pupil):
    result = parse(
        fixture("teacher_comments_msforms.csv"), expected_pupil=expected_pupil
    )

    assert len(result.rows) == 7
    assert result.rejected == ()


def test_every_row_for_another_child_is_rejected_with_its_row_number():
    result = parse(fixture("teacher_comments_msforms.csv"), expected_pupil="Emma Smyth")

    assert result.rows == ()
    assert [rejected.reason for rejected in result.rejected] == [
        f"Row {number}: the pupil name 'Emma Smith' does not match this PEP's child."
        for number in range(2, 9)
    ]


# The hand-made messy fixtures


def test_guide_summary_in_windows_1252_is_read_with_its_faults_reported():
    result = parse(fixture("guide_summary_messy_cp1252.csv"))

    assert [(row.row_number, row.subject) for row in result.rows] == [
        (2, "English"),
        (3, "Maths"),
        (8, "French"),
    ]
    english, maths, french = result.rows
    assert (
        english.comments
        == "Emma\u2019s poetry work is strong \u2013 she enjoyed the unit."
    )
    assert (english.working_at_are, english.making_good_progress) == (True, True)
    assert (maths.working_at_are, maths.making_good_progress) == (True, False)
    assert (french.working_at_are, french.making_good_progress) == (False, None)
    assert french.comments == "Listening is secure.\nWriting needs more practice."
    assert (
        french.target_with_timescale
        == "Learn the caf\u00e9 vocabulary \u2013 one half term"
    )
    assert [rejected.reason for rejected in result.rejected] == [
        "Row 4: the pupil name 'Jo Bloggs' does not match this PEP's child.",
        "Row 5: the subject is blank.",
        "Row 6: the answer 'Yes;No' gives more than one choice in the column "
        "'Working at ARE (Age Related Expectation)'.",
        "Row 9: the answer 'Maybe' is not Yes or No in the column "
        "'Working at ARE (Age Related Expectation)'.",
    ]
    assert result.warnings == (
        "The file has no 'Current Predicted Level (End of Year 11)' column, so "
        "predicted levels will be left blank.",
    )


def test_reordered_forms_workbook_is_read_by_heading_not_position():
    result = parse(fixture("forms_export_reordered.xlsx"), "Form1.xlsx")

    assert result.rows == (
        TeacherCommentRow(
            row_number=2,
            pupil_name="Emma Smith",
            subject="English",
            current_level="5",
            target_level="6",
            predicted_level="6",
            working_at_are=True,
            making_good_progress=True,
            comments="Good.",
            target_with_timescale="Target A",
        ),
        TeacherCommentRow(
            row_number=3,
            pupil_name="Smith, Emma",
            subject="Maths",
            current_level="4",
            target_level="5",
            predicted_level="4.5",
            working_at_are=True,
            making_good_progress=False,
            comments="=1+1",
            target_with_timescale="Target B",
        ),
    )
    assert [rejected.reason for rejected in result.rejected] == [
        "Row 5: the pupil name 'Smith, Jo' does not match this PEP's child.",
        "Row 6: the answer 'Yes;No;' gives more than one choice in the column "
        "'Currently making good progress?'.",
    ]
    assert result.ignored_headings == (
        *FORMS_EXTRA_HEADINGS,
        "Last modified time",
        "Notes for the designated teacher",
    )


# Headings


@pytest.mark.parametrize(
    ("heading", "field", "cell", "expected"),
    [
        ("PUPIL NAME", "pupil_name", "Emma Smith", "Emma Smith"),
        ("  pupil   name: ", "pupil_name", "Emma Smith", "Emma Smith"),
        ("1. Pupil Name", "pupil_name", "Emma Smith", "Emma Smith"),
        ("Pupil\u2019s name", "pupil_name", "Emma Smith", "Emma Smith"),
        ("subject", "subject", "Art", "Art"),
        ("2. Subject", "subject", "Art", "Art"),
        ("current level", "current_level", "5", "5"),
        ("Target Level - End of Year 11", "target_level", "6", "6"),
        ("TARGET LEVEL (END OF YEAR 6)", "target_level", "6", "6"),
        ("Target level by the end of KS2", "target_level", "6", "6"),
        ("Current Predicted Level - End of Year 11", "predicted_level", "6", "6"),
        ("Predicted grade", "predicted_level", "6", "6"),
        ("Working at ARE (Age Related Expectation)", "working_at_are", "No", False),
        ("Working at age related expectations?", "working_at_are", "No", False),
        ("currently making good progress", "making_good_progress", "No", False),
        ("General Comments (current progress)", "comments", "Settled.", "Settled."),
        ("Comments", "comments", "Settled.", "Settled."),
        (
            "Please add a specific target and specify the timescale (e.g., one half "
            "term/ term/ end of academic year) Example targets include: aspects of "
            "punctuation, specific times tables...",
            "target_with_timescale",
            "Read daily",
            "Read daily",
        ),
        ("Target and timescale", "target_with_timescale", "Read daily", "Read daily"),
    ],
)
def test_heading_variants_are_recognised(heading, field, cell, expected):
    columns = {"pupil_name": ("Pupil Name", "Emma Smith"), "subject": ("Subject", "X")}
    columns[field] = (heading, cell)
    headings = [heading for heading, _ in columns.values()]
    cells = [cell for _, cell in columns.values()]

    result = parse(csv_bytes([cells], headings=headings))

    assert result.errors == ()
    assert result.ignored_headings == ()
    (row,) = result.rows
    assert getattr(row, field) == expected


def test_respondents_name_column_is_not_taken_for_the_pupils_name():
    data = csv_bytes([["A Teacher", "English"]], headings=["Name", "Subject"])

    assert refusal(parse(data)) == (
        "The file has no 'Pupil Name' column. Check the form asks for it and that the "
        "first row of the file holds the question headings."
    )


def test_missing_subject_heading_refuses_the_file_naming_the_heading():
    headings = [heading for heading in FORMS_HEADINGS if heading != "Subject"]
    row = response()
    del row[FORMS_HEADINGS.index("Subject")]

    assert refusal(parse(csv_bytes([row], headings=headings))) == (
        "The file has no 'Subject' column. Check the form asks for it and that the "
        "first row of the file holds the question headings."
    )


def test_missing_both_required_headings_names_both():
    data = csv_bytes([["x", "y"]], headings=["Email", "Comments"])

    assert refusal(parse(data)) == (
        "The file has no 'Pupil Name' and 'Subject' columns. Check the form asks for "
        "them and that the first row of the file holds the question headings."
    )


def test_heading_given_twice_refuses_the_file_naming_both_columns():
    headings = [*FORMS_HEADINGS, "SUBJECT"]
    data = csv_bytes([[*response(), "Maths"]], headings=headings)

    assert refusal(parse(data)) == (
        "The file has two 'Subject' columns (columns G and O). Remove one and upload "
        "it again."
    )


def test_missing_optional_columns_leave_fields_blank_with_a_warning():
    data = csv_bytes([["Emma Smith", "Art"]], headings=["Pupil Name", "Subject"])

    result = parse(data)

    (row,) = result.rows
    assert astuple(row) == (2, "Emma Smith", "Art", "", "", "", None, None, "", "")
    assert len(result.warnings) == 7
    assert result.warnings[0] == (
        "The file has no 'Current Level' column, so current levels will be left blank."
    )


def test_headings_below_blank_lines_are_found():
    data = b"\r\n,,\r\n" + csv_bytes([response()], encoding="utf-8")

    result = parse(data)

    assert [row.row_number for row in result.rows] == [4]


# Encodings and delimiters


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "cp1252", "utf-16"])
def test_text_is_decoded_in_each_encoding_excel_saves(encoding):
    comment = "Zo\u00eb\u2019s \u201cgreat\u201d work \u2013 \u00a35 prize"
    data = csv_bytes([response(comments=comment)], encoding=encoding)

    (row,) = parse(data).rows

    assert row.comments == comment
    assert row.pupil_name == "Emma Smith"


def test_windows_1252_is_not_mistaken_for_latin_1():
    data = csv_bytes([response(comments="Emma\u2019s")], encoding="cp1252")

    (row,) = parse(data).rows

    assert row.comments == "Emma\u2019s"
    assert "\x92" not in row.comments


def test_bytes_that_no_supported_encoding_reads_refuse_the_file():
    data = csv_bytes([response(comments="caf\u00e9")], encoding="cp1252")
    data = data.replace(b"caf\xe9", b"caf\x81")

    assert refusal(parse(data, "export.csv")) == (
        "The characters in the file 'export.csv' could not be read. In Excel, save it "
        "as 'CSV UTF-8 (Comma delimited)' and upload it again."
    )


def test_utf8_bom_with_broken_bytes_after_it_refuses_the_file():
    data = csv_bytes([response()], encoding="utf-8-sig") + b"\xff\xfe broken"

    assert "could not be read" in refusal(parse(data))


@pytest.mark.parametrize("delimiter", [";", "\t"])
def test_semicolon_and_tab_separated_exports_are_read(delimiter):
    data = csv_bytes([response()], delimiter=delimiter)

    (row,) = parse(data).rows

    assert row.subject == "English"
    assert row.target_with_timescale == "Read for 20 minutes a day - one half term"


def test_comment_running_over_lines_keeps_spreadsheet_row_numbers():
    rows = [
        response(comments="First line\nsecond line\nthird line"),
        response(subject="Maths"),
    ]

    result = parse(csv_bytes(rows))

    assert [(row.row_number, row.subject) for row in result.rows] == [
        (2, "English"),
        (3, "Maths"),
    ]
    assert result.rows[0].comments == "First line\nsecond line\nthird line"


def test_short_and_long_rows_are_read_cell_by_cell():
    data = (
        b"Pupil Name,Subject,Comments\r\nEmma Smith,Art\r\nEmma Smith,PE,Fine,extra\r\n"
    )

    result = parse(data)

    assert [(row.subject, row.comments) for row in result.rows] == [
        ("Art", ""),
        ("PE", "Fine"),
    ]


# Rows


def test_wrong_pupil_rows_are_rejected_and_the_rest_kept():
    rows = [
        response(),
        response(pupil_name="Jo Bloggs", subject="Maths"),
        response(pupil_name="smith ,  emma", subject="Art"),
        response(pupil_name="Emma Jane Smith", subject="PE"),
    ]

    result = parse(csv_bytes(rows))

    assert [(row.row_number, row.subject) for row in result.rows] == [
        (2, "English"),
        (4, "Art"),
    ]
    assert [(rejected.row_number, rejected.reason) for rejected in result.rejected] == [
        (3, "Row 3: the pupil name 'Jo Bloggs' does not match this PEP's child."),
        (5, "Row 5: the pupil name 'Emma Jane Smith' does not match this PEP's child."),
    ]


def test_accents_in_a_pupils_name_may_be_left_out():
    data = csv_bytes([response(pupil_name="Zoe Smith")])

    assert len(parse(data, expected_pupil="Zo\u00eb Smith").rows) == 1


def test_blank_pupil_name_and_blank_subject_are_reported_together():
    data = csv_bytes([response(pupil_name="  ", subject="", working_at_are="Maybe")])

    (rejected,) = parse(data).rejected

    assert rejected.reason == (
        "Row 2: the pupil name is blank; the subject is blank; the answer 'Maybe' is "
        "not Yes or No in the column 'Working at ARE (age related expectation)?'."
    )


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ("Yes", True),
        ("yes", True),
        ("YES", True),
        (" Y ", True),
        ("y", True),
        ("Yes;", True),
        ("No", False),
        ("no", False),
        ("N", False),
        ("n", False),
        ("No;", False),
        ("", None),
        ("   ", None),
    ],
)
def test_yes_no_answers_are_read_in_any_case(answer, expected):
    data = csv_bytes([response(working_at_are=answer, making_good_progress=answer)])

    (row,) = parse(data).rows

    assert row.working_at_are is expected
    assert row.making_good_progress is expected


@pytest.mark.parametrize(
    ("answer", "problem"),
    [
        ("Maybe", "the answer 'Maybe' is not Yes or No"),
        ("TRUE", "the answer 'TRUE' is not Yes or No"),
        ("1", "the answer '1' is not Yes or No"),
        ("Yes please", "the answer 'Yes please' is not Yes or No"),
        ("Yes;No", "the answer 'Yes;No' gives more than one choice"),
        ("Yes;No;", "the answer 'Yes;No;' gives more than one choice"),
        ("No; Yes", "the answer 'No; Yes' gives more than one choice"),
    ],
)
def test_other_yes_no_answers_reject_the_row_naming_row_and_column(answer, problem):
    rows = [response(), response(subject="Maths", making_good_progress=answer)]

    result = parse(csv_bytes(rows))

    assert [row.subject for row in result.rows] == ["English"]
    assert [rejected.reason for rejected in result.rejected] == [
        f"Row 3: {problem} in the column 'Currently making good progress?'."
    ]


def test_long_values_are_shortened_in_messages():
    name = "Somebody With An Exceptionally Long Name That Goes On And On And On"

    (rejected,) = parse(csv_bytes([response(pupil_name=name)])).rejected

    assert rejected.reason == (
        "Row 2: the pupil name 'Somebody With An Exceptionally Long Name That Goes On "
        "And O\u2026' does not match this PEP's child."
    )


@pytest.mark.parametrize(
    "text",
    [
        '=HYPERLINK("http://127.0.0.1/","click")',
        "+44 1274 000000",
        "-2 marks since the mock",
        "@SUM(A1:A9)",
        "=1+1",
    ],
)
def test_formula_looking_csv_cells_are_kept_as_plain_text(text):
    data = csv_bytes([response(comments=text, target_with_timescale=text)])

    (row,) = parse(data).rows

    assert row.comments == text
    assert row.target_with_timescale == text


def test_workbook_text_starting_with_equals_is_kept_and_formulas_never_run():
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Pupil Name", "Subject", "Comments", "Current Level"])
    sheet.append(["Emma Smith", "English", "=1+1", "=2*3"])
    sheet["C2"].data_type = "s"
    buffer = io.BytesIO()
    workbook.save(buffer)

    (row,) = parse(buffer.getvalue(), "comments.xlsx").rows

    assert row.comments == "=1+1"
    # A real formula that Excel never calculated has no stored value to show.
    assert row.current_level == ""


def test_workbook_cells_become_text_as_excel_shows_them():
    rows = [
        ["Emma Smith", "English", 5, 6.0, 5.5, True],
        ["Emma Smith", "Maths", "4+", "5-", "Emerging", datetime(2024, 11, 4, 13, 37)],
    ]
    headings = [
        "Pupil Name",
        "Subject",
        "Current Level",
        "Target Level",
        "Predicted Level",
    ]

    result = parse(xlsx_bytes(rows, [*headings, "Comments"]), "c.xlsx")

    assert [
        (row.current_level, row.target_level, row.predicted_level, row.comments)
        for row in result.rows
    ] == [("5", "6", "5.5", "TRUE"), ("4+", "5-", "Emerging", "2024-11-04 13:37")]


def test_workbook_rows_keep_their_sheet_numbers_across_empty_rows():
    rows = [response(), [], [], response(subject="Maths")]

    result = parse(xlsx_bytes(rows), "comments.xlsx")

    assert [(row.row_number, row.subject) for row in result.rows] == [
        (2, "English"),
        (5, "Maths"),
    ]


def test_workbook_rows_beyond_a_stale_stored_dimension_are_read():
    rows = [response(subject=subject) for subject in ("Art", "PE", "Music")]
    packed = zipfile.ZipFile(io.BytesIO(xlsx_bytes(rows)))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as repacked:
        for member in packed.infolist():
            content = packed.read(member)
            if member.filename == "xl/worksheets/sheet1.xml":
                content = content.replace(
                    b'<dimension ref="A1:N4"', b'<dimension ref="A1:N2"'
                )
            repacked.writestr(member, content)

    result = parse(buffer.getvalue(), "comments.xlsx")

    assert [row.subject for row in result.rows] == ["Art", "PE", "Music"]


def test_only_the_first_sheet_of_a_workbook_is_read():
    workbook = openpyxl.Workbook()
    workbook.active.append(["Pupil Name", "Subject"])
    workbook.active.append(["Emma Smith", "English"])
    notes = workbook.create_sheet("Notes")
    notes.append(["Pupil Name", "Subject"])
    notes.append(["Emma Smith", "Maths"])
    buffer = io.BytesIO()
    workbook.save(buffer)

    result = parse(buffer.getvalue(), "comments.xlsx")

    assert [row.subject for row in result.rows] == ["English"]


def test_subject_answered_twice_is_flagged_for_the_preview():
    rows = [response(), response(subject="Maths"), response(subject=" english ")]

    result = parse(csv_bytes(rows))

    assert len(result.rows) == 3
    assert result.warnings == (
        "Rows 2 and 4 are both for English: check which to keep.",
    )


# Whole-file refusals


@pytest.mark.parametrize(
    "data", [b"", b"   \r\n\r\n", b"\xef\xbb\xbf", b"\xef\xbb\xbf\r\n \r\n"]
)
def test_empty_file_is_refused(data):
    message = refusal(parse(data, "comments.csv"))

    assert message == "The file 'comments.csv' is empty."


def test_file_of_empty_cells_is_refused():
    assert refusal(parse(b",,,\r\n, ,\r\n")) == (
        "The file has no headings and no responses."
    )


def test_file_with_headings_only_is_refused():
    assert refusal(parse(csv_bytes([]))) == "The file has headings but no responses."
    assert refusal(parse(csv_bytes([[""] * 14, []]))) == (
        "The file has headings but no responses."
    )


def test_workbook_with_nothing_in_it_is_refused():
    buffer = io.BytesIO()
    openpyxl.Workbook().save(buffer)

    assert refusal(parse(buffer.getvalue(), "blank.xlsx")) == (
        "The file has no headings and no responses."
    )


def test_png_renamed_to_xlsx_is_refused():
    png = (
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06"
        b"\x00\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01"
        b"\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"
    )

    assert refusal(parse(png, "Emma comments.xlsx")) == (
        "The file 'Emma comments.xlsx' is not an Excel workbook (.xlsx) or a CSV file."
    )


def test_text_with_control_characters_is_refused():
    data = b"Pupil Name,Subject\r\nEmma Smith,Art\x01\x02\r\n"

    assert refusal(parse(data, "c.csv")) == (
        "The file 'c.csv' is not an Excel workbook (.xlsx) or a CSV file."
    )


def test_zip_that_is_not_a_workbook_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")

    assert refusal(parse(buffer.getvalue(), "letter.xlsx")) == (
        "The file 'letter.xlsx' is a ZIP archive but not an Excel workbook (.xlsx)."
    )


def test_truncated_workbook_is_refused():
    data = fixture("teacher_comments_msforms.xlsx")[:3000]

    assert refusal(parse(data, "cut.xlsx")) == (
        "The file 'cut.xlsx' is a ZIP archive but not an Excel workbook (.xlsx)."
    )


def test_workbook_with_broken_contents_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "not xml at all")
        archive.writestr("xl/workbook.xml", "<workbook")

    assert refusal(parse(buffer.getvalue(), "odd.xlsx")) == (
        "The workbook 'odd.xlsx' could not be read. Open it in Excel, save it again as "
        "an Excel Workbook (.xlsx) and upload it again."
    )


def test_workbook_that_unpacks_far_beyond_its_size_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/sharedStrings.xml", b"\x00" * 3_000_000)
    data = buffer.getvalue()

    message = refusal(parse(data, "big.xlsx", max_bytes=100_000))

    assert len(data) < 100_000
    assert message == (
        "The workbook 'big.xlsx' holds far more data than a teacher-comment export. "
        "Save just the responses sheet and upload it again."
    )


def test_old_excel_format_is_refused_with_a_way_forward():
    data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 500

    assert refusal(parse(data, "comments.xls")) == (
        "The file 'comments.xls' is an old-style Excel workbook (.xls). Open it in "
        "Excel, save it as an Excel Workbook (.xlsx) and upload it again."
    )


@pytest.mark.parametrize(
    ("filename", "max_bytes", "message"),
    [
        (
            "teacher_comments_msforms.csv",
            1_000,
            "The file 'teacher_comments_msforms.csv' is 2.1 KB; the largest file "
            "accepted is 1 KB.",
        ),
        (
            "teacher_comments_msforms.xlsx",
            6_202,
            "The file 'teacher_comments_msforms.xlsx' is 6.3 KB; the largest file "
            "accepted is 6.2 KB.",
        ),
    ],
)
def test_file_over_the_size_limit_is_refused(filename, max_bytes, message):
    assert refusal(parse(fixture(filename), filename, max_bytes=max_bytes)) == message


def test_file_just_over_the_default_limit_never_reads_as_the_limit():
    data = csv_bytes([response()]) + b" " * 2_000_000

    assert refusal(parse(data, "c.csv")) == (
        "The file 'c.csv' is 2.1 MB; the largest file accepted is 2 MB."
    )


def test_subject_answered_three_times_lists_every_row():
    rows = [response(), response(), response(subject="ENGLISH")]

    assert parse(csv_bytes(rows)).warnings == (
        "Rows 2, 3 and 4 are all for English: check which to keep.",
    )


def test_file_at_the_size_limit_is_read():
    data = fixture("teacher_comments_msforms.csv")

    assert len(parse(data, max_bytes=len(data)).rows) == 7


def test_more_responses_than_the_limit_refuses_the_file():
    data = fixture("teacher_comments_msforms.csv")

    assert len(parse(data, max_rows=7).rows) == 7
    assert refusal(parse(data, max_rows=6)) == (
        "The file has more than 6 responses. A PEP's teacher comments need far fewer: "
        "check this is the right file."
    )


def test_oversized_csv_field_refuses_the_file_naming_the_line():
    data = csv_bytes([response(comments="x" * 200_000)])

    message = refusal(parse(data, "c.csv"))

    assert message.startswith("The file 'c.csv' could not be read as CSV near line 2:")


def test_only_the_file_name_is_shown_from_a_full_path():
    message = refusal(parse(b"", "C:\\fakepath\\comments.csv"))

    assert message == "The file 'comments.csv' is empty."


def test_blank_expected_pupil_is_a_programming_error():
    with pytest.raises(ValueError):
        parse(fixture("teacher_comments_msforms.csv"), expected_pupil="  ")


def test_logs_hold_counts_but_no_names(caplog):
    caplog.set_level(logging.INFO, logger="delegation.teacher_comments")

    parse(fixture("guide_summary_messy_cp1252.csv"), "Emma Smith comments.csv")
    parse(b"", "Emma Smith comments.csv")

    logged = " ".join(record.getMessage() for record in caplog.records)
    assert "3 rows accepted, 4 rejected" in logged
    assert "Refused a teacher-comment file of 0 bytes: empty" in logged
    assert "Emma" not in logged
    assert "Bloggs" not in logged


def test_a_workbook_whose_shared_text_expands_too_far_is_refused():
    # openpyxl writes repeated text once, as a shared string: 400 rows of one
    # 10,000-character comment weigh little packed but expand to 4 million characters.
    long_comment = "Reads widely and with growing confidence. " * 240
    rows = [
        [
            "",
            "",
            "",
            "",
            "",
            "Emma Smith",
            f"Subject {n}",
            "5",
            "6",
            "6",
            "Yes",
            "Yes",
            long_comment,
            "Keep reading",
        ]
        for n in range(400)
    ]
    data = xlsx_bytes(rows)
    assert len(data) < 200_000

    result = parse(data, filename="comments.xlsx")

    (message,) = result.errors
    assert "holds far more text than a teacher-comment export" in message
    assert result.rows == ()
