"""Celery tasks of dispatch: they take IDs and call a service (names are a contract of cad.celery)."""

from __future__ import annotations

from celery import shared_task

from . import services
from .models import Unit


@shared_task(name="dispatch.tasks.prune_stale_positions", ignore_result=True)
def prune_stale_positions() -> int:
    return services.prune_stale_positions()


@shared_task(name="dispatch.tasks.offline_idle_units", ignore_result=True)
def offline_idle_units() -> int:
    return services.offline_idle_units()


@shared_task(name="dispatch.tasks.send_duty_webhook", ignore_result=True, autoretry_for=(services.WebhookError,),
             retry_backoff=5, max_retries=3)
def send_duty_webhook(unit_id: str, on: bool) -> int | None:
    unit = Unit.objects.all_communities().select_related("user", "character").filter(pk=unit_id).first()
    return services.duty_webhook_send(unit=unit, on=on) if unit is not None else None
