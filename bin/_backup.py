"""Back up, restore and test the restore of PEP Portal's database and private files.

Run through bin/backup, bin/restore and bin/check-restore; see
docs/backup-and-restore.md. PostgreSQL only: SQLite is the embedded default for
trying the portal, not something to keep records in.

A backup is a folder holding:
- database.dump: `pg_dump --format=custom` of the whole database;
- private-files.tar.gz: everything under PRIVATE_STORAGE_ROOT;
- manifest.json: the row count of every table, read in the very snapshot that
  pg_dump dumped, and the SHA-256 of every file as it went into the archive;
- SHA256SUMS: checksums of the three files above, checked before any restore.

A restore goes only into an empty database and an empty folder, and then compares
both with the manifest: the same row count in every table, the same checksum for
every file. bin/check-restore does a backup and a restore into a scratch database
and folder, so a backup is known to restore before it is needed.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import secrets
import shutil
import subprocess  # nosec B404  # runs pg_dump and pg_restore with fixed arguments
import sys
import tarfile
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql

ROOT = Path(__file__).resolve().parent.parent
DUMP = "database.dump"
ARCHIVE = "private-files.tar.gz"
MANIFEST = "manifest.json"
SUMS = "SHA256SUMS"


class BackupError(Exception):
    """Something an operator must fix; the message says what."""


# Shared ------------------------------------------------------------------------


def database_url(given: str | None) -> str:
    url = given or os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        raise BackupError(
            "Set DATABASE_URL (or --database-url) to the PostgreSQL database, for "
            "example postgres://user@127.0.0.1:5432/pep_portal."
        )
    return url


def files_root(given: str | None) -> Path:
    if given:
        return Path(given)
    default = ROOT / "var" / "private"
    return Path(os.environ.get("PRIVATE_STORAGE_ROOT") or default)


def database_name(url: str) -> str:
    return urlsplit(url).path.lstrip("/")


def with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def table_counts(cursor: psycopg.Cursor) -> dict[str, int]:
    cursor.execute(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"
    )
    tables = [row[0] for row in cursor.fetchall()]
    counts = {}
    for table in tables:
        query = sql.SQL("SELECT count(*) FROM public.{}").format(sql.Identifier(table))
        cursor.execute(query)
        counts[table] = cursor.fetchone()[0]
    return counts


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def run(command: list[str]) -> None:
    # A fixed program (pg_dump or pg_restore) with arguments built here.
    result = subprocess.run(  # noqa: S603  # nosec B603
        command, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip()}")


# Backup ------------------------------------------------------------------------


def backup(url: str, files: Path, destination: Path) -> Path:
    """Write a backup folder under ``destination`` and return its path."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    folder = destination / f"pep-portal-backup-{stamp}"
    folder.mkdir(parents=True, mode=0o700)

    counts = _dump_database(url, folder / DUMP)
    file_sums = _archive_files(files, folder / ARCHIVE)

    manifest = {
        "format": 1,
        "created_at": datetime.now(UTC).isoformat(),
        "database": database_name(url),
        "tables": counts,
        "files": file_sums,
    }
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True))
    sums = "".join(
        f"{sha256_of(folder / name)}  {name}\n" for name in (DUMP, ARCHIVE, MANIFEST)
    )
    (folder / SUMS).write_text(sums)
    return folder


def _dump_database(url: str, target: Path) -> dict[str, int]:
    """Dump the database and count its rows in one and the same snapshot."""
    with psycopg.connect(url) as connection:
        connection.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        with connection.transaction(), connection.cursor() as cursor:
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            counts = table_counts(cursor)
            # The exported snapshot lives as long as this transaction: pg_dump must
            # run before it ends.
            run(
                [
                    "pg_dump",
                    "--format=custom",
                    f"--snapshot={snapshot}",
                    f"--file={target}",
                    f"--dbname={url}",
                ]
            )
    target.chmod(0o600)
    return counts


def _archive_files(root: Path, target: Path) -> dict[str, str]:
    """Archive every file under ``root``; checksums are read back from the archive,
    so they describe exactly what was archived even while uploads go on."""
    with tarfile.open(target, "w:gz") as archive:
        if root.is_dir():
            for path in sorted(root.rglob("*")):
                if path.is_file() and not path.is_symlink():
                    archive.add(path, arcname=str(path.relative_to(root)))
    target.chmod(0o600)

    sums = {}
    with tarfile.open(target, "r:gz") as archive:
        for member in archive.getmembers():
            stream = archive.extractfile(member)
            if stream is not None:
                sums[member.name] = hashlib.sha256(stream.read()).hexdigest()
    return sums


# Restore -----------------------------------------------------------------------


def restore(folder: Path, url: str, files: Path) -> dict[str, int]:
    """Restore a backup into an empty database and folder, then verify both."""
    manifest = _checked_manifest(folder)
    _refuse_unless_empty(url, files)

    run(
        [
            "pg_restore",
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            f"--dbname={url}",
            str(folder / DUMP),
        ]
    )
    files.mkdir(parents=True, exist_ok=True, mode=0o700)
    with tarfile.open(folder / ARCHIVE, "r:gz") as archive:
        archive.extractall(files, filter="data")

    return verify(manifest, url, files)


def verify(manifest: dict, url: str, files: Path) -> dict[str, int]:
    """Compare a restored database and folder with a backup's manifest."""
    with psycopg.connect(url) as connection, connection.cursor() as cursor:
        counts = table_counts(cursor)
    problems = [
        f"table {table}: {manifest['tables'].get(table)} rows in the backup, "
        f"{counts.get(table)} restored"
        for table in sorted(set(manifest["tables"]) | set(counts))
        if manifest["tables"].get(table) != counts.get(table)
    ]

    restored_files = {
        str(path.relative_to(files)): sha256_of(path)
        for path in files.rglob("*")
        if path.is_file()
    }
    for name in sorted(set(manifest["files"]) | set(restored_files)):
        expected, found = manifest["files"].get(name), restored_files.get(name)
        if expected != found:
            what = (
                "missing"
                if found is None
                else "unexpected"
                if expected is None
                else "different"
            )
            problems.append(f"file {name}: {what}")

    if problems:
        raise BackupError(
            "The restore does not match the backup:\n  " + "\n  ".join(problems)
        )
    return {
        "tables": len(counts),
        "rows": sum(counts.values()),
        "files": len(restored_files),
    }


def _checked_manifest(folder: Path) -> dict:
    sums_file = folder / SUMS
    if not sums_file.is_file():
        raise BackupError(f"{folder} is not a PEP Portal backup: it has no {SUMS}.")
    for line in sums_file.read_text().splitlines():
        expected, name = line.split(maxsplit=1)
        path = folder / name
        if not path.is_file() or sha256_of(path) != expected:
            raise BackupError(
                f"{name} in {folder} is missing or damaged: its checksum does not "
                "match. Use another backup."
            )
    return json.loads((folder / MANIFEST).read_text())


def _refuse_unless_empty(url: str, files: Path) -> None:
    with psycopg.connect(url) as connection, connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
        tables = cursor.fetchone()[0]
    if tables:
        raise BackupError(
            f"The database {database_name(url)} already has {tables} tables. Restore "
            "only into a new, empty database."
        )
    if files.exists() and any(files.iterdir()):
        raise BackupError(
            f"The folder {files} is not empty. Restore only into a new, empty folder."
        )


# Check -------------------------------------------------------------------------


@contextlib.contextmanager
def scratch_database(url: str) -> Iterator[str]:
    """A new empty database beside the source, dropped again afterwards."""
    name = f"{database_name(url)[:40]}_restore_check_{secrets.token_hex(4)}"
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield with_database(url, name)
    finally:
        with psycopg.connect(url, autocommit=True) as connection:
            connection.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                    sql.Identifier(name)
                )
            )


def check_restore(url: str, files: Path) -> str:
    work = Path(tempfile.mkdtemp(prefix="pep-restore-check-"))
    try:
        folder = backup(url, files, work / "backups")
        with scratch_database(url) as scratch_url:
            result = restore(folder, scratch_url, work / "restored-files")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return (
        f"Restore check passed: {result['tables']} tables with {result['rows']} rows "
        f"and {result['files']} files match the backup of {database_name(url)}."
    )


# Command line ------------------------------------------------------------------


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="pep-portal-backup")
    commands = parser.add_subparsers(dest="command", required=True)

    backup_command = commands.add_parser("backup", help="write a backup folder")
    backup_command.add_argument("destination", type=Path)

    restore_command = commands.add_parser("restore", help="restore a backup folder")
    restore_command.add_argument("backup", type=Path)

    commands.add_parser("check-restore", help="back up and restore into scratch")

    for command in (backup_command, restore_command, commands.choices["check-restore"]):
        command.add_argument("--database-url", help="default: $DATABASE_URL")
        command.add_argument(
            "--files", help="private files folder; default: $PRIVATE_STORAGE_ROOT"
        )
    arguments = parser.parse_args(argv)

    try:
        url = database_url(arguments.database_url)
        files = files_root(arguments.files)
        if arguments.command == "backup":
            print(backup(url, files, arguments.destination))
        elif arguments.command == "restore":
            result = restore(arguments.backup, url, files)
            print(
                f"Restored and verified {result['tables']} tables with "
                f"{result['rows']} rows and {result['files']} files."
            )
        else:
            print(check_restore(url, files))
    except (BackupError, psycopg.Error) as error:
        print(f"{parser.prog}: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
