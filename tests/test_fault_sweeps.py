"""Background sweeps survive their workers (issue 14): a worker killed in the middle of the call-expiry or
licence-suspension sweep leaves nothing half done (the next run finishes the work, and nothing is done
twice: no second event, no second suspension), and two workers running the same sweep at once change each
row once."""

from __future__ import annotations

import subprocess
import sys
import threading
from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.db import connection, connections
from django.utils import timezone

from calls import services as call_services
from calls.inputs import CallInput
from calls.models import Call, CallNote
from characters import services as char_services
from characters.choices import LicenseStatus
from characters.models import DrivingLicense, LicensePointEntry
from records.tests.factories import make_character

from .private_services import ROOT, product_env

pytestmark = pytest.mark.django_db(transaction=True)

ROWS = 8
KILL_AT = 3  # the worker dies inside the third row's transaction: two rows are done, the third is not


@pytest.fixture
def idle_calls(community, dispatcher):
    calls = [call_services.call_create(community=community, by_user=dispatcher,
        data=CallInput(call_type="Traffic Stop", location=f"Route {i}")) for i in range(ROWS)]
    Call.objects.for_community(community).update(last_activity_at=timezone.now() - timedelta(hours=3))
    return calls


@pytest.fixture
def licenses_over_the_limit(community):
    """Licences holding 12 points that no recalculation has looked at yet: the sweep suspends each."""
    community.dmv_enabled = community.dmv_points_enabled = True
    community.dmv_point_threshold = 12
    community.save()
    rows = []
    for i in range(ROWS):
        lic = char_services.license_issue(character=make_character(community, first=f"Driver{i}"), license_class="E")
        LicensePointEntry.objects.create(community=community, license=lic, points=12, issued_at=timezone.now())
        DrivingLicense.objects.for_community(community).filter(pk=lic.pk).update(points=12)
        rows.append(lic)
    return rows


def _expiry_notes(call) -> int:
    return CallNote.objects.all_communities().filter(call=call, text__startswith="Auto-delete").count()


def _database_url() -> str:
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


_KILLED_WORKER = """
import os, signal, django
django.setup()
import importlib
services = importlib.import_module("{services}")  # the module whose sweep publishes
calls = 0
real = services.publish
def publish(*args, **kwargs):
    global calls
    calls += args[1] == {event!r}  # one per row: a row's other events (its caller's) do not count
    if calls == {kill_at} and args[1] == {event!r}:
        os.kill(os.getpid(), signal.SIGKILL)  # as `kill -9` or the OOM killer does: no cleanup runs
    return real(*args, **kwargs)
services.publish = publish
from {app}.tasks import {task}
{task}()
"""


def _run_killed_worker(tmp_path, app: str, task: str, event: str, services: str = "") -> None:
    connections.close_all()  # the worker process must see every committed row and take the locks
    env = product_env(DATABASE_URL=_database_url(), REDIS_URL=django_settings.REDIS_URL, CAD_VAR_DIR=str(tmp_path))
    script = _KILLED_WORKER.format(app=app, task=task, kill_at=KILL_AT, event=event,
                                   services=services or f"{app}.services")
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == -9, result.stderr[-2000:]


def _twice_at_once(sweep) -> None:
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def worker():
        try:
            barrier.wait()
            sweep()
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors


def _deleted_ids(events) -> list[str]:
    return [str(data["callId"]) for names, data in events if "call-deleted" in names]


def test_expiry_sweep_killed_midway_is_finished_by_the_next_run_once(tmp_path, idle_calls, events):
    _run_killed_worker(tmp_path, "calls", "expire_inactive_calls", "call-deleted")
    done = [c for c in idle_calls if Call.objects.all_communities().get(pk=c.pk).archived_at is not None]
    assert len(done) == KILL_AT - 1  # the third row's transaction died with the worker

    call_services.calls_expire_inactive()
    assert all(Call.objects.all_communities().get(pk=c.pk).archived_at for c in idle_calls)
    assert [_expiry_notes(c) for c in idle_calls] == [1] * ROWS  # nothing archived twice
    deleted = _deleted_ids(events)
    assert sorted(deleted) == sorted(str(c.pk) for c in idle_calls if c not in done)  # no second event


def test_two_workers_on_one_expiry_sweep_archive_each_call_once(idle_calls, events):
    _twice_at_once(call_services.calls_expire_inactive)
    assert [_expiry_notes(c) for c in idle_calls] == [1] * ROWS
    assert sorted(_deleted_ids(events)) == sorted(str(c.pk) for c in idle_calls)


def _license_events(events) -> list[str]:
    return [str(data.get("_id") or data.get("id")) for names, data in events if "license-updated" in names]


def test_suspension_sweep_killed_midway_is_finished_by_the_next_run_once(tmp_path, licenses_over_the_limit, events):
    _run_killed_worker(tmp_path, "characters", "recalculate_license_points", "license-updated",
                       "characters.services.licenses")
    suspended_first = {lic.pk: lic.suspended_at for lic in DrivingLicense.objects.all_communities()
                       if lic.status == LicenseStatus.SUSPENDED}
    assert len(suspended_first) == KILL_AT - 1

    char_services.licenses_recalculate_all()
    rows = {lic.pk: lic for lic in DrivingLicense.objects.all_communities()}
    assert {lic.status for lic in rows.values()} == {LicenseStatus.SUSPENDED}
    assert all(rows[pk].suspended_at == at for pk, at in suspended_first.items())  # not suspended again
    updated = _license_events(events)
    assert sorted(updated) == sorted(str(pk) for pk in rows if pk not in suspended_first)


def test_two_workers_on_one_suspension_sweep_suspend_each_licence_once(licenses_over_the_limit, events):
    _twice_at_once(char_services.licenses_recalculate_all)
    rows = list(DrivingLicense.objects.all_communities())
    assert {lic.status for lic in rows} == {LicenseStatus.SUSPENDED}
    assert sorted(_license_events(events)) == sorted(str(lic.pk) for lic in rows)  # one event per licence
