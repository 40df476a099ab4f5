"""import_ssda903: the Children Looked After return into Child and CareEpisode."""

from __future__ import annotations

import io
import logging
import shutil
import time
from datetime import date
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from peps.imports import ssda903_codes
from peps.models import CareEpisode, Child
from tests import factories

SAMPLES = Path(settings.BASE_DIR) / "data" / "ssda903"
FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "ssda903"

HEADER = "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB"
EPISODES = (
    "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,"
    "HOME_POST,PL_POST,URN"
)


def run(*paths: Path) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_ssda903", *map(str, paths), stdout=out, stderr=err)
    return out.getvalue().strip(), err.getvalue().strip()


def write(tmp_path: Path, name: str, *lines: str) -> Path:
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n")
    return path


def fixtures() -> tuple[Path, Path, Path]:
    return FIXTURES / "header.csv", FIXTURES / "episodes.csv", FIXTURES / "oc2.csv"


# The real sample -------------------------------------------------------------


@pytest.mark.django_db
def test_real_sample_imports_every_child_and_episode_in_seconds():
    started = time.monotonic()
    out, err = run(
        SAMPLES / "header.csv", SAMPLES / "episodes.csv", SAMPLES / "oc2.csv"
    )
    elapsed = time.monotonic() - started

    assert out.splitlines() == [
        "children: created=2675 updated=0 unchanged=0 rejected=0",
        "episodes: created=5050 updated=0 unchanged=0 rejected=0",
        "OC2 outcomes: applied=2675 rejected=0",
    ]
    assert err == ""
    assert Child.objects.count() == 2675
    assert CareEpisode.objects.count() == 5050
    # A generous bound: row-by-row saving took minutes; bulk work takes seconds.
    assert elapsed < 60


@pytest.mark.django_db
def test_second_run_of_the_real_sample_changes_nothing():
    files = (SAMPLES / "header.csv", SAMPLES / "episodes.csv", SAMPLES / "oc2.csv")
    run(*files)

    out, _ = run(*files)

    assert out.splitlines() == [
        "children: created=0 updated=0 unchanged=2675 rejected=0",
        "episodes: created=0 updated=0 unchanged=5050 rejected=0",
        "OC2 outcomes: applied=2675 rejected=0",
    ]


@pytest.mark.django_db
def test_real_sample_quirks_are_read_as_documented():
    run(SAMPLES / "header.csv", SAMPLES / "episodes.csv", SAMPLES / "oc2.csv")

    # MOTHER written "1.0" by a spreadsheet.
    assert Child.objects.filter(is_mother=True).count() == 1
    # 552 children have no episodes: nothing says they are in care now.
    no_episodes = Child.objects.filter(episodes__isnull=True)
    assert no_episodes.count() == 552
    assert not no_episodes.filter(care_started_on__isnull=False).exists()
    # Two open episodes: the later one, an "S", starts the current period.
    assert Child.objects.get(local_child_id="930935").care_started_on == date(
        2018, 2, 24
    )
    # SDQ_SCORE blank with SDQ_REASON given.
    assert Child.objects.filter(sdq_score__isnull=True).exclude(sdq_reason="").count()
    assert Child.objects.filter(care_started_on__isnull=False).count() == 1411


@pytest.mark.django_db
def test_tables_are_recognised_by_their_columns_not_their_names(tmp_path):
    header, episodes, outcomes = fixtures()
    renamed = []
    for source, name in ((outcomes, "a.csv"), (episodes, "b.txt"), (header, "c")):
        renamed.append(tmp_path / name)
        shutil.copy(source, renamed[-1])

    out, err = run(*renamed)

    assert err == ""
    assert out.splitlines() == [
        "children: created=5 updated=0 unchanged=0 rejected=0",
        "episodes: created=8 updated=0 unchanged=0 rejected=0",
        "OC2 outcomes: applied=4 rejected=0",
    ]


# What the small tables become -----------------------------------------------


@pytest.mark.django_db
def test_children_get_their_codes_and_their_current_care_start():
    run(*fixtures())

    children = {child.local_child_id: child for child in Child.objects.all()}
    assert children["100001"].sex == "M"
    assert children["100001"].care_started_on == date(2020, 4, 1)
    assert children["100001"].sdq_score == 17
    assert children["100002"].upn == "UN2"
    assert children["100002"].is_mother is True
    assert children["100002"].mother_child_date_of_birth == date(2024, 2, 1)
    assert children["100002"].care_started_on == date(2023, 5, 1)
    assert (children["100002"].sdq_score, children["100002"].sdq_reason) == (
        None,
        "SDQ2",
    )
    assert children["100003"].sex == "M"
    assert children["100003"].care_started_on is None
    assert children["100004"].upn == "C12345678901Z"
    assert children["100004"].is_mother is False
    assert children["100004"].care_started_on is None
    assert children["100005"].sex == "U"
    assert children["100005"].care_started_on == date(2023, 6, 1)
    assert children["100005"].sdq_score == 12
    assert all(child.forename == child.surname == "" for child in children.values())


@pytest.mark.django_db
def test_episode_urn_stays_with_the_placement():
    run(*fixtures())

    first = CareEpisode.objects.get(
        child__local_child_id="100001", reason_for_new_episode="S"
    )
    assert first.placement_urn == "SC123456"
    assert first.ended_on == date(2021, 9, 15)
    assert first.reason_ceased == "X1"
    assert first.reason_place_change == "CARPL"
    assert (first.home_postcode, first.placement_postcode) == ("ZZ1 1AA", "ZZ2 2BB")
    outward_only = CareEpisode.objects.get(
        child__local_child_id="100002", started_on=date(2023, 5, 1)
    )
    assert outward_only.placement_postcode == "ZZ9"


@pytest.mark.django_db
def test_portal_fields_of_a_child_survive_a_reimport(social_worker):
    run(*fixtures())
    Child.objects.filter(local_child_id="100001").update(
        forename="Ali", surname="Example", social_worker=social_worker
    )

    out, _ = run(*fixtures())

    assert out.splitlines()[0] == "children: created=0 updated=0 unchanged=5 rejected=0"
    child = Child.objects.get(local_child_id="100001")
    assert (child.forename, child.surname, child.social_worker) == (
        "Ali",
        "Example",
        social_worker,
    )


@pytest.mark.django_db
def test_changed_values_update_the_stored_rows(tmp_path):
    header, episodes, outcomes = fixtures()
    run(header, episodes, outcomes)
    later = write(
        tmp_path,
        "episodes.csv",
        EPISODES,
        "100003,05/05/2021,S,V2,N5,U6,PR1,05/05/2022,E4A,,ZZ5 5FF,ZZ5 5GG,",
        "100003,01/11/2024,S,C1,N1,U6,PR1,,,,ZZ5 5FF,ZZ8 8LL,",
        "100001,15/09/2021,P,C2,N1,U4,PR4,,,,ZZ1 1AA,ZZ3 3CC,1234567",
    )

    out, err = run(later)

    assert err == ""
    assert out.splitlines() == [
        "children: created=0 updated=1 unchanged=1 rejected=0",
        "episodes: created=1 updated=1 unchanged=1 rejected=0",
    ]
    assert Child.objects.get(local_child_id="100003").care_started_on == date(
        2024, 11, 1
    )
    assert (
        CareEpisode.objects.get(
            child__local_child_id="100001", started_on=date(2021, 9, 15)
        ).placement_type
        == "U4"
    )


@pytest.mark.django_db
def test_episodes_alone_may_follow_children_already_in_the_portal(tmp_path):
    factories.ChildFactory(local_child_id="300001", care_started_on=None)
    episodes = write(
        tmp_path,
        "episodes.csv",
        EPISODES,
        "300001,02/03/2024,S,C2,N1,U4,PR1,,,,,,",
    )

    out, _ = run(episodes)

    assert out.splitlines()[1] == "episodes: created=1 updated=0 unchanged=0 rejected=0"
    assert Child.objects.get(local_child_id="300001").care_started_on == date(
        2024, 3, 2
    )


@pytest.mark.django_db
def test_import_logs_counts_and_file_names_but_no_child_data(caplog):
    caplog.set_level(logging.INFO, logger="peps.imports.ssda903")

    run(*fixtures())

    logged = caplog.text
    assert "children created=5" in logged
    assert "header.csv" in logged
    for child_data in ("100001", "14/03/2012", "2012-03-14", "A123456789012", "ZZ1"):
        assert child_data not in logged


# Rejected rows ---------------------------------------------------------------


@pytest.mark.django_db
def test_bad_header_rows_are_rejected_and_their_children_bring_no_episodes(tmp_path):
    header = write(
        tmp_path,
        "header.csv",
        HEADER,
        "200001,1,31/02/2010,WBRI,A123456789012,,",
        "200002,3,01/01/2010,WBRI,A123456789013,,",
        "200003,1,01/01/2010,QQQQ,A123456789014,,",
        "200004,2,01/01/2010,WBRI,12345,,",
        "20000500000X,1,01/01/2010,WBRI,UN1,,",
        "200006,2,01/01/2011,WBRI,A123456789015,2,",
        "200007,1,01/01/2012,WBRI,A123456789016,,",
        "200008,1,01/01/2099,WBRI,UN1,,",
        "200009,2,01/01/2012,WBRI,,,",
        "200010.0,1,01/01/2012,WBRI,UN1,,",
        "200007,2,01/01/2012,WBRI,UN1,,",
    )
    episodes = write(
        tmp_path,
        "episodes.csv",
        EPISODES,
        "200001,01/01/2020,S,C2,N1,U4,PR1,,,,,,",
        "200007,01/01/2020,S,C2,N1,U4,PR1,,,,,,",
    )
    outcomes = write(
        tmp_path, "oc2.csv", "CHILD,DOB,SDQ_SCORE,SDQ_REASON", "200002,01/01/2010,10,"
    )

    out, err = run(header, episodes, outcomes)

    assert out.splitlines() == [
        "children: created=1 updated=0 unchanged=0 rejected=10",
        "episodes: created=1 updated=0 unchanged=0 rejected=1",
        "OC2 outcomes: applied=0 rejected=1",
    ]
    h, e, o = (str(path) for path in (header, episodes, outcomes))
    assert err.splitlines() == [
        f"{h}: line 2, column DOB: '31/02/2010' is not a date (dd/mm/yyyy)",
        f"{h}: line 3, column SEX: '3' is not a code of the SEX list",
        f"{h}: line 4, column ETHNIC: 'QQQQ' is not a code of the ethnicity list",
        f"{h}: line 5, column UPN: '12345' is neither a UPN (a letter, 11 digits and "
        "a digit or letter) nor one of the codes UN1 to UN5",
        f"{h}: line 6, column CHILD: is 12 characters long; at most 10 fit",
        f"{h}: line 7, column MOTHER: '2' is not a code of the MOTHER list",
        f"{h}: line 9, column DOB: '01/01/2099' is in the future",
        f"{h}: line 10, column UPN: is blank; give the UPN or one of the codes UN1 "
        "to UN5",
        f"{h}: line 11, column CHILD: '200010.0' is not made of letters and digits "
        "only",
        f"{h}: line 12, column CHILD: CHILD '200007' is already on line 8",
        f"{e}: line 2, column CHILD: the header row of CHILD '200001' (line 2 of {h}) "
        "was rejected, so this row is left out too",
        f"{o}: line 2, column CHILD: the header row of CHILD '200002' (line 3 of {h}) "
        "was rejected, so this row is left out too",
    ]
    assert list(Child.objects.values_list("local_child_id", flat=True)) == ["200007"]
    assert list(
        CareEpisode.objects.values_list("child__local_child_id", flat=True)
    ) == ["200007"]


@pytest.mark.django_db
def test_rejected_header_row_holds_back_episodes_of_a_child_already_stored(tmp_path):
    factories.ChildFactory(local_child_id="200001")
    header = write(tmp_path, "header.csv", HEADER, "200001,1,31/02/2010,WBRI,UN1,,")
    episodes = write(
        tmp_path, "episodes.csv", EPISODES, "200001,01/01/2020,S,C2,N1,U4,PR1,,,,,,"
    )

    out, _ = run(header, episodes)

    assert out.splitlines()[1] == "episodes: created=0 updated=0 unchanged=0 rejected=1"
    assert not CareEpisode.objects.exists()


@pytest.mark.django_db
def test_bad_episode_rows_are_rejected_with_line_column_and_reason(tmp_path):
    factories.ChildFactory(local_child_id="200007")
    episodes = write(
        tmp_path,
        "episodes.csv",
        EPISODES,
        "200007,01/01/2020,S,ZZ,N1,U4,PR1,,,,,,",
        "200007,01/02/2020,Q,C2,N1,U4,PR1,,,,,,",
        "200007,01/03/2020,S,C2,N1,U4,PR1,15/02/2020,E8,,,,",
        "200007,01/04/2020,S,C2,N1,U4,PR1,01/05/2020,,,,,",
        "200007,01/06/2020,S,C2,N1,U4,PR1,,,,ZZ1 1AA,NOT A POSTCODE,",
        "200007,01/07/2020,S,C2,N9,U4,PR9,,E99,MOVED,,,SC-1",
        "200007,01/08/2020,S,C2,N1,U4,PR1,,,,,,",
        "200007,01/08/2020,P,C2,N1,U6,PR1,,,,,,",
        "999999,01/08/2020,S,C2,N1,U4,PR1,,,,,,",
        "200007,2020-09-01,S,C2,N1,U4,PR1,,,,,,",
    )

    out, err = run(episodes)

    assert out.splitlines() == [
        "children: created=0 updated=1 unchanged=0 rejected=0",
        "episodes: created=1 updated=0 unchanged=0 rejected=9",
    ]
    p = str(episodes)
    assert err.splitlines() == [
        f"{p}: line 2, column LS: 'ZZ' is not a code of the LS list",
        f"{p}: line 3, column RNE: 'Q' is not a code of the RNE list",
        f"{p}: line 4, column DEC: '15/02/2020' is before the episode's start, DECOM "
        "01/03/2020",
        f"{p}: line 5, column REC: is blank, but DEC says the episode ended",
        f"{p}: line 6, column PL_POST: 'NOT A POSTCODE' is not a postcode",
        f"{p}: line 7, column CIN: 'N9' is not a code of the CIN list",
        f"{p}: line 7, column PLACE_PROVIDER: 'PR9' is not a code of the "
        "PLACE_PROVIDER list",
        f"{p}: line 7, column REC: 'E99' is not a code of the REC list",
        f"{p}: line 7, column REASON_PLACE_CHANGE: 'MOVED' is not a code of the "
        "REASON_PLACE_CHANGE list",
        f"{p}: line 7, column URN: 'SC-1' is not an Ofsted URN (letters and digits)",
        f"{p}: line 9, column DECOM: CHILD '200007' already has an episode starting "
        "01/08/2020, on line 8",
        f"{p}: line 10, column CHILD: CHILD '999999' is neither in a header table "
        "given here nor already in the portal",
        f"{p}: line 11, column DECOM: '2020-09-01' is not a date (dd/mm/yyyy)",
    ]
    assert list(CareEpisode.objects.values_list("started_on", flat=True)) == [
        date(2020, 8, 1)
    ]


@pytest.mark.django_db
def test_bad_outcome_rows_are_rejected(tmp_path):
    run(*fixtures())
    outcomes = write(
        tmp_path,
        "oc2.csv",
        "CHILD,DOB,SDQ_SCORE,SDQ_REASON",
        "100001,14/03/2012,41,",
        "100002,02/11/2010,,SDQ9",
        "100003,30/06/2015,10,SDQ1",
        "100005,01/01/2000,10,",
        "100004,01/01/2009,8,",
    )

    out, err = run(outcomes)

    assert out.splitlines()[2] == "OC2 outcomes: applied=1 rejected=4"
    p = str(outcomes)
    assert err.splitlines() == [
        f"{p}: line 2, column SDQ_SCORE: '41' is outside the range 0 to 40",
        f"{p}: line 3, column SDQ_REASON: 'SDQ9' is not a code of the SDQ reason list",
        f"{p}: line 4, column SDQ_REASON: is given as well as SDQ_SCORE; a reason is "
        "only for a missing score",
        f"{p}: line 5, column DOB: 01/01/2000 is not the date of birth of CHILD "
        "'100005'",
    ]
    assert Child.objects.get(local_child_id="100004").sdq_score == 8


# Files refused whole ---------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("lines", "reason"),
    [
        pytest.param(
            ("CHILD,SEX,DOB,ETHNIC,UPN", "400001,1,01/01/2012,WBRI,UN1"),
            "looks like the header table of the SSDA903 return but lacks the "
            "column(s) MOTHER, MC_DOB",
            id="header-missing-columns",
        ),
        pytest.param(
            ("URN,EstablishmentName,EstablishmentStatus (name)", "1,A School,Open"),
            "is not one of the tables this import reads",
            id="a-gias-extract",
        ),
        pytest.param(
            (f"{HEADER},SDQ_SCORE,SDQ_REASON", "400001,1,01/01/2012,WBRI,UN1,,,5,"),
            "has the columns of both the header and OC2 tables",
            id="two-tables-in-one",
        ),
    ],
)
def test_file_that_is_not_a_readable_table_is_refused_whole(tmp_path, lines, reason):
    path = write(tmp_path, "table.csv", *lines)

    with pytest.raises(CommandError) as refusal:
        run(path)

    assert refusal.value.returncode == 1
    assert not Child.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("content", "reason"),
    [
        pytest.param(bytes(range(256)) * 8, "NUL bytes", id="binary-garbage"),
        pytest.param(
            b"CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\n4\x8f1,1,01/01/2012,WBRI,UN1,,\n",
            "neither UTF-8 nor Windows-1252",
            id="undefined-windows-1252-byte",
        ),
    ],
)
def test_unreadable_file_is_refused_and_the_others_still_go_in(
    tmp_path, content, reason
):
    broken = tmp_path / "broken.csv"
    broken.write_bytes(content)
    header, _, _ = fixtures()
    out, err = io.StringIO(), io.StringIO()

    with pytest.raises(CommandError) as refusal:
        call_command("import_ssda903", str(broken), str(header), stdout=out, stderr=err)

    assert "1 of 2 file(s) refused whole" in str(refusal.value)
    assert f"Refused whole, nothing from it imported: {broken}: " in err.getvalue()
    assert reason in err.getvalue()
    assert out.getvalue().splitlines()[0] == (
        "children: created=5 updated=0 unchanged=0 rejected=0"
    )


@pytest.mark.django_db
def test_refusal_message_names_what_is_missing(tmp_path):
    path = write(
        tmp_path, "header.csv", "CHILD,SEX,DOB,ETHNIC,UPN", "1,1,01/01/2012,WBRI,UN1"
    )
    err = io.StringIO()

    with pytest.raises(CommandError):
        call_command("import_ssda903", str(path), stdout=io.StringIO(), stderr=err)

    assert err.getvalue().strip() == (
        f"Refused whole, nothing from it imported: {path}: the file looks like the "
        "header table of the SSDA903 return but lacks the column(s) MOTHER, MC_DOB."
    )


@pytest.mark.django_db
def test_same_table_given_twice_refuses_the_second(tmp_path):
    header, _, _ = fixtures()
    copy = tmp_path / "header-again.csv"
    shutil.copy(header, copy)
    err = io.StringIO()

    with pytest.raises(CommandError):
        call_command(
            "import_ssda903", str(header), str(copy), stdout=io.StringIO(), stderr=err
        )

    assert "is already the header table; give each table once" in err.getvalue()
    assert Child.objects.count() == 5


# Code lists ------------------------------------------------------------------


def test_every_legal_status_label_fits_the_pep_form():
    labels = [
        ssda903_codes.legal_status_label(code) for code in ssda903_codes.LEGAL_STATUS
    ]

    assert max(map(len, labels)) <= 120
    assert ssda903_codes.legal_status_label("C2") == "C2: Full care order"
    assert ssda903_codes.legal_status_label("Q9") == "Q9"


@pytest.mark.parametrize(
    ("given", "stored"),
    [("1", "M"), ("2", "F"), ("M", "M"), ("F", "F"), ("U", "U")],
)
def test_both_generations_of_sex_codes_map_to_the_stored_code(given, stored):
    assert ssda903_codes.SEX[given] == stored
