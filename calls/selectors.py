"""Reads of calls shared by the API, the UI, realtime (`active_911_calls`) and other apps."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from cad.core.errors import NotFound

from . import payloads
from .choices import ENDED_STATUSES, OPEN_STATUSES, CallApproval, CallOrigin, CallStatus
from .models import Call, CallAssignment, CallNote

_NUMBER = re.compile(r"^(?:#|INC-\d{4}-)?0*(\d{1,9})$", re.IGNORECASE)


def call_queryset(community, *, include_archived: bool = False, include_unapproved: bool = False) -> QuerySet[Call]:
    """Calls with everything a serializer or payload reads, in a fixed number of queries.

    A 911 call awaiting a dispatcher's approval (001) is left out unless `include_unapproved`: it is on no
    board, list or poll until `services.call_approve`."""
    qs = Call.objects.for_community(community).select_related(
        "call_type_ref", "department", "division", "created_by", "closed_by", "scene_commander",
    ).prefetch_related(
        Prefetch("assignments", queryset=CallAssignment.objects.all_communities().select_related("unit")),
        Prefetch("notes", queryset=CallNote.objects.all_communities().order_by("created_at")),
        "attached_civilians", "attached_vehicles",
    )
    if not include_unapproved:
        qs = qs.exclude(approval=CallApproval.PENDING)
    return qs if include_archived else qs.live()


def default_call_type(community):
    """The community's default call type: the first of its call types in the order its admins gave them
    (what a call that names no type gets, e.g. a SnailyCAD 911 script's call). None if it has none."""
    from cad.core.models import CallType

    return CallType.objects.for_community(community).live().order_by("position", "name").first()


def open_calls_of_units(community, units) -> list[tuple[Call, object]]:
    """(call, unit) for every open call each of `units` is assigned to."""
    by_pk = {unit.pk: unit for unit in units}
    rows = (CallAssignment.objects.for_community(community).filter(unit_id__in=list(by_pk),
                                                                    call__status__in=OPEN_STATUSES,
                                                                    call__archived_at__isnull=True)
            .select_related("call").order_by("assigned_at"))
    return [(row.call, by_pk[row.unit_id]) for row in rows]


def open_calls(community) -> QuerySet[Call]:
    return call_queryset(community).filter(status__in=OPEN_STATUSES)


def pending_calls(community) -> QuerySet[Call]:
    return call_queryset(community).filter(status=CallStatus.PENDING)


def active_911_calls_queryset(community) -> QuerySet[Call]:
    return open_calls(community).filter(origin=CallOrigin.CALLER)


def active_911_calls(community) -> list[payloads.CallCde]:
    """003's `current911Calls` payload: every open 911 (CALLER) call of the community."""
    return [payloads.call_cde(call) for call in active_911_calls_queryset(community)]


def calls_awaiting_approval(community) -> QuerySet[Call]:
    """001's approval queue: 911 calls from the public that wait for a dispatcher, oldest first."""
    return call_queryset(community, include_unapproved=True).filter(approval=CallApproval.PENDING) \
        .order_by("created_at")


def recently_closed_calls(community, *, limit: int = 6) -> list[Call]:
    """004's closed-incidents panel: the last `limit` closed or cancelled calls."""
    return list(call_queryset(community).filter(status__in=ENDED_STATUSES).order_by("-closed_at")[:limit])


def recent_calls(community, *, seconds: int = 30) -> QuerySet[Call]:
    """004's poll fallback: calls created in the last `seconds`."""
    since = timezone.now() - timedelta(seconds=seconds)
    return call_queryset(community).filter(created_at__gte=since).order_by("created_at")


def call_by_id_or_number(community, value, *, include_archived: bool = False, include_unapproved: bool = False,
                         queryset: QuerySet[Call] | None = None) -> Call:
    """A call by UUID, by number (`42`, `#42`) or by incident number (`INC-2026-000042`); else 404."""
    qs = queryset if queryset is not None else call_queryset(community, include_archived=include_archived,
                                                             include_unapproved=include_unapproved)
    text = str(value).strip()
    try:
        call = qs.filter(pk=uuid.UUID(text)).first()
    except ValueError:
        match = _NUMBER.match(text)
        call = qs.filter(number=int(match.group(1))).first() if match else None
    if call is None:
        raise NotFound("Call not found.")
    return call


def call_of_unit(community, unit) -> Call | None:
    """The open call a unit is on: its current call first, else its newest assignment (the MDT's "my call",
    the report form's pre-filled call)."""
    if unit is None:
        return None
    qs = call_queryset(community).filter(status__in=OPEN_STATUSES, assignments__unit=unit)
    if unit.current_call_id:
        current = qs.filter(pk=unit.current_call_id).first()
        if current is not None:
            return current
    return qs.order_by("-created_at").first()


def active_panics(community) -> QuerySet:
    """Panics no dispatcher has acknowledged yet, oldest first (none is ever hidden by a newer one)."""
    from .models import PanicAlert

    return PanicAlert.objects.for_community(community).filter(acknowledged_at__isnull=True).order_by("created_at")
