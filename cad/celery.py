"""The Celery app. Beat schedules live in code (CELERY_BEAT_SCHEDULE below), one beat per deployment."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cad.settings")

app = Celery("cad")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
