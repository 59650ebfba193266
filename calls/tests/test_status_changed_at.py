"""`Call.status_changed_at`: the board's overdue clock, and how the migration filled existing calls."""

from __future__ import annotations

import importlib
from datetime import timedelta

import pytest
from django.apps import apps

from cad.core.models import OVERDUE_STATUSES, default_overdue_minutes
from calls import services
from calls.choices import OPEN_STATUSES
from calls.inputs import CallInput
from calls.models import Call, CallNote

pytestmark = pytest.mark.django_db


def test_the_kernels_overdue_statuses_are_the_open_call_statuses():
    assert set(OVERDUE_STATUSES) == set(OPEN_STATUSES) == set(default_overdue_minutes())


def test_status_changed_at_moves_with_the_status_only(community, dispatcher):
    call = services.call_create(community=community, by_user=dispatcher, data=CallInput(call_type="Stop", location="A"))
    assert abs(call.status_changed_at - call.created_at) < timedelta(seconds=1)
    first = call.status_changed_at
    services.call_add_note(call=call, text="note", by_user=dispatcher)
    services.call_update(call=call, by=dispatcher, location="B")
    call.refresh_from_db()
    assert call.status_changed_at == first
    services.call_set_status(call=call, status="enroute", by=dispatcher)
    call.refresh_from_db()
    assert call.status_changed_at > first
    moved = call.status_changed_at
    services.call_close(call=call, by=dispatcher)
    call.refresh_from_db()
    assert call.status_changed_at == call.closed_at and call.status_changed_at >= moved


def test_migration_fills_existing_calls_from_their_history(community, dispatcher):
    fill = importlib.import_module("calls.migrations.0007_call_status_changed_at").fill
    never = services.call_create(community=community, by_user=dispatcher, data=CallInput(call_type="Never moved", location="A"))
    moved = services.call_create(community=community, by_user=dispatcher, data=CallInput(call_type="Moved", location="B"))
    services.call_set_status(call=moved, status="enroute", by=dispatcher)
    closed = services.call_create(community=community, by_user=dispatcher, data=CallInput(call_type="Closed", location="C"))
    services.call_close(call=closed, by=dispatcher)
    note = CallNote.objects.for_community(community).filter(call=moved, text__startswith="Status changed").get()
    Call.objects.for_community(community).update(status_changed_at=note.created_at + timedelta(days=1))
    fill(apps, None)
    rows = {c.pk: c for c in Call.objects.for_community(community)}
    assert rows[never.pk].status_changed_at == rows[never.pk].created_at
    assert rows[moved.pk].status_changed_at == note.created_at
    assert rows[closed.pk].status_changed_at == rows[closed.pk].closed_at
