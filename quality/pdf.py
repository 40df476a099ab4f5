"""The PEP as a PDF, drawn by WeasyPrint from the web page's section templates.

Nothing is fetched over a network: the stylesheet is inlined, fonts come from the
system, and the only files WeasyPrint may open are pupil-voice images in private
storage (see `PrivateFilesOnly`).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from urllib.request import url2pathname

from django.conf import settings
from django.core.files.storage import default_storage
from django.template.loader import render_to_string
from django.utils import timezone
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse, URLFetchingError

from peps.models import Pep, PupilVoiceAttachment
from quality.document import pep_read_context

logger = logging.getLogger(__name__)


class PrivateFilesOnly(URLFetcher):
    """Lets WeasyPrint read files under private storage and data: URIs, nothing else."""

    def __init__(self, root: Path) -> None:
        super().__init__(allowed_protocols=("file", "data"))
        self.root = Path(root).resolve()

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        if url.startswith("data:"):
            return super().fetch(url, headers)
        if not url.startswith("file:"):
            raise URLFetchingError(f"The PDF may not fetch {url.split(':')[0]} URLs.")

        path = Path(url2pathname(urlsplit(url).path)).resolve()
        if not path.is_relative_to(self.root) or not path.is_file():
            raise URLFetchingError("The PDF may only read files in private storage.")
        return URLFetcherResponse(url, path.read_bytes())


def image_file_uri(attachment: PupilVoiceAttachment) -> str | None:
    """A file: URI for an attachment in private storage, for WeasyPrint to embed."""
    try:
        return Path(default_storage.path(attachment.file.name)).resolve().as_uri()
    except NotImplementedError:
        # TODO: storage without local paths (object stores) needs the image read and
        # passed as a data: URI; remove this mark once such a storage is supported.
        return None


class PepPdf:
    """One PEP as PDF: template, context, HTML, render."""

    template_name = "pdf/pep.html"

    def __init__(self, pep: Pep, *, version: int | None = None) -> None:
        self.pep = pep
        self.version = version

    def context(self) -> dict[str, object]:
        return {
            **pep_read_context(self.pep, image_src=image_file_uri),
            "version": self.version,
            "produced_on": timezone.localdate(),
            "printing": True,
        }

    def html(self) -> str:
        return render_to_string(self.template_name, self.context())

    def render(self) -> bytes:
        return self.render_html(self.html())

    @staticmethod
    def render_html(html: str) -> bytes:
        fetcher = PrivateFilesOnly(settings.PRIVATE_STORAGE_ROOT)
        document = HTML(string=html, base_url=None, url_fetcher=fetcher)
        return document.write_pdf()
