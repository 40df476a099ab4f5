"""import_schools: the GIAS establishment extract into School, by URN."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from peps.imports.reading import read_csv
from peps.models import School
from tests import factories

SAMPLES = Path(settings.BASE_DIR) / "data" / "gias"
REAL_UTF8 = SAMPLES / "edubase_leeds383_2023-07_subset_utf8.csv"
REAL_CP1252 = SAMPLES / "edubase_leeds383_2023-07_subset_cp1252_DERIVED.csv"
FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "gias"
SMALL_UTF8 = FIXTURES / "schools_utf8_bom.csv"
SMALL_CP1252 = FIXTURES / "schools_cp1252.csv"
LAYOUT_2025 = FIXTURES / "schools_2025_layout.csv"

HEADINGS = "URN,EstablishmentName,EstablishmentStatus (name),OpenDate,StatutoryLowAge"


def run(path: Path) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_schools", str(path), stdout=out, stderr=err)
    return out.getvalue().strip(), err.getvalue().strip()


def write(tmp_path: Path, content: bytes, name: str = "extract.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(content)
    return path


def stored_schools() -> list[dict]:
    return list(School.objects.order_by("urn").values())


# The real Leeds sample --------------------------------------------------------


@pytest.mark.django_db
def test_real_leeds_sample_creates_all_326_schools():
    out, err = run(REAL_UTF8)

    assert out == "schools: created=326 updated=0 unchanged=0 rejected=0"
    assert err == ""
    assert School.objects.count() == 326
    assert School.objects.filter(status=School.Status.CLOSED).count() == 20


@pytest.mark.django_db
def test_second_run_of_the_real_sample_changes_nothing():
    run(REAL_UTF8)
    before = stored_schools()

    out, _ = run(REAL_UTF8)

    assert out == "schools: created=0 updated=0 unchanged=326 rejected=0"
    assert stored_schools() == before


@pytest.mark.django_db
def test_windows_1252_download_matches_the_utf8_copy_school_for_school():
    run(REAL_UTF8)

    out, _ = run(REAL_CP1252)

    assert out == "schools: created=0 updated=0 unchanged=326 rejected=0"


def test_both_real_copies_read_to_identical_rows_with_quotes_repaired():
    from_utf8 = read_csv(REAL_UTF8.read_bytes(), REAL_UTF8.name)
    from_cp1252 = read_csv(REAL_CP1252.read_bytes(), REAL_CP1252.name)

    assert from_utf8.headings == from_cp1252.headings
    assert len(from_utf8.headings) == 140
    assert [row.fields for row in from_utf8.rows] == [
        row.fields for row in from_cp1252.rows
    ]
    sponsors = from_utf8.find("SchoolSponsors (name)")
    repaired = [
        row.fields[sponsors]
        for row in from_utf8.rows
        if "\u2019" in row.fields[sponsors]
    ]
    assert repaired == ["Prince Henry\u2019s Collaborative Learning Trust"] * 4
    assert not any(
        0x80 <= ord(character) <= 0x9F
        for row in from_utf8.rows
        for field in row.fields
        for character in field
    )


@pytest.mark.django_db
def test_real_sample_keeps_leading_zeros_and_reads_dates_day_first():
    run(REAL_UTF8)

    hunslet = School.objects.get(urn=107806)
    assert hunslet.closed_on == date(1998, 8, 31)
    assert hunslet.local_authority_code == "383"
    assert hunslet.status == School.Status.CLOSED


# Small files made for the tests ----------------------------------------------


@pytest.mark.django_db
def test_control_character_in_a_school_name_becomes_a_right_quotation_mark():
    run(SMALL_UTF8)

    name = School.objects.get(urn=900101).name
    assert "\u2019" in name
    assert name == "St Bride\u2019s Church of England Primary School"


@pytest.mark.django_db
def test_utf8_and_windows_1252_files_store_identical_schools():
    run(SMALL_UTF8)
    from_utf8 = [
        {key: value for key, value in row.items() if key not in {"id", "updated_at"}}
        for row in stored_schools()
    ]
    School.objects.all().delete()

    run(SMALL_CP1252)
    from_cp1252 = [
        {key: value for key, value in row.items() if key not in {"id", "updated_at"}}
        for row in stored_schools()
    ]

    assert from_utf8 == from_cp1252
    assert (
        School.objects.get(urn=900102).name == "Exampleton Academy \u2013 Upper School"
    )


@pytest.mark.django_db
def test_every_mapped_column_lands_in_its_field():
    run(SMALL_UTF8)

    school = School.objects.get(urn=900102)
    assert school.establishment_type == "Academy converter"
    assert school.establishment_type_group == "Academies"
    assert school.phase == "Secondary"
    assert school.status == School.Status.OPEN
    assert (school.statutory_low_age, school.statutory_high_age) == (11, 18)
    assert school.street == "Mill Road"
    assert school.town == "Exampleton"
    assert school.county == ""
    assert school.postcode == "ZZ1 2BB"
    assert school.telephone == "01134960102"
    assert school.website == "https://exampleton-academy.example.org"
    assert school.local_authority_code == "008"
    assert school.local_authority_name == "Exampleshire"
    assert school.opened_on == date(2012, 9, 1)
    assert school.closed_on is None
    assert school.headteacher_name == "Mr Ben Sample"
    proposed = School.objects.get(urn=900104)
    assert proposed.status == School.Status.OPEN_PROPOSED_TO_CLOSE


@pytest.mark.django_db
def test_changed_row_is_updated_and_portal_fields_are_left_alone(link_teacher):
    run(SMALL_UTF8)
    School.objects.filter(urn=900101).update(
        designated_teacher_name="Dee Teacher",
        designated_teacher_email="dee@example.invalid",
        designated_teacher_telephone="0113 496 0999",
        link_teacher=link_teacher,
        name="An out-of-date name",
    )

    out, _ = run(SMALL_UTF8)

    assert out == "schools: created=0 updated=1 unchanged=3 rejected=0"
    school = School.objects.get(urn=900101)
    assert school.name == "St Bride\u2019s Church of England Primary School"
    assert school.designated_teacher_name == "Dee Teacher"
    assert school.designated_teacher_email == "dee@example.invalid"
    assert school.designated_teacher_telephone == "0113 496 0999"
    assert school.link_teacher == link_teacher


@pytest.mark.django_db
def test_columns_missing_from_a_later_layout_leave_stored_values_alone():
    run(SMALL_UTF8)

    out, err = run(LAYOUT_2025)

    assert out == "schools: created=0 updated=1 unchanged=3 rejected=0"
    assert err == ""
    school = School.objects.get(urn=900101)
    assert school.headteacher_name == "Mrs Dora Newhead"
    assert school.telephone == "01134960101"
    assert school.county == "West Exampleshire"


@pytest.mark.django_db
def test_import_keeps_history_naming_the_file():
    run(SMALL_UTF8)

    record = School.history.filter(urn=900101).get()
    assert record.history_type == "+"
    assert record.history_change_reason == "GIAS import: schools_utf8_bom.csv"


# Bad files and bad rows -------------------------------------------------------


@pytest.mark.django_db
def test_file_without_required_headings_is_refused_whole(tmp_path):
    factories.SchoolFactory(urn=900101)
    path = write(tmp_path, b"URN,EstablishmentName,Town\n900101,New name,Leeds\n")

    with pytest.raises(CommandError) as refusal:
        run(path)

    assert refusal.value.returncode == 1
    assert "'EstablishmentStatus (name)'" in str(refusal.value)
    assert "Nothing was imported" in str(refusal.value)
    assert School.objects.get(urn=900101).name.startswith("Invented")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("content", "reason"),
    [
        pytest.param(bytes(range(256)) * 4, "NUL bytes", id="binary-garbage"),
        pytest.param(
            f"{HEADINGS}\n900001,Caf\x81 School,Open,,4\n".encode("latin-1"),
            "neither UTF-8 nor Windows-1252",
            id="undefined-windows-1252-byte",
        ),
        pytest.param(b"", "empty", id="empty-file"),
        pytest.param(
            f'{HEADINGS}\n900001,"{"x" * 200_000}",Open,,4\n'.encode(),
            "cannot be read as CSV",
            id="field-beyond-the-csv-limit",
        ),
    ],
)
def test_unreadable_file_is_refused_whole(tmp_path, content, reason):
    path = write(tmp_path, content)

    with pytest.raises(CommandError) as refusal:
        run(path)

    assert reason in str(refusal.value)
    assert not School.objects.exists()


@pytest.mark.django_db
def test_bad_rows_are_reported_with_line_column_and_reason_while_good_rows_go_in(
    tmp_path,
):
    content = "\n".join(
        [
            HEADINGS,
            "900001,Good Primary School,Open,01-09-2001,4",
            "900002,Bad Date School,Open,31-02-2010,4",
            "900003,Unknown Status School,Mothballed,,4",
            "900004,,Open,,4",
            f"900005,{'Long' * 51},Open,,4",
            "URN5,Letters School,Open,,4",
            "900001,Second Copy School,Open,,4",
            "900008,Too Few Fields,Open",
            "900009,Slash Date School,Open,01/09/2001,4",
            "900010,Old Pupil School,Open,,two",
        ]
    )
    path = write(tmp_path, content.encode())

    out, err = run(path)

    assert out == "schools: created=1 updated=0 unchanged=0 rejected=9"
    assert err.splitlines() == [
        "line 3, column OpenDate: '31-02-2010' is not a date (dd-mm-yyyy)",
        "line 4, column EstablishmentStatus (name): 'Mothballed' is not one of "
        "'Open', 'Closed', 'Open, but proposed to close', 'Proposed to open'",
        "line 5, column EstablishmentName: is blank",
        "line 6, column EstablishmentName: is 204 characters long; at most 200 fit",
        "line 7, column URN: 'URN5' is not a whole number",
        "line 8, column URN: URN 900001 is already on line 2",
        "line 9: the row has 3 fields where the headings have 5",
        "line 10, column OpenDate: '01/09/2001' is not a date (dd-mm-yyyy)",
        "line 11, column StatutoryLowAge: 'two' is not a whole number",
    ]
    assert list(School.objects.values_list("urn", "opened_on")) == [
        (900001, date(2001, 9, 1))
    ]


@pytest.mark.django_db
def test_quoted_field_spanning_lines_keeps_later_line_numbers_right(tmp_path):
    content = (
        f'{HEADINGS}\n900001,"Two\nLine School",Open,,4\n900002,Later School,Open,,x\n'
    )
    path = write(tmp_path, content.encode())

    out, err = run(path)

    assert out == "schools: created=1 updated=0 unchanged=0 rejected=1"
    assert err == "line 4, column StatutoryLowAge: 'x' is not a whole number"
