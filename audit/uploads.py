"""Check uploaded files by their content, store them privately, serve them safely.

Every upload in the portal (pupil-voice drawings and photos, teacher-comment
spreadsheets, documents) goes through here:

- `check_upload` decides what a file is from its first bytes, never from its name or
  the browser's content type, and refuses anything of another kind or too large, with
  a message that names the file and says what to do.
- `store_private` saves it under `settings.PRIVATE_STORAGE_ROOT` with a random name,
  so a stored file's name reveals nothing and cannot be guessed or chosen.
- `private_file_response` serves a stored file as a download that the browser may not
  render, sniff, run scripts in or cache.

TODO: `delegation/uploads.py` still checks pupil-voice uploads with its own
`check_upload` (which also opens images with Pillow and looks for a PDF's end
marker); fold those two checks into this module and have delegation call it, then
this mark can go.
"""

from __future__ import annotations

import codecs
import io
import logging
import secrets
import unicodedata
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import IO, Any

from django.conf import settings
from django.core.files import File
from django.core.files.storage import FileSystemStorage
from django.http import FileResponse
from django.utils import timezone

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Kind:
    name: str
    label: str
    content_type: str
    extension: str


PNG = Kind("png", "a PNG image", "image/png", "png")
JPEG = Kind("jpeg", "a JPEG image", "image/jpeg", "jpg")
PDF = Kind("pdf", "a PDF", "application/pdf", "pdf")
XLSX = Kind(
    "xlsx",
    "an Excel workbook (.xlsx)",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "xlsx",
)
CSV = Kind("csv", "a CSV file", "text/csv", "csv")
KINDS = {kind.name: kind for kind in (PNG, JPEG, PDF, XLSX, CSV)}

IMAGES = frozenset({"png", "jpeg"})
DOCUMENTS = frozenset({"png", "jpeg", "pdf"})
SPREADSHEETS = frozenset({"xlsx", "csv"})

# A workbook of a few hundred rows unpacks to a few times its size; far more means a
# ZIP bomb, refused before anything unpacks it.
XLSX_UNPACKED_FACTOR = 25
SNIFF_BYTES = 8192
_TEXT_CONTROLS = frozenset(range(0, 32)) - {9, 10, 13}


class UploadRejected(ValueError):
    """The file was refused; ``message`` is written for the person who uploaded it."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class CheckedUpload:
    kind: Kind
    size: int
    original_name: str

    @property
    def content_type(self) -> str:
        return self.kind.content_type


def check_upload(
    upload: IO[bytes] | File | bytes,
    *,
    filename: str = "",
    allowed: Iterable[str],
    max_bytes: int | None = None,
) -> CheckedUpload:
    """Say what ``upload`` is, or raise `UploadRejected` saying why not."""
    allowed_kinds = [KINDS[name] for name in sorted(allowed)]
    limit = settings.UPLOAD_MAX_BYTES if max_bytes is None else max_bytes
    name = display_name(filename or getattr(upload, "name", "") or "")
    shown = f"“{name}”" if name else "The file"

    data = _read_all(upload, limit)
    if data is None:
        raise UploadRejected(
            f"{shown} must be smaller than {_megabytes(limit)}. Choose a smaller file."
        )
    if not data:
        raise UploadRejected(f"{shown} is empty. Choose a file with something in it.")

    kind = _kind_of(data)
    if kind is None or kind not in allowed_kinds:
        raise UploadRejected(
            f"{shown} must be {_labels(allowed_kinds)}. "
            "Save it in one of those formats and try again."
        )
    if kind is XLSX:
        _check_workbook(data, shown)

    return CheckedUpload(kind=kind, size=len(data), original_name=name)


def store_private(
    upload: IO[bytes] | File | bytes, checked: CheckedUpload, *, folder: str
) -> str:
    """Save a checked upload privately; returns its storage name (relative path)."""
    if not folder or PurePath(folder).is_absolute() or ".." in PurePath(folder).parts:
        raise ValueError("folder must be a relative path inside private storage.")

    today = timezone.localdate()
    random_name = f"{secrets.token_hex(16)}.{checked.kind.extension}"
    name = f"{folder}/{today:%Y}/{today:%m}/{random_name}"
    data = upload if isinstance(upload, bytes) else _read_all(upload, checked.size)
    if data is None or len(data) != checked.size:
        raise ValueError("The upload changed between checking and storing it.")

    stored = private_storage().save(name, File(io.BytesIO(data)))
    logger.info(
        "Stored a private .%s file of %d bytes", checked.kind.extension, checked.size
    )
    return stored


def private_storage() -> FileSystemStorage:
    return FileSystemStorage(
        location=settings.PRIVATE_STORAGE_ROOT,
        base_url=None,
        file_permissions_mode=0o600,
        directory_permissions_mode=0o700,
    )


def private_file_response(
    file: IO[bytes] | File | str | Path, filename: str, content_type: str
) -> FileResponse:
    """Serve a private file as a download the browser will not render or keep.

    ``file`` is an open file, a `File` (a model's FileField value) or a storage name
    under private storage.
    """
    if isinstance(file, str | Path):
        file = private_storage().open(str(file), "rb")
    response = FileResponse(
        file,
        as_attachment=True,
        filename=display_name(filename) or "download",
        content_type=content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "no-store"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    return response


def display_name(filename: str) -> str:
    """A file name fit to show and to offer for download: no folders, no controls."""
    base = filename.replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = "".join(
        character
        for character in unicodedata.normalize("NFC", base)
        if unicodedata.category(character)[0] != "C" and character not in '"<>|*?:'
    )
    cleaned = cleaned.strip(" .")
    if len(cleaned) > 150:
        stem, dot, extension = cleaned.rpartition(".")
        cleaned = (stem[:140] + dot + extension[:9]) if dot else cleaned[:150]
    return cleaned


def _read_all(upload: Any, limit: int) -> bytes | None:
    """Read the whole upload, or None as soon as it passes ``limit`` bytes."""
    if isinstance(upload, bytes):
        return upload if len(upload) <= limit else None
    if hasattr(upload, "seek"):
        upload.seek(0)
    chunks: list[bytes] = []
    total = 0
    while True:
        chunk = upload.read(64 * 1024)
        if not chunk:
            break
        total += len(chunk)
        if total > limit:
            return None
        chunks.append(chunk)
    if hasattr(upload, "seek"):
        upload.seek(0)
    return b"".join(chunks)


def _kind_of(data: bytes) -> Kind | None:
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(b"PK\x03\x04"):
        return XLSX if _is_workbook(data) else None
    if _is_text(data):
        return CSV
    return None


def _is_workbook(data: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, ValueError, OSError):
        return False
    return "[Content_Types].xml" in names and "xl/workbook.xml" in names


def _check_workbook(data: bytes, shown: str) -> None:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        unpacked = sum(info.file_size for info in archive.infolist())
    if unpacked > XLSX_UNPACKED_FACTOR * max(len(data), SNIFF_BYTES):
        raise UploadRejected(
            f"{shown} unpacks to far more data than a spreadsheet of responses holds. "
            "Save it again from Excel and try again."
        )


def _is_text(data: bytes) -> bool:
    """Readable text in UTF-8 (with or without a byte-order mark) or Windows-1252."""
    sample = data[:SNIFF_BYTES]
    if b"\x00" in sample:
        return False
    if any(byte in _TEXT_CONTROLS for byte in sample):
        return False
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        decoder.decode(data, final=True)
        return True
    except UnicodeDecodeError:
        pass
    try:
        data.decode("cp1252")
    except UnicodeDecodeError:
        return False
    return True


def _labels(kinds: list[Kind]) -> str:
    labels = [kind.label for kind in kinds]
    if len(labels) == 1:
        return labels[0]
    return ", ".join(labels[:-1]) + " or " + labels[-1]


def _megabytes(byte_count: int) -> str:
    megabytes = byte_count / (1024 * 1024)
    if megabytes >= 1:
        return f"{megabytes:g} MB"
    return f"{max(1, byte_count // 1024)} KB"
