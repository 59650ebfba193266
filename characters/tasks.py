"""Celery tasks: take IDs, call a service, nothing else."""

from __future__ import annotations

from celery import shared_task

from . import services


@shared_task(name="characters.tasks.recalculate_license_points", ignore_result=True)
def recalculate_license_points() -> int:
    """Daily (beat, 03:15): recount every license's unexpired points and apply the suspension rule."""
    return services.licenses_recalculate_all()


@shared_task(name="characters.tasks.recalculate_license", ignore_result=True)
def recalculate_license(license_id: str) -> None:
    from .models import DrivingLicense

    lic = DrivingLicense.objects.all_communities().filter(pk=license_id).first()
    if lic is not None:
        services.license_recalculate(license=lic)
