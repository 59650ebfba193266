"""Celery tasks of bolos (names are a contract of cad.celery's beat schedule)."""

from __future__ import annotations

from celery import shared_task

from . import services


@shared_task(name="bolos.tasks.expire_bolos", ignore_result=True)
def expire_bolos() -> int:
    return services.bolos_expire()
