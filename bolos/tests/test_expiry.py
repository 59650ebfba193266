"""BOLO expiry sweep: `bolo-removed` once per BOLO whose expires_at passed (controllable clock)."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from bolos import services, tasks
from bolos.models import Bolo


def _removed(events) -> list:
    return [data for names, data in events if "bolo-removed" in names]


def test_sweep_publishes_each_expiry_once(community, other_community, make_bolo, events,
                                          django_capture_on_commit_callbacks):
    now = timezone.now()
    soon = make_bolo(community, expires_at=now + timedelta(minutes=5))
    later = make_bolo(other_community, expires_at=now + timedelta(hours=2))
    forever = make_bolo(community)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.bolos_expire(now=now) == 0
        assert services.bolos_expire(now=now + timedelta(minutes=6)) == 1
        assert services.bolos_expire(now=now + timedelta(minutes=7)) == 0
        assert services.bolos_expire(now=now + timedelta(hours=3)) == 1
    assert _removed(events) == [{"id": str(soon.pk)}, {"id": str(later.pk)}]
    for bolo in (soon, later, forever):
        bolo.refresh_from_db()
        assert bolo.is_active  # the row stays; active lists leave it out by time
    assert soon.expired_at is not None and forever.expired_at is None


def test_deactivated_bolos_are_not_announced_twice(community, officer, make_bolo, events,
                                                   django_capture_on_commit_callbacks):
    now = timezone.now()
    gone = make_bolo(community, expires_at=now + timedelta(minutes=1))
    expired = make_bolo(community, expires_at=now + timedelta(minutes=1))
    with django_capture_on_commit_callbacks(execute=True):
        services.bolo_deactivate(bolo=gone, by=officer)
        assert services.bolos_expire(now=now + timedelta(minutes=2)) == 1
        services.bolo_deactivate(bolo=expired, by=officer)  # already removed from dashboards by expiry
    assert _removed(events) == [{"id": str(gone.pk)}, {"id": str(expired.pk)}]
    expired.refresh_from_db()
    assert expired.is_active is False


def test_a_new_expiry_is_announced_again(community, officer, make_bolo, events,
                                         django_capture_on_commit_callbacks):
    now = timezone.now()
    bolo = make_bolo(community, expires_at=now + timedelta(minutes=1))
    with django_capture_on_commit_callbacks(execute=True):
        services.bolos_expire(now=now + timedelta(minutes=2))
        bolo = services.bolo_update(bolo=bolo, by=officer, expires_at=timezone.now() + timedelta(hours=1))
        assert bolo.expired_at is None
        assert services.bolos_expire(now=now + timedelta(minutes=3)) == 0
        assert services.bolos_expire(now=now + timedelta(hours=2)) == 1
    assert _removed(events) == [{"id": str(bolo.pk)}] * 2


def test_task_calls_the_service(community, make_bolo):
    bolo = make_bolo(community)
    Bolo.objects.for_community(community).filter(pk=bolo.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert tasks.expire_bolos() == 1
    assert tasks.expire_bolos() == 0


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_parallel_sweeps_publish_once(community, other_community, make_bolo, events):
    now = timezone.now()
    bolos = [make_bolo(c, expires_at=now + timedelta(minutes=1)) for c in (community, other_community) * 10]
    barrier = threading.Barrier(4)
    counts: list[int] = []
    errors: list[BaseException] = []

    def sweep():
        try:
            barrier.wait()
            counts.append(services.bolos_expire(now=now + timedelta(minutes=5)))
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=sweep) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == [] and sum(counts) == 20
    removed = sorted(data["id"] for data in _removed(events))
    assert removed == sorted(str(b.pk) for b in bolos)
