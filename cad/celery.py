"""The Celery app and its beat schedule.

Schedules live here, in code, for the one beat of a deployment. Each entry expires within its period
so ticks never pile up while workers are down; every task is idempotent and safe on several workers.
"""

import logging
import os

from celery import Celery, signals
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cad.settings")

app = Celery("cad")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# The sweeps run every 10 to 300 seconds; at INFO, beat's "Sending due task" and the worker's "received" /
# "succeeded" lines would fill the log with routine. They stay visible with LOG_LEVEL=DEBUG; warnings,
# errors and failed tasks are always logged.
ROUTINE_LOGGERS = ("celery.beat", "celery.worker.strategy", "celery.app.trace")


@signals.after_setup_logger.connect
def _quiet_routine(logger=None, loglevel=None, **kwargs):
    if (loglevel or logging.INFO) > logging.DEBUG:
        for name in ROUTINE_LOGGERS:
            logging.getLogger(name).setLevel(logging.WARNING)


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
