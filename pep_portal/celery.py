"""The Celery application: Redis in production and CI, a file-system broker else."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pep_portal.settings")

app = Celery("pep_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
