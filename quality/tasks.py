"""Background jobs of quality assurance: drawing published PEPs as PDF."""

from __future__ import annotations

import hashlib
import logging

from celery import shared_task
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from quality.models import PublishedPep
from quality.pdf import PepPdf

logger = logging.getLogger(__name__)

MAX_RETRIES = 5


@shared_task(
    bind=True,
    name="quality.tasks.render_pep_pdf",
    queue="pdf",
    max_retries=MAX_RETRIES,
    acks_late=True,
)
def render_pep_pdf(self, publication_id: int) -> None:
    """Draw the PDF of one published version, once.

    Idempotent: a version that already has its file is left alone, so a repeated or
    duplicated message does nothing. A failure is written on the row and retried with a
    growing wait; the row keeps the last error until a later try succeeds.
    """
    try:
        with transaction.atomic():
            publication = (
                PublishedPep.objects.select_for_update()
                .select_related("pep", "pep__child")
                .get(pk=publication_id)
            )
            if publication.file:
                logger.info("Published PEP %s already drawn", publication_id)
                return

            pdf = PepPdf(publication.pep, version=publication.version).render()
            name = f"pep-{publication.pep_id}-v{publication.version}.pdf"
            publication.file.save(name, ContentFile(pdf), save=False)
            publication.sha256 = hashlib.sha256(pdf).hexdigest()
            publication.rendered_at = timezone.now()
            publication.error = ""
            publication.save(update_fields=["file", "sha256", "rendered_at", "error"])
    except PublishedPep.DoesNotExist:
        logger.warning("Published PEP %s no longer exists", publication_id)
        return
    except Exception as error:
        PublishedPep.objects.filter(pk=publication_id).update(
            error=f"Try {self.request.retries + 1}: {type(error).__name__}: {error}"
        )
        logger.exception("Drawing published PEP %s failed", publication_id)
        raise self.retry(exc=error, countdown=60 * 2**self.request.retries) from error

    logger.info("Published PEP %s drawn (%s bytes)", publication_id, len(pdf))
