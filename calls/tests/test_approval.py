"""001's 911-call approval: with `call911_approval` on, a call from below dispatcher waits off the board."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from calls import selectors, services
from calls.inputs import CallInput
from calls.models import Call
from calls.tests.conftest import names

NEW_CALL_EVENTS = {"new-911-call", "new911Call", "911Alert"}


@pytest.fixture
def approval_on(community):
    community.call911_approval = True
    community.save(update_fields=["call911_approval"])
    return community


def _report(client, **headers):
    return client.post("/api/911-calls", {"type": "Robbery", "location": "Fleeca", "name": "Jane Smith"},
                       format="json", **headers)


@pytest.fixture
def waiting(approval_on, civilian):
    return services.call_create(community=approval_on, by_user=civilian, awaiting_approval=True,
        data=CallInput(call_type="Robbery", location="Fleeca"))


@pytest.mark.parametrize("persona", ["civilian", "officer"])
def test_call_from_below_dispatcher_waits(request, persona, as_, approval_on, events, dispatcher,
                                          django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = _report(as_(request.getfixturevalue(persona)))
    assert response.status_code == 201
    body = response.json()["call"]
    assert (body["approval"], body["status"]) == ("pending", "pending")
    assert not NEW_CALL_EVENTS & set(names(events))
    assert not selectors.open_calls(approval_on).exists()
    assert selectors.active_911_calls(approval_on) == []
    client = as_(dispatcher)
    assert client.get("/api/dispatch/911").json() == []
    assert client.get("/api/calls/pending").json() == []
    assert client.get("/api/911-calls").json()["totalCount"] == 0
    queue = client.get("/api/911-calls?approval=pending").json()
    assert queue["totalCount"] == 1 and queue["calls"][0]["_id"] == body["_id"]
    # Nobody can act on it before approval; the expiry sweep leaves it alone.
    assert client.put(f"/api/911-calls/{body['_id']}/end").status_code == 404
    assert services.calls_expire_inactive(now=timezone.now() + timedelta(hours=2)) == 0


@pytest.mark.parametrize("how", ["header", "dispatcher", "token", "setting_off"])
def test_calls_that_go_straight_to_the_board(how, as_, community, approval_on, civilian, dispatcher, server,
                                             events, django_capture_on_commit_callbacks):
    if how == "setting_off":
        community.call911_approval = False
        community.save(update_fields=["call911_approval"])
    client = {"header": as_(dispatcher), "dispatcher": as_(dispatcher), "token": server,
              "setting_off": as_(civilian)}[how]
    headers = {"HTTP_IS_FROM_DISPATCH": "true"} if how == "header" else {}
    with django_capture_on_commit_callbacks(execute=True):
        response = _report(client, **headers)
    assert response.status_code == 201
    assert response.json()["call"]["approval"] == "none"
    assert "new-911-call" in names(events)
    assert selectors.open_calls(community).count() == 1


def test_approve_puts_the_call_on_the_board(as_, dispatcher, waiting, events, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = as_(dispatcher).post(f"/api/911-calls/{waiting.pk}/approve")
    assert response.status_code == 200
    assert response.json()["approval"] == "approved"
    assert {"new-911-call", "new911Call", "911Alert"} <= set(names(events))
    assert [c["_id"] for c in as_(dispatcher).get("/api/dispatch/911").json()] == [str(waiting.pk)]
    assert "approved by" in response.json()["notes"][-1]["text"]
    # Approving twice is a conflict, and nothing is published again.
    events.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert as_(dispatcher).post(f"/api/911-calls/{waiting.pk}/approve").status_code == 409
    assert events == []


def test_decline_cancels_and_archives(as_, dispatcher, admin, waiting, events, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = as_(dispatcher).post(f"/api/911-calls/{waiting.pk}/decline", {"reason": "Prank call"},
                                        format="json")
    assert response.status_code == 200
    body = response.json()
    assert (body["approval"], body["status"]) == ("declined", "cancelled")
    assert body["archiveReason"] == "Declined by dispatch: Prank call" and body["archivedAt"]
    assert "declined by" in body["notes"][-1]["text"]
    assert not NEW_CALL_EVENTS & set(names(events))
    assert as_(dispatcher).get("/api/911-calls?approval=pending").json()["totalCount"] == 0
    assert as_(dispatcher).post(f"/api/911-calls/{waiting.pk}/approve").status_code == 404
    assert as_(admin).post(f"/api/911-calls/{waiting.pk}/approve").status_code == 409


def test_approval_bad_input_other_community_and_role(as_, dispatcher, officer, civilian, outsider, waiting, call,
                                                     other_community):
    client = as_(dispatcher)
    long = client.post(f"/api/911-calls/{waiting.pk}/decline", {"reason": "x" * 181}, format="json")
    assert long.status_code == 400
    assert client.get("/api/911-calls?approval=bogus").status_code == 400
    assert client.post(f"/api/911-calls/{call.pk}/approve").status_code == 409  # never waited
    assert client.post("/api/911-calls/not-a-uuid/approve").status_code == 404
    for user in (officer, civilian):
        assert as_(user).post(f"/api/911-calls/{waiting.pk}/approve").status_code == 403
        assert as_(user).post(f"/api/911-calls/{waiting.pk}/decline").status_code == 403
        assert as_(user).get("/api/911-calls?approval=pending").status_code == 403
    foreign = as_(outsider)
    path = f"/api/911-calls/{waiting.pk}/approve?communityId={other_community.pk}"
    assert foreign.post(path).status_code == 404
    assert foreign.post(f"/api/911-calls/{waiting.pk}/decline?communityId={other_community.pk}").status_code == 404
    waiting.refresh_from_db()
    assert (waiting.approval, waiting.status, waiting.archived_at) == ("pending", "pending", None)


def test_officer_cannot_see_a_waiting_call_by_id(as_, officer, dispatcher, waiting):
    assert as_(officer).get(f"/api/911-calls/{waiting.pk}").status_code == 404
    assert as_(dispatcher).get(f"/api/911-calls/{waiting.pk}").json()["approval"] == "pending"


def test_approved_call_expires_from_approval_time(dispatcher, waiting):
    Call.objects.for_community(waiting.community).filter(pk=waiting.pk).update(
        last_activity_at=timezone.now() - timedelta(hours=1))
    services.call_approve(call=waiting, by=dispatcher)
    assert services.calls_expire_inactive(now=timezone.now() + timedelta(minutes=24)) == 0
    assert services.calls_expire_inactive(now=timezone.now() + timedelta(minutes=26)) == 1
