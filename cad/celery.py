"""The Celery app and its beat schedule.

Schedules live here, in code, for the one beat of a deployment. Each entry expires within its period
so ticks never pile up while workers are down; every task is idempotent and safe on several workers.
"""

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cad.settings")

app = Celery("cad")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def _every(seconds: int, task: str) -> dict:
    return {"task": task, "schedule": float(seconds), "options": {"expires": max(1, seconds - 1)}}


app.conf.beat_schedule = {
    "expire-inactive-calls": _every(60, "calls.tasks.expire_inactive_calls"),
    "prune-stale-positions": _every(10, "dispatch.tasks.prune_stale_positions"),
    "offline-idle-units": _every(300, "dispatch.tasks.offline_idle_units"),
    "expire-announcements": _every(30, "announcements.tasks.expire_announcements"),
    "expire-bolos": _every(60, "bolos.tasks.expire_bolos"),
    "recalculate-license-points": {
        "task": "characters.tasks.recalculate_license_points",
        "schedule": crontab(minute=15, hour=3),
        "options": {"expires": 3600},
    },
}
