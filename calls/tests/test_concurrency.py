"""Races that only a real database can show: call numbers and scene command under parallel connections."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from cad.core.api.exceptions import Conflict
from calls import services
from calls.inputs import CallInput
from calls.models import Call

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _in_own_connection(fn):
    def run(*args):
        try:
            return fn(*args)
        finally:
            connection.close()

    return run


def test_200_parallel_creates_get_200_consecutive_numbers(community, other_community):
    @_in_own_connection
    def create(i):
        target = other_community if i % 11 == 0 else community  # another community's sequence interleaves
        return target.pk, services.call_create(community=target, data=CallInput(title=f"Call {i}")).number

    with ThreadPoolExecutor(max_workers=16) as pool:
        results = list(pool.map(create, range(220)))
    ours = sorted(n for cid, n in results if cid == community.pk)
    theirs = sorted(n for cid, n in results if cid == other_community.pk)
    assert ours == list(range(1, 201))
    assert theirs == list(range(1, 21))
    assert Call.objects.for_community(community).count() == 200


def test_two_units_taking_scene_command_at_once_leave_one_holder(community, make_call, unit, unit2):
    for round_ in range(10):
        call = make_call(community, title=f"Scene {round_}")
        services.call_assign_units(call=call, units=[unit, unit2], by=None)
        barrier = threading.Barrier(2)

        @_in_own_connection
        def take(u, call=call, barrier=barrier):
            barrier.wait()
            try:
                services.call_scene_command(call=call, unit=u, take=True)
                return u.pk
            except Conflict:
                return None

        with ThreadPoolExecutor(max_workers=2) as pool:
            winners = [w for w in pool.map(take, [unit, unit2]) if w is not None]
        assert len(winners) == 1
        assert Call.objects.for_community(community).get(pk=call.pk).scene_commander_id == winners[0]


def test_parallel_expiry_sweeps_archive_each_call_once(community, make_call, events,
                                                       django_capture_on_commit_callbacks):
    from datetime import timedelta

    from django.utils import timezone

    calls = [make_call(community) for _ in range(20)]
    Call.objects.for_community(community).update(last_activity_at=timezone.now() - timedelta(hours=1))
    barrier = threading.Barrier(4)

    @_in_own_connection
    def sweep(_):
        barrier.wait()
        return services.calls_expire_inactive()

    with ThreadPoolExecutor(max_workers=4) as pool:
        assert sum(pool.map(sweep, range(4))) == len(calls)
    assert Call.objects.for_community(community).filter(archived_at__isnull=True).count() == 0
