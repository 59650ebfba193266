"""Races that only a real database shows: run on PostgreSQL (skipped on the embedded SQLite)."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from cad.core.api.exceptions import Conflict
from characters import services
from characters.models import Character, DrivingLicense, Vehicle

from .factories import enable_dmv, make_character

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _in_threads(n, fn):
    barrier = threading.Barrier(n)
    results, errors = [], []

    def run(i):
        try:
            barrier.wait()
            results.append(fn(i))
        except Exception as exc:  # noqa: BLE001 - collected and asserted on
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results, errors


def test_same_plate_raced_registers_once(community, civilian):
    owner = make_character(community, civilian)
    results, errors = _in_threads(6, lambda i: services.vehicle_register(community=community, owner=owner,
                                                                          plate="RACE1"))
    assert len(results) == 1 and len(errors) == 5 and all(isinstance(e, Conflict) for e in errors)
    assert all(e.extra["vehicle_id"] == str(results[0].pk) for e in errors)
    assert Vehicle.objects.for_community(community).count() == 1


def test_characters_created_in_parallel_get_unique_numbers(community):
    results, errors = _in_threads(8, lambda i: make_character(community, first=f"P{i}"))
    assert not errors and len(results) == 8
    rows = Character.objects.for_community(community)
    assert len({c.ssn for c in rows}) == 8 and len({c.license_number for c in rows}) == 8


def test_two_sweeps_in_parallel_apply_once(community):
    enable_dmv(community)
    licenses = []
    for i in range(10):
        character = make_character(community, first=f"S{i}")
        licenses.append(services.license_issue(character=character, license_class="E"))
        services.license_points_add(character=character, points=12,
                                    issued_at=timezone.now() - timedelta(days=364))
    later = timezone.now() + timedelta(days=2)  # every point has expired: every suspension lifts
    results, errors = _in_threads(3, lambda i: services.licenses_recalculate_all(now=later))
    assert not errors
    assert sum(results) == 10  # each license changed exactly once across the workers
    assert services.licenses_recalculate_all(now=later) == 0
    assert set(DrivingLicense.objects.for_community(community).values_list("status", "points")) == {("valid", 0)}


def test_points_added_in_parallel_all_count(community):
    enable_dmv(community)
    character = make_character(community)
    services.license_issue(character=character, license_class="E")
    _, errors = _in_threads(6, lambda i: services.license_points_add(character=character, points=2))
    assert not errors
    lic = DrivingLicense.objects.for_community(community).get()
    assert lic.points == 12 and lic.status == "suspended"
