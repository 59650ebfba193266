"""Celery tasks of calls (names are a contract of cad.celery's beat schedule)."""

from __future__ import annotations

from celery import shared_task

from . import services


@shared_task(name="calls.tasks.expire_inactive_calls", ignore_result=True)
def expire_inactive_calls() -> int:
    return services.calls_expire_inactive()
