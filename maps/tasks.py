"""Celery tasks: take IDs, call a service, nothing else."""

from __future__ import annotations

from celery import shared_task

from . import services


@shared_task(name="maps.tasks.build_tiles", ignore_result=True, acks_late=True)
def build_tiles(tileset_id: str) -> None:
    """Cut an uploaded map into its tile pyramid; a second delivery of the same set does nothing."""
    services.tileset_build(tileset_id=tileset_id)
