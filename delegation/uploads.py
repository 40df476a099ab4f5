"""Check pupil-voice attachments by what they contain, never by their names.

Accepted: PNG and JPEG images and PDF documents up to ``settings.UPLOAD_MAX_BYTES``.
The type comes from the file's first bytes; an image must also open and verify with
Pillow (installed with WeasyPrint) as the same format, and a PDF must end with an
end-of-file marker. Stored files get random names under the private storage root and
are only ever served by a view that checks permission first.
"""

from __future__ import annotations

import io
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from PIL import Image, UnidentifiedImageError

PNG = "image/png"
JPEG = "image/jpeg"
PDF = "application/pdf"

SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", PNG),
    (b"\xff\xd8\xff", JPEG),
    (b"%PDF-", PDF),
)
EXTENSIONS = {PNG: "png", JPEG: "jpg", PDF: "pdf"}
PILLOW_FORMATS = {PNG: "PNG", JPEG: "JPEG"}
PDF_END_MARKER = b"%%EOF"
PDF_TAIL_BYTES = 2048


@dataclass(frozen=True)
class CheckedUpload:
    content: ContentFile
    content_type: str
    original_name: str
    size: int


def content_type_of(head: bytes) -> str | None:
    """The accepted type whose signature starts ``head``, or None."""
    for signature, content_type in SIGNATURES:
        if head.startswith(signature):
            return content_type
    return None


def _shown_name(name: str) -> str:
    base = name.replace("\\", "/").rsplit("/", 1)[-1].strip()
    printable = "".join(ch for ch in base if ch.isprintable() and ch not in '"<>')
    return printable[:200] or "attachment"


def _size_words(byte_count: int) -> str:
    return f"{byte_count / (1024 * 1024):.0f} MB"


def check_upload(uploaded: UploadedFile) -> CheckedUpload:
    """Read and check one uploaded file; the ValidationError names the file."""
    name = _shown_name(uploaded.name or "")
    limit = settings.UPLOAD_MAX_BYTES
    if uploaded.size is not None and uploaded.size > limit:
        raise ValidationError(
            f"The file {name} is larger than {_size_words(limit)}. Choose a smaller "
            "file, or take a photo at a lower resolution."
        )

    data = uploaded.read(limit + 1)
    if len(data) > limit:
        raise ValidationError(
            f"The file {name} is larger than {_size_words(limit)}. Choose a smaller "
            "file, or take a photo at a lower resolution."
        )
    if not data:
        raise ValidationError(f"The file {name} is empty.")

    content_type = content_type_of(data[:16])
    if content_type is None:
        raise ValidationError(
            f"The file {name} is not a PNG or JPEG image or a PDF document. Its "
            "contents were checked, not its name."
        )
    if content_type in PILLOW_FORMATS:
        _verify_image(data, content_type, name)
    elif PDF_END_MARKER not in data[-PDF_TAIL_BYTES:]:
        raise ValidationError(f"The file {name} is not a complete PDF document.")

    stored_name = f"{secrets.token_hex(16)}.{EXTENSIONS[content_type]}"
    return CheckedUpload(
        content=ContentFile(data, name=stored_name),
        content_type=content_type,
        original_name=name,
        size=len(data),
    )


MAX_IMAGE_PIXELS = 40_000_000


def _verify_image(data: bytes, content_type: str, name: str) -> None:
    try:
        with Image.open(io.BytesIO(data)) as image:
            image_format = image.format
            width, height = image.size
            image.verify()
    except (
        UnidentifiedImageError,
        Image.DecompressionBombError,
        OSError,
        SyntaxError,
        ValueError,
    ) as error:
        raise ValidationError(
            f"The file {name} could not be read as an image. It may be damaged."
        ) from error
    if width * height > MAX_IMAGE_PIXELS:
        # A tiny file can hold a huge blank picture that costs the PDF worker
        # gigabytes to draw.
        raise ValidationError(
            f"The picture {name} is {width} by {height} pixels. Pictures may have "
            f"at most {MAX_IMAGE_PIXELS // 1_000_000} million pixels: make it smaller "
            "and upload it again."
        )
    if image_format != PILLOW_FORMATS[content_type]:
        raise ValidationError(
            f"The file {name} could not be read as an image. It may be damaged."
        )
