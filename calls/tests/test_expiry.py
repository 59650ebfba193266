"""Call expiry (beat task `calls.tasks.expire_inactive_calls`) with a controllable clock."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from calls import services, tasks
from calls.models import Call
from calls.tests.conftest import payload


def _idle_since(call, when):
    Call.objects.for_community(call.community_id).filter(pk=call.pk).update(last_activity_at=when)


def _row(call):
    return Call.objects.for_community(call.community_id).get(pk=call.pk)


def test_inactive_pending_and_assigned_calls_expire(community, make_call, unit, events,
                                                    django_capture_on_commit_callbacks):
    now = timezone.now()
    pending, assigned, enroute, fresh = (make_call(community) for _ in range(4))
    services.call_assign_unit(call=assigned, unit=unit, by=None)
    services.call_set_status(call=enroute, status="enroute", by=None)
    for call in (pending, assigned, enroute):
        _idle_since(call, now - timedelta(minutes=26))
    _idle_since(fresh, now - timedelta(minutes=24))

    with django_capture_on_commit_callbacks(execute=True):
        assert services.calls_expire_inactive(now=now) == 2
    assert _row(pending).archived_at == now and _row(assigned).archived_at == now
    assert _row(pending).archive_reason == "Auto-delete: inactive 25+ min"
    assert _row(enroute).archived_at is None and _row(fresh).archived_at is None  # units are working it
    deleted = [data for sent, data in events if "call-deleted" in sent]
    assert {d["callId"] for d in deleted} == {str(pending.pk), str(assigned.pk)}
    assert deleted[0]["deletedBy"] == "system" and deleted[0]["reason"] == "Auto-delete: inactive 25+ min"
    unit.refresh_from_db()
    assert unit.current_call_id is None


def test_expiry_is_idempotent(community, make_call):
    now = timezone.now()
    call = make_call(community)
    _idle_since(call, now - timedelta(hours=1))
    assert services.calls_expire_inactive(now=now) == 1
    assert services.calls_expire_inactive(now=now + timedelta(minutes=1)) == 0


def test_activity_resets_the_timer(community, make_call, officer):
    start = timezone.now()
    call = make_call(community)
    _idle_since(call, start - timedelta(minutes=20))
    services.call_add_note(call=call, text="Still on it", by_user=officer)  # activity at real "now"
    assert services.calls_expire_inactive(now=timezone.now() + timedelta(minutes=24)) == 0
    assert services.calls_expire_inactive(now=timezone.now() + timedelta(minutes=26)) == 1


def test_community_expiry_setting_is_used(community, other_community, make_call, events,
                                          django_capture_on_commit_callbacks):
    other_community.call_expiry_minutes = 5
    other_community.save(update_fields=["call_expiry_minutes"])
    now = timezone.now()
    ours, theirs = make_call(community), make_call(other_community, by_user=None)
    for call in (ours, theirs):
        _idle_since(call, now - timedelta(minutes=10))
    with django_capture_on_commit_callbacks(execute=True):
        assert services.calls_expire_inactive(now=now) == 1
    assert _row(theirs).archived_at is not None and _row(ours).archived_at is None
    assert payload(events, "call-deleted")["reason"] == "Auto-delete: inactive 5+ min"


def test_expiry_is_cheap_when_nothing_to_do(community, make_call, django_assert_max_num_queries):
    make_call(community)
    with django_assert_max_num_queries(2):  # distinct settings + one candidate query per setting
        assert services.calls_expire_inactive() == 0


def test_beat_task_runs_the_service(community, make_call):
    call = make_call(community)
    _idle_since(call, timezone.now() - timedelta(hours=2))
    assert tasks.expire_inactive_calls.run() == 1
    assert _row(call).archived_at is not None
