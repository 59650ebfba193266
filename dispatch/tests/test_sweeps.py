"""The beat sweeps with a controllable clock: stale positions (30 s) and idle units (4 h)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from dispatch import selectors, services, tasks
from dispatch.models import Unit

pytestmark = pytest.mark.django_db
T0 = timezone.now().replace(microsecond=0)


def at(**delta):
    return T0 + timedelta(**delta)


def test_prune_drops_positions_older_than_30_seconds_once(community, events, django_capture_on_commit_callbacks):
    services.position_update(community_id=community.pk, unit_id="old", unit_name="1-ADAM-1", x=1, y=1, z=1, now=at())
    services.position_update(community_id=community.pk, unit_id="new", x=1, y=1, z=1, now=at(seconds=20))
    assert services.prune_stale_positions(now=at(seconds=29)) == 0
    assert set(selectors.current_locations(community.pk, now=at(seconds=31))) == {"new"}  # hidden before the prune
    events.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.prune_stale_positions(now=at(seconds=31)) == 1
        assert services.prune_stale_positions(now=at(seconds=31)) == 0
    assert events == [(("unitLocationRemoved",), {"unitId": "old", "unitName": "1-ADAM-1"})]
    assert set(selectors.current_locations(community.pk, now=at(seconds=31))) == {"new"}


def test_prune_task_is_cheap_when_there_is_nothing(db, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert tasks.prune_stale_positions() == 0


def test_offline_idle_units_and_activity_resets_the_timer(leo, events, django_capture_on_commit_callbacks):
    unit = services.duty_set(character=leo, on=True, now=at())
    assert services.offline_idle_units(now=at(hours=3, minutes=59)) == 0
    services.unit_set_state(unit=unit, state="busy", now=at(hours=2))  # a status change is activity
    assert services.offline_idle_units(now=at(hours=4, minutes=1)) == 0
    events.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.offline_idle_units(now=at(hours=6, minutes=1)) == 1
        assert services.offline_idle_units(now=at(hours=6, minutes=2)) == 0  # idempotent
    unit.refresh_from_db()
    assert not unit.on_duty
    auto = [d for n, d in events if n == ("unit-auto-offline",)]
    assert auto == [{"unitId": str(unit.pk), "username": "officer_a", "callSign": "1-ADAM-12",
                     "reason": "4hr inactivity timeout", "timestamp": auto[0]["timestamp"]}]


def test_a_position_update_is_activity_even_after_it_was_pruned(leo, community):
    unit = services.duty_set(character=leo, on=True, now=at())
    services.position_update(community_id=community.pk, unit_id=str(leo.pk), x=1, y=2, z=3, origin="fivem",
                             now=at(hours=3))
    assert services.prune_stale_positions(now=at(hours=3, minutes=1)) == 1
    assert services.offline_idle_units(now=at(hours=4, minutes=1)) == 0
    unit.refresh_from_db()
    assert unit.on_duty and unit.last_activity_at == at(hours=3)
    assert services.offline_idle_units(now=at(hours=7, minutes=1)) == 1


def test_offline_sweep_only_touches_idle_units(leo, medic, other_community, make_character):
    services.duty_set(character=leo, on=True, now=at())
    services.duty_set(character=medic, on=True, now=at(hours=3))
    services.duty_set(character=make_character(other_community, type="fd"), on=True, now=at(hours=1))
    assert services.offline_idle_units(now=at(hours=4, minutes=1)) == 1
    assert Unit.objects.all_communities().filter(on_duty=True).count() == 2  # the medic and the firefighter


def test_duty_webhook_is_queued_after_commit(community, leo, monkeypatch, django_capture_on_commit_callbacks):
    queued = []
    monkeypatch.setattr(tasks.send_duty_webhook, "delay", lambda *args: queued.append(args))
    services.duty_set(character=leo, on=True)
    assert queued == []  # no webhook configured
    community.duty_webhook_url = "https://hooks.example.test/duty"
    community.save()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        unit = services.duty_set(character=leo, on=False)
        assert queued == []  # nothing leaves before the commit
    assert len(callbacks) >= 1 and queued == [(str(unit.pk), False)]


def test_duty_webhook_send_posts_the_change(community, unit, settings):
    import http.server
    import json
    import threading

    settings.WEBHOOK_ALLOW_HTTP = settings.WEBHOOK_ALLOW_PRIVATE = True  # the target is a local test server
    sent, answers = [], [204, 404, 503]

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            sent.append((self.path, json.loads(self.rfile.read(int(self.headers["Content-Length"])))))
            self.send_response(answers.pop(0))
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        assert tasks.send_duty_webhook(str(unit.pk), True) is None  # not configured: nothing sent
        community.duty_webhook_url = f"http://127.0.0.1:{server.server_address[1]}/duty"
        community.save()
        assert tasks.send_duty_webhook(str(unit.pk), True) == 204
        path, body = sent[0]
        assert path == "/duty" and body["on_duty"] is True
        assert body["unit_name"] == "1-ADAM-12" and "1-ADAM-12" in body["content"]
        assert services.duty_webhook_send(unit=unit, on=False) == 404  # not retried
        with pytest.raises(services.WebhookError):
            services.duty_webhook_send(unit=unit, on=False)  # the task retries these
    finally:
        server.shutdown()
        server.server_close()


def test_duty_webhook_to_a_private_address_is_refused_not_sent(community, unit):
    community.duty_webhook_url = "https://169.254.169.254/latest/meta-data"
    community.save()
    assert services.duty_webhook_send(unit=unit, on=True) is None


def _in_parallel(fn, times: int = 4) -> list:
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connection

    def run(_):
        try:
            return fn()
        finally:
            connection.close()

    with ThreadPoolExecutor(times) as pool:
        return list(pool.map(run, range(times)))


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_parallel_offline_sweeps_take_a_unit_offline_once(leo, events):
    services.duty_set(character=leo, on=True, now=at())
    assert sum(_in_parallel(lambda: services.offline_idle_units(now=at(hours=5)))) == 1
    assert [n for n, _ in events].count(("unit-auto-offline",)) == 1


@pytest.mark.redis
def test_parallel_prunes_report_each_position_once(community):
    for i in range(50):
        services.position_update(community_id=community.pk, unit_id=f"u{i}", x=1, y=1, z=1, now=at())
    assert sum(_in_parallel(lambda: services.prune_stale_positions(now=at(minutes=1)))) == 50
