"""Concurrent deactivations and stolen marks: one event, one BOLO (PostgreSQL row locks)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from bolos import services
from bolos.models import Bolo
from characters.services import vehicle_mark_stolen


def _race(n, target):
    barrier = threading.Barrier(n)
    errors: list[BaseException] = []

    def run():
        try:
            barrier.wait()
            target()
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_parallel_deactivations_publish_once(community, officer, events):
    bolo = Bolo.objects.create(community=community, description="d")
    _race(4, lambda: services.bolo_deactivate(bolo=Bolo.objects.for_community(community).get(pk=bolo.pk),
                                              by=officer))
    assert [data for names, data in events if names == ("bolo-removed",)] == [{"id": str(bolo.pk)}]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_parallel_stolen_marks_open_one_bolo(community, officer, make_vehicle):
    vehicle = make_vehicle(community)
    _race(4, lambda: vehicle_mark_stolen(vehicle=vehicle, stolen=True, by=officer, role="officer"))
    assert Bolo.objects.for_community(community).filter(stolen_vehicle=vehicle, is_active=True).count() == 1
