"""A backup of the database and private files restores whole: bin/check-restore."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from audit.models import AccessEvent
from tests import factories

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="Backups use pg_dump and pg_restore: PostgreSQL only, not SQLite.",
    ),
    # pg_dump needs committed rows. No serialized_rollback: after the browser tests
    # that run before these and do not use it, restoring would clash with the rows
    # their flush re-created.
    pytest.mark.django_db(transaction=True),
]


def _load_backup_module():
    spec = importlib.util.spec_from_file_location("pep_backup", ROOT / "bin/_backup.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _database_url() -> str:
    """The test database: pytest-django has created it, with tables and rows."""
    settings = connection.settings_dict
    credentials = settings["USER"] or "postgres"
    if settings["PASSWORD"]:
        credentials += f":{settings['PASSWORD']}"
    host = settings["HOST"] or "127.0.0.1"
    port = settings["PORT"] or 5432
    return f"postgres://{credentials}@{host}:{port}/{settings['NAME']}"


@pytest.fixture
def records_and_files(transactional_db, tmp_path):
    """Committed rows (the dump runs in another process) and some private files."""
    pep = factories.PepFactory()
    AccessEvent.objects.create(child_id=pep.child_id, pep_id=pep.pk, action="view_pep")
    files = tmp_path / "private"
    (files / "pupil-voice" / "2026" / "01").mkdir(parents=True)
    (files / "pupil-voice" / "2026" / "01" / "drawing.png").write_bytes(b"\x89PNG" * 99)
    (files / "published" / "pep-1.pdf").parent.mkdir(parents=True)
    (files / "published" / "pep-1.pdf").write_bytes(os.urandom(50_000))
    return files


def test_check_restore_restores_every_row_and_file_into_scratch(records_and_files):
    result = subprocess.run(  # noqa: S603 (fixed arguments)
        [str(ROOT / "bin" / "check-restore")],
        env={
            **os.environ,
            "PYTHON": sys.executable,
            "DATABASE_URL": _database_url(),
            "PRIVATE_STORAGE_ROOT": str(records_and_files),
        },
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )

    assert result.returncode == 0, result.stderr
    assert "Restore check passed:" in result.stdout
    assert "and 2 files match the backup" in result.stdout
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_database WHERE datname LIKE %s",
            [f"{connection.settings_dict['NAME'][:40]}_restore_check_%"],
        )
        assert cursor.fetchone()[0] == 0, "the scratch database was left behind"


def test_a_damaged_backup_is_refused_before_anything_is_restored(
    records_and_files, tmp_path
):
    backups = _load_backup_module()
    folder = backups.backup(_database_url(), records_and_files, tmp_path / "backups")
    dump = folder / "database.dump"
    data = bytearray(dump.read_bytes())
    data[len(data) // 2] ^= 0xFF
    dump.write_bytes(bytes(data))

    with pytest.raises(backups.BackupError, match="database.dump in .* is missing or"):
        backups.restore(folder, _database_url(), tmp_path / "elsewhere")


def test_a_restore_into_a_database_in_use_is_refused(records_and_files, tmp_path):
    backups = _load_backup_module()
    folder = backups.backup(_database_url(), records_and_files, tmp_path / "backups")

    with pytest.raises(backups.BackupError, match="Restore only into a new, empty"):
        backups.restore(folder, _database_url(), tmp_path / "elsewhere")


def test_the_backup_counts_rows_in_the_same_snapshot_it_dumps(
    records_and_files, tmp_path
):
    backups = _load_backup_module()

    folder = backups.backup(_database_url(), records_and_files, tmp_path / "backups")

    manifest = (folder / "manifest.json").read_text()
    assert '"audit_accessevent": 1' in manifest
    assert '"peps_pep": 1' in manifest
    assert "pupil-voice/2026/01/drawing.png" in manifest
    assert oct((folder / "database.dump").stat().st_mode & 0o777) == "0o600"
