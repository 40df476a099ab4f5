"""Read a teacher-comment form export into rows for Section D, saving nothing.

The guide suggests secondary schools collect each subject teacher's comments with a
Microsoft Form; its "Open in Excel" export has one row per response: ID, Start time,
Completion time, Email, Name (and sometimes Last modified time), then one column per
question headed by the question's text. Schools upload that export as .xlsx, or as CSV
saved from Excel in UTF-8 (with or without a byte-order mark) or Windows-1252.

``parse_teacher_comments`` turns the file into accepted rows, rejected rows with a
reason each, or a refusal of the whole file with a message. The caller shows that as a
preview and writes the accepted rows only when the designated teacher confirms.

Decisions:
- The format is judged by content, never by the file name: an .xlsx is a ZIP archive
  (it starts with ``PK\\x03\\x04``); anything else must be readable text.
- Headings are matched after folding case, punctuation, bracketed asides and "end of
  Year 11" style suffixes, so the guide's headings and the form's question texts both
  work. Columns that match no field are ignored and listed for the preview.
- Row numbers count the heading row as row 1, as a spreadsheet shows them.
- Cell text is kept verbatim, including text starting with ``=``, ``+``, ``-`` or ``@``:
  nothing is evaluated. A workbook is opened with ``data_only=True`` so a real formula
  cell gives the value Excel last showed (blank if Excel never saved one). Whatever
  later writes these values into a spreadsheet must neutralise them there.
- Yes/No answers accept Yes, No, Y and N in any case, or blank. An answer holding
  several choices joined with ";" (how Forms exports multiple selections) is rejected;
  a single choice with Forms' trailing ";" is read as that choice.
"""

from __future__ import annotations

import codecs
import csv
import io
import logging
import math
import re
import unicodedata
import warnings
import zipfile
from collections.abc import Iterator, Sequence
from contextlib import closing
from dataclasses import dataclass
from datetime import date, datetime, time

import openpyxl
from openpyxl.utils import get_column_letter

logger = logging.getLogger(__name__)

MAX_BYTES = 2_000_000
MAX_ROWS = 500
MAX_TEXT_CHARACTERS = 2_000_000

XLSX_SIGNATURE = b"PK\x03\x04"
OLD_EXCEL_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

# An .xlsx of a few hundred responses unpacks to a few times its size; anything that
# unpacks to far more is refused before openpyxl reads it.
UNPACKED_SIZE_FACTOR = 25

CSV_DELIMITERS = (",", ";", "\t")
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
MESSAGE_VALUE_LENGTH = 60

YES_ANSWERS = frozenset({"yes", "y"})
NO_ANSWERS = frozenset({"no", "n"})


@dataclass(frozen=True)
class TeacherCommentRow:
    """One teacher's answers about one subject, ready for Section D."""

    row_number: int
    pupil_name: str
    subject: str
    current_level: str
    target_level: str
    predicted_level: str
    working_at_are: bool | None
    making_good_progress: bool | None
    comments: str
    target_with_timescale: str


@dataclass(frozen=True)
class RejectedRow:
    row_number: int
    reason: str


@dataclass(frozen=True)
class ParseResult:
    """What the preview shows. ``errors`` set means the file was refused whole."""

    rows: tuple[TeacherCommentRow, ...] = ()
    rejected: tuple[RejectedRow, ...] = ()
    errors: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    ignored_headings: tuple[str, ...] = ()

    @property
    def is_refused(self) -> bool:
        return bool(self.errors)


@dataclass(frozen=True)
class _Field:
    name: str
    heading: str
    exact: frozenset[str]
    prefixes: tuple[str, ...] = ()
    required: bool = False
    yes_no: bool = False
    plural: str = ""

    def matches(self, key: str) -> bool:
        return key in self.exact or key.startswith(self.prefixes)


# Each field's expected heading (as the guide's form asks it) and the folded forms of
# the headings taken to mean it. See _heading_key for the folding.
FIELDS = (
    _Field(
        "pupil_name",
        "Pupil Name",
        frozenset(
            {
                "pupil name",
                "pupils name",
                "name of pupil",
                "pupil",
                "student name",
                "students name",
                "child name",
                "childs name",
                "young person name",
                "young persons name",
            }
        ),
        required=True,
    ),
    _Field(
        "subject",
        "Subject",
        frozenset({"subject", "subject name"}),
        required=True,
    ),
    _Field(
        "current_level",
        "Current Level",
        frozenset({"current level", "current grade", "current working level"}),
        plural="current levels",
    ),
    _Field(
        "target_level",
        "Target Level (End of Year 11)",
        frozenset({"target level", "target grade"}),
        plural="target levels",
    ),
    _Field(
        "predicted_level",
        "Current Predicted Level (End of Year 11)",
        frozenset(
            {
                "current predicted level",
                "predicted level",
                "current predicted grade",
                "predicted grade",
            }
        ),
        plural="predicted levels",
    ),
    _Field(
        "working_at_are",
        "Working at ARE (age related expectation)?",
        frozenset(),
        prefixes=("working at are", "working at age related expectation"),
        yes_no=True,
        plural="answers about working at ARE",
    ),
    _Field(
        "making_good_progress",
        "Currently making good progress?",
        frozenset(),
        prefixes=("currently making good progress", "making good progress"),
        yes_no=True,
        plural="answers about good progress",
    ),
    _Field(
        "comments",
        "General Comments - Current Progress",
        frozenset({"comments", "comment"}),
        prefixes=("general comment",),
        plural="comments",
    ),
    _Field(
        "target_with_timescale",
        "Please add a specific target and specify the time scale",
        frozenset(
            {
                "target",
                "specific target",
                "suggested target",
                "target and timescale",
                "target with timescale",
            }
        ),
        prefixes=("please add a specific target",),
        plural="targets",
    ),
)


class _Refusal(Exception):
    """The whole file is refused; ``code`` is safe to log, the message is for people."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def parse_teacher_comments(
    file_bytes: bytes,
    filename: str,
    expected_pupil: str,
    max_bytes: int = MAX_BYTES,
    max_rows: int = MAX_ROWS,
) -> ParseResult:
    """Read a teacher-comment export for the PEP of ``expected_pupil``.

    Rows naming another pupil, or with a blank subject or an answer that is not Yes or
    No, are rejected with a reason naming the row. A file that cannot be trusted as a
    whole is refused with one message in ``errors``.
    """
    if not _name_key(expected_pupil):
        raise ValueError("expected_pupil must name the PEP's child.")

    shown_name = _shown_filename(filename)

    try:
        rows = _read_rows(file_bytes, shown_name, max_bytes)
        with closing(rows):
            result = _interpret(rows, expected_pupil, max_rows)
    except _Refusal as refusal:
        logger.info(
            "Refused a teacher-comment file of %d bytes: %s",
            len(file_bytes),
            refusal.code,
        )
        return ParseResult(errors=(refusal.message,))

    logger.info(
        "Read a teacher-comment file: %d rows accepted, %d rejected",
        len(result.rows),
        len(result.rejected),
    )
    return result


def _interpret(
    rows: Iterator[tuple[int, list[str]]], expected_pupil: str, max_rows: int
) -> ParseResult:
    header = next((row for row in rows if any(row[1])), None)
    if header is None:
        raise _Refusal("empty", "The file has no headings and no responses.")

    columns, ignored = _map_columns(header[1])
    missing = [f.heading for f in FIELDS if f.required and f.name not in columns]
    if missing:
        raise _Refusal("missing_headings", _missing_headings_message(missing))

    accepted: list[TeacherCommentRow] = []
    rejected: list[RejectedRow] = []
    expected_key = _name_key(expected_pupil)
    responses = 0
    for row_number, cells in rows:
        if not any(cells):
            continue

        responses += 1
        if responses > max_rows:
            raise _Refusal(
                "too_many_rows",
                f"The file has more than {max_rows} responses. A PEP's teacher "
                "comments need far fewer: check this is the right file.",
            )

        outcome = _read_response(row_number, cells, columns, expected_key)
        if isinstance(outcome, TeacherCommentRow):
            accepted.append(outcome)
        else:
            reason = f"Row {row_number}: {'; '.join(outcome)}."
            rejected.append(RejectedRow(row_number, reason))

    if responses == 0:
        raise _Refusal("no_rows", "The file has headings but no responses.")

    notes = [
        f"The file has no '{f.heading}' column, so {f.plural} will be left blank."
        for f in FIELDS
        if not f.required and f.name not in columns
    ]
    notes.extend(_repeated_subject_notes(accepted))

    return ParseResult(
        rows=tuple(accepted),
        rejected=tuple(rejected),
        warnings=tuple(notes),
        ignored_headings=tuple(ignored),
    )


def _map_columns(
    headings: Sequence[str],
) -> tuple[dict[str, tuple[int, str]], list[str]]:
    columns: dict[str, tuple[int, str]] = {}
    ignored: list[str] = []
    for index, heading in enumerate(headings):
        if not heading:
            continue

        key = _heading_key(heading)
        matched = next((f for f in FIELDS if f.matches(key)), None)
        if matched is None:
            ignored.append(heading)
            continue

        if matched.name in columns:
            first_index, _ = columns[matched.name]
            raise _Refusal(
                "repeated_heading",
                f"The file has two '{matched.heading}' columns (columns "
                f"{_column_letter(first_index)} and {_column_letter(index)}). "
                "Remove one and upload it again.",
            )
        columns[matched.name] = (index, heading)

    return columns, ignored


def _read_response(
    row_number: int,
    cells: Sequence[str],
    columns: dict[str, tuple[int, str]],
    expected_key: str,
) -> TeacherCommentRow | list[str]:
    """The row ready for Section D, or what is wrong with it."""

    def cell(name: str) -> str:
        if name not in columns:
            return ""
        index, _ = columns[name]
        return cells[index] if index < len(cells) else ""

    problems: list[str] = []
    pupil_name = cell("pupil_name")
    if not pupil_name:
        problems.append("the pupil name is blank")
    elif _name_key(pupil_name) != expected_key:
        problems.append(
            f"the pupil name {_quoted(pupil_name)} does not match this PEP's child"
        )

    subject = cell("subject")
    if not subject:
        problems.append("the subject is blank")

    answers: dict[str, bool | None] = {}
    for yes_no_field in (f for f in FIELDS if f.yes_no):
        raw = cell(yes_no_field.name)
        answer, problem = _yes_no(raw)
        if problem:
            _, heading = columns[yes_no_field.name]
            problems.append(f"{problem} in the column {_quoted(heading)}")
        answers[yes_no_field.name] = answer

    if problems:
        return problems

    return TeacherCommentRow(
        row_number=row_number,
        pupil_name=pupil_name,
        subject=subject,
        current_level=cell("current_level"),
        target_level=cell("target_level"),
        predicted_level=cell("predicted_level"),
        working_at_are=answers["working_at_are"],
        making_good_progress=answers["making_good_progress"],
        comments=cell("comments"),
        target_with_timescale=cell("target_with_timescale"),
    )


def _yes_no(raw: str) -> tuple[bool | None, str]:
    choices = [choice.strip() for choice in raw.split(";") if choice.strip()]
    if not choices:
        return None, ""

    if len(choices) > 1:
        return None, f"the answer {_quoted(raw)} gives more than one choice"

    folded = choices[0].casefold()
    if folded in YES_ANSWERS:
        return True, ""
    if folded in NO_ANSWERS:
        return False, ""
    return None, f"the answer {_quoted(raw)} is not Yes or No"


def _repeated_subject_notes(rows: Sequence[TeacherCommentRow]) -> list[str]:
    by_subject: dict[str, list[TeacherCommentRow]] = {}
    for row in rows:
        by_subject.setdefault(" ".join(row.subject.casefold().split()), []).append(row)

    notes = []
    for repeats in by_subject.values():
        if len(repeats) > 1:
            numbers = [str(row.row_number) for row in repeats]
            listed = ", ".join(numbers[:-1]) + " and " + numbers[-1]
            both_or_all = "both" if len(repeats) == 2 else "all"
            notes.append(
                f"Rows {listed} are {both_or_all} for {repeats[0].subject}: check "
                "which to keep."
            )
    return notes


def _read_rows(
    data: bytes, shown_name: str, max_bytes: int
) -> Iterator[tuple[int, list[str]]]:
    if len(data) > max_bytes:
        raise _Refusal(
            "too_big",
            f"The file {shown_name} is {_size(len(data), round_up=True)}; the largest "
            f"file accepted is {_size(max_bytes, round_up=False)}.",
        )

    if not data.strip():
        raise _Refusal("empty", f"The file {shown_name} is empty.")

    if data.startswith(XLSX_SIGNATURE):
        return _xlsx_rows(data, shown_name, max_bytes * UNPACKED_SIZE_FACTOR)

    if data.startswith(OLD_EXCEL_SIGNATURE):
        raise _Refusal(
            "old_excel",
            f"The file {shown_name} is an old-style Excel workbook (.xls). Open it in "
            "Excel, save it as an Excel Workbook (.xlsx) and upload it again.",
        )

    return _csv_rows(data, shown_name)


def _xlsx_rows(
    data: bytes, shown_name: str, max_unpacked_bytes: int
) -> Iterator[tuple[int, list[str]]]:
    not_a_workbook = _Refusal(
        "not_xlsx",
        f"The file {shown_name} is a ZIP archive but not an Excel workbook (.xlsx).",
    )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except zipfile.BadZipFile:
        raise not_a_workbook from None

    if "xl/workbook.xml" not in {member.filename for member in members}:
        raise not_a_workbook

    if sum(member.file_size for member in members) > max_unpacked_bytes:
        raise _Refusal(
            "unpacks_too_big",
            f"The workbook {shown_name} holds far more data than a teacher-comment "
            "export. Save just the responses sheet and upload it again.",
        )

    try:
        with warnings.catch_warnings():
            # Forms' exports carry no default style, which openpyxl warns about.
            warnings.simplefilter("ignore", UserWarning)
            workbook = openpyxl.load_workbook(
                io.BytesIO(data), read_only=True, data_only=True
            )
    except Exception as error:
        logger.info("openpyxl could not open a workbook: %s", type(error).__name__)
        raise _Refusal(
            "unreadable_xlsx",
            f"The workbook {shown_name} could not be read. Open it in Excel, save it "
            "again as an Excel Workbook (.xlsx) and upload it again.",
        ) from None

    return _worksheet_rows(workbook, shown_name)


def _worksheet_rows(
    workbook: openpyxl.Workbook, shown_name: str
) -> Iterator[tuple[int, list[str]]]:
    try:
        if not workbook.worksheets:
            raise _Refusal("no_sheet", f"The workbook {shown_name} has no sheets.")

        # Forms' export has one sheet; a school may add others after it.
        sheet = workbook.worksheets[0]
        # The stored dimensions can be stale; reading without them reads every row.
        sheet.reset_dimensions()
        text_read = 0
        try:
            for row_number, values in enumerate(sheet.iter_rows(values_only=True), 1):
                cells = _trimmed([_cell_text(value) for value in values])
                # A small workbook can repeat one long shared string in every cell;
                # count what it expands to, not what it weighs.
                text_read += sum(len(cell) for cell in cells)
                if text_read > MAX_TEXT_CHARACTERS:
                    raise _Refusal(
                        "too_much_text",
                        f"The workbook {shown_name} holds far more text than a "
                        "teacher-comment export. Save just the responses sheet and "
                        "upload it again.",
                    )
                yield row_number, cells
        except _Refusal:
            raise
        except Exception as error:
            logger.info("openpyxl could not read a sheet: %s", type(error).__name__)
            raise _Refusal(
                "unreadable_xlsx",
                f"The workbook {shown_name} could not be read. Open it in Excel, save "
                "it again as an Excel Workbook (.xlsx) and upload it again.",
            ) from None
    finally:
        workbook.close()


def _csv_rows(data: bytes, shown_name: str) -> Iterator[tuple[int, list[str]]]:
    text = _decode(data, shown_name)
    if not text.strip():
        raise _Refusal("empty", f"The file {shown_name} is empty.")

    if CONTROL_CHARACTERS.search(text):
        raise _Refusal(
            "not_text",
            f"The file {shown_name} is not an Excel workbook (.xlsx) or a CSV file.",
        )

    delimiter = max(CSV_DELIMITERS, key=lambda each: _headings_found(text, each))
    return _csv_records(text, delimiter, shown_name)


def _csv_records(
    text: str, delimiter: str, shown_name: str
) -> Iterator[tuple[int, list[str]]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for row_number, record in enumerate(reader, 1):
            yield row_number, _trimmed([cell.strip() for cell in record])
    except csv.Error as error:
        raise _Refusal(
            "bad_csv",
            f"The file {shown_name} could not be read as CSV near line "
            f"{reader.line_num}: {error}.",
        ) from None


def _decode(data: bytes, shown_name: str) -> str:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encodings: tuple[str, ...] = ("utf-16",)
    elif data.startswith(codecs.BOM_UTF8):
        encodings = ("utf-8-sig",)
    elif b"\x00" in data:
        raise _Refusal(
            "not_text",
            f"The file {shown_name} is not an Excel workbook (.xlsx) or a CSV file.",
        )
    else:
        # Excel's plain "CSV (Comma delimited)" is Windows-1252, not Latin-1.
        encodings = ("utf-8", "cp1252")

    for encoding in encodings:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue

    raise _Refusal(
        "unreadable_encoding",
        f"The characters in the file {shown_name} could not be read. In Excel, save "
        "it as 'CSV UTF-8 (Comma delimited)' and upload it again.",
    )


def _headings_found(text: str, delimiter: str) -> int:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next((record for record in reader if any(map(str.strip, record))), [])
    except csv.Error:
        return 0
    return sum(
        1 for f in FIELDS for heading in header if f.matches(_heading_key(heading))
    )


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, date | time):
        return value.isoformat()
    return str(value).strip()


def _trimmed(cells: list[str]) -> list[str]:
    while cells and not cells[-1]:
        cells.pop()
    return cells


def _heading_key(heading: str) -> str:
    """Fold a heading so that spelling variants of one question compare equal.

    "Target Level (End of Year 11)", "Target Level - End of Year 11" and
    "TARGET LEVEL" all give "target level"; "2. Subject" gives "subject".
    """
    text = unicodedata.normalize("NFKC", heading).casefold()
    text = re.sub(r"\([^)]*\)", " ", text)
    text = re.sub(r"['\u2019]", "", text)
    text = re.sub(r"[^0-9a-z]+", " ", text).strip()
    text = re.sub(r"^\d+ ", "", text)
    text = re.sub(
        r" (?:at |by )?(?:the )?end of (?:year|yr|ks|key stage) ?\d+$", "", text
    )
    return text


def _name_key(name: str) -> str:
    """Fold a pupil's name: case, spacing, accents, and "Smith, Emma" order."""
    text = unicodedata.normalize("NFKD", name)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.replace("\u2019", "'").casefold()
    if text.count(",") == 1:
        surname, forenames = text.split(",")
        text = f"{forenames} {surname}"
    return " ".join(text.replace(",", " ").split())


def _missing_headings_message(missing: list[str]) -> str:
    if len(missing) == 1:
        return (
            f"The file has no '{missing[0]}' column. Check the form asks for it and "
            "that the first row of the file holds the question headings."
        )
    listed = " and ".join(f"'{heading}'" for heading in missing)
    return (
        f"The file has no {listed} columns. Check the form asks for them and that "
        "the first row of the file holds the question headings."
    )


def _quoted(value: str) -> str:
    flat = " ".join(value.split())
    if len(flat) > MESSAGE_VALUE_LENGTH:
        flat = flat[: MESSAGE_VALUE_LENGTH - 1] + "…"
    return f"'{flat}'"


def _shown_filename(filename: str) -> str:
    # Some browsers send a full Windows path; people know their file by its name.
    name = re.split(r"[\\/]", filename)[-1].strip()
    return _quoted(name) if name else "you uploaded"


def _column_letter(index: int) -> str:
    return get_column_letter(index + 1)


def _size(byte_count: int, round_up: bool) -> str:
    # A file's size is rounded up and the limit down, so that a file just over the
    # limit never reads as the same size as the limit.
    rounding = math.ceil if round_up else math.floor
    for unit, name in ((1_000_000, "MB"), (1_000, "KB")):
        if byte_count >= unit:
            return f"{rounding(byte_count * 10 / unit) / 10:g} {name}"
    return f"{byte_count} bytes"
