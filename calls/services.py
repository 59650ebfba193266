"""Every state change of a call. One function per action, shared by every dialect (000, 001, 002, 004, the
web UI): closing from 001's /end, 004's /close and 000's 911 close is the same `call_close`.

`by` is whoever acts: a user, the API token's ServicePrincipal, a dispatch Unit (004 acts as a unit) or
None (the system). Only a real user is stored in a user FK; the narrative and the events carry the name.
Every note, status change and assignment moves `last_activity_at`, which is what call expiry reads.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from cad.core import access, updates
from cad.core.errors import Conflict, Invalid
from cad.core.models import CallType, Community
from cad.core.numbering import next_number
from cad.events import publish
from dispatch import selectors as dispatch_selectors
from dispatch import services as dispatch_services
from dispatch.models import Unit
from postals.selectors import postal_code_at

from . import payloads
from .choices import (
    ENDED_STATUSES,
    OPEN_STATUSES,
    AssignmentState,
    CallApproval,
    CallOrigin,
    CallStatus,
    parse_status,
)
from .inputs import CHANGE_CLEANERS, CallInput
from .models import Call, CallAssignment, CallNote, PanicAlert

EXPIRING_STATUSES = (CallStatus.PENDING, CallStatus.ASSIGNED)  # 000: "pending, active, or dispatched"
PROGRESS_ORDER: list[str] = [CallStatus.PENDING, CallStatus.ASSIGNED, CallStatus.ENROUTE, CallStatus.ON_SCENE]
UNIT_STATES = ("available", "enroute", "on_scene", "busy")  # 004's unit statuses


# --- helpers --------------------------------------------------------------------------------------

def sequence_name(community_id: Any) -> str:
    return f"calls.call.{community_id}"


def _is_uuid(value: Any) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


def _invalid(field: str, message: str) -> Invalid:
    return Invalid({field: [message]})


def _parse(parser, field: str, value):
    try:
        return parser(value)
    except ValueError as exc:
        raise _invalid(field, str(exc)) from None


def _lock(call: Call) -> Call:
    """The call re-read under a row lock: the caller's copy may be stale."""
    return Call.objects.select_for_update().get(pk=call.pk, community_id=call.community_id)


def _ensure_not_archived(call: Call) -> None:
    if call.archived_at is not None:
        raise Conflict("This call has been deleted.")


def _ensure_open(call: Call) -> None:
    _ensure_not_archived(call)
    if call.approval == CallApproval.PENDING:
        raise Conflict("This 911 call is waiting for a dispatcher's approval.")
    if call.status in ENDED_STATUSES:
        raise Conflict(f"This call is {call.status}.")


def _ensure_same_community(call_or_community, *rows) -> None:
    community_id = getattr(call_or_community, "community_id", None) or call_or_community.pk
    for row in rows:
        if row is not None and row.community_id != community_id:
            raise Invalid(f"{type(row).__name__} belongs to another community.")


def _narrative(call: Call, text: str, by=None) -> CallNote:
    return CallNote.objects.create(community_id=call.community_id, call=call, text=text, kind="system",
                                   author=access.person(by), author_name=payloads.actor_name(by))


def _touch(call: Call, now: datetime | None = None) -> None:
    call.last_activity_at = now or timezone.now()


def _set_status(call: Call, status: str, now: datetime | None = None) -> None:
    """Every status move goes through here, so `status_changed_at` (the board's overdue clock) only
    restarts when the status really changes."""
    if status != call.status:
        call.status = status
        call.status_changed_at = now or timezone.now()


def _save(call: Call, *fields: str) -> None:
    extra = ["status_changed_at"] if "status" in fields else []
    call.save(update_fields=[*fields, *extra, "last_activity_at", "updated_at"])


def _release_units(call: Call, by) -> None:
    for assignment in call.assignments.select_related("unit"):
        dispatch_services.unit_release_from_call(unit=assignment.unit, call=call, by=by)


def _progress_status(call: Call, *, allow_regress: bool) -> str:
    """The call status the units' progress implies; it only moves forward unless units left."""
    if call.status not in OPEN_STATUSES:
        return call.status
    states = set(call.assignments.values_list("state", flat=True))
    if AssignmentState.ON_SCENE in states:
        implied = CallStatus.ON_SCENE
    elif AssignmentState.ENROUTE in states:
        implied = CallStatus.ENROUTE
    elif states:
        implied = CallStatus.ASSIGNED
    else:
        implied = CallStatus.PENDING
    if allow_regress:
        return implied if call.status != CallStatus.PENDING else call.status
    return max(call.status, implied, key=PROGRESS_ORDER.index)


def _publish_update(call: Call, by, old_status: str) -> None:
    """call-status-updated when the status moved, then the full call as callUpdated (+ 004 call_updated)."""
    if call.status != old_status:
        publish(call.community_id, "call-status-updated", payloads.status_changed(call, by))
        _tell_caller(call)
    aliases = ("call-updated", "911CallUpdated") if call.origin == CallOrigin.CALLER else ("call-updated",)
    publish(call.community_id, "callUpdated", payloads.call_cde(call), aliases=aliases,
            sse=[("call_updated", payloads.call_fivem(call))])


def _tell_caller(call: Call) -> None:
    """my-911-call-updated to the one person who called 911 (the catalogue names them from the payload),
    whenever what they see of the call changes. A call a game server or a script filed has no caller
    account to tell."""
    if call.origin == CallOrigin.CALLER and call.created_by_id is not None:
        publish(call.community_id, "my-911-call-updated", payloads.my_call_updated(call))


def _status_note(call: Call, old: str, by) -> None:
    if call.status != old:
        _narrative(call, f"Status changed from {old} to {call.status} by {payloads.actor_name(by)}.", by)


def _resolve_call_type(community, call_type: str, call_type_id) -> tuple[str, CallType | None]:
    if call_type_id:
        ref = None
        if _is_uuid(call_type_id):
            ref = CallType.objects.for_community(community).filter(pk=call_type_id).live().first()
        if ref is None:
            raise _invalid("call_type_id", f'No call type "{call_type_id}" in this community.')
        return ref.name, ref
    name = (call_type or "").strip()
    if not name:
        return "", None
    ref = CallType.objects.for_community(community).filter(name__iexact=name).live().first()
    return (ref.name if ref else name), ref


def resolve_units(community, refs: Iterable) -> tuple[list, list[str]]:
    """On-duty units by ID, by name or by a game API id (002's "STEAM:1234"); unknown refs are returned."""
    units, unknown = [], []
    on_duty = Unit.objects.for_community(community).filter(on_duty=True)
    for ref in refs:
        text = str(ref).strip()
        unit = on_duty.filter(pk=text).first() if _is_uuid(text) else None
        if unit is None and text:
            unit = dispatch_selectors.unit_by_api_id(community, text) or on_duty.filter(name__iexact=text).first()
        if unit is None:
            unknown.append(text)
        elif unit not in units:
            units.append(unit)
    return units, unknown


# --- create ---------------------------------------------------------------------------------------

def _add_assignment(call: Call, unit, by) -> CallAssignment | None:
    """Put `unit` on `call` (which the caller holds locked); None if it is already on it."""
    if call.assignments.filter(unit_id=unit.pk).exists():
        return None
    primary = not call.assignments.filter(is_primary=True).exists()
    assignment = CallAssignment.objects.create(community_id=call.community_id, call=call, unit=unit,
                                               is_primary=primary)
    if call.status not in ENDED_STATUSES:
        dispatch_services.unit_point_at_call(unit=unit, call=call)
    _narrative(call, f"{unit.name} assigned{' as primary unit' if primary else ''} by {payloads.actor_name(by)}.",
               by)
    return assignment


@transaction.atomic
def call_create(*, community: Community, data: CallInput, by_user=None, by_character=None,
                awaiting_approval: bool = False) -> Call:
    """Create a call with the community's next number. Unknown unit refs do not fail the call: they are
    left in `call.unresolved_unit_ids` for the caller to report (002). Without a priority, a configured
    call type's default priority applies, else normal (2).

    `awaiting_approval` (see `call911_needs_approval`): the call is stored pending, with no units, and
    publishes nothing; `call_approve` puts it on the board and raises the new-call events then."""
    postal = data.postal or postal_code_at(community, data.x, data.y)
    _ensure_same_community(community, data.department, data.division, by_character)
    type_name, type_ref = _resolve_call_type(community, data.call_type, data.call_type_id)
    priority = data.priority
    if priority is None:
        priority = type_ref.default_priority if type_ref and type_ref.default_priority in (1, 2, 3) else 2
    status, unit_refs = (CallStatus.PENDING, ()) if awaiting_approval else (data.status, data.unit_refs)
    units, unknown = resolve_units(community, unit_refs)

    now = timezone.now()
    user = access.person(by_user)
    call = Call.objects.create(
        community=community, number=next_number(sequence_name(community.pk)), call_type=type_name,
        call_type_ref=type_ref, situation_code=data.situation_code, title=data.title,
        code=data.code or (type_ref.code if type_ref else ""), location=data.location, block=data.block,
        postal=postal, x=data.x, y=data.y, z=data.z, caller=data.caller, description=data.description,
        origin=data.origin, priority=priority, status=status, status_changed_at=now, metadata=data.metadata,
        department=data.department,
        division=data.division, created_by=user, created_by_character=by_character,
        approval=CallApproval.PENDING if awaiting_approval else CallApproval.NONE,
        closed_at=now if status in ENDED_STATUSES else None, closed_by=user if status in ENDED_STATUSES else None,
    )
    for note in data.notes:
        if note.text.strip():
            CallNote.objects.create(community=community, call=call, text=note.text.strip(), label=note.label[:40],
                                    kind=note.kind[:16], author=user,
                                    author_name=payloads.actor_name(by_user) if by_user else "")
    assignments = [a for unit in units if (a := _add_assignment(call, unit, by_user))]
    if assignments and call.status == CallStatus.PENDING:
        _set_status(call, CallStatus.ASSIGNED, now)
        call.save(update_fields=["status", "status_changed_at"])

    if not awaiting_approval:
        # A new call's assignments are the ones made above: with no units there are none to load.
        _publish_new(call, assignments, known=[] if not units else None)
    call.unresolved_unit_ids = unknown
    return call


def _publish_new(call: Call, assignments: list, *, known: list | None = None) -> None:
    """The new-call events: at creation, or at approval for a call that waited for a dispatcher.
    `known`: the call's assignments when the caller knows them (no query)."""
    is_911 = call.origin == CallOrigin.CALLER
    if known is None:
        known = payloads._assignments(call)
    # new911Call carries the same full call (with its map coordinates): one message, four names.
    publish(call.community_id, "new-911-call", payloads.call_cde(call, assignments=known),
            aliases=("new-call", "newCall", "new911Call") if is_911 else ("new-call", "newCall"),
            sse=[("new_call", payloads.call_fivem(call, assignments=known))])
    if is_911:
        publish(call.community_id, "911Alert", payloads.alert_911(call))
    if assignments:
        publish(call.community_id, "unitsAssignedTo911", payloads.units_assigned(call, assignments))


# --- 911 approval (001) ---------------------------------------------------------------------------

def call911_needs_approval(*, community: Community, role: str, from_dispatch: bool) -> bool:
    """001: with the community's `call911_approval` on, a 911 call sent without `is-from-dispatch: true`
    by someone below dispatcher (a civilian, an officer) waits for approval. Dispatchers and API tokens
    (supervisor) never wait."""
    from cad.core.choices import Role

    return bool(community.call911_approval) and not from_dispatch and not Role(role).at_least(Role.DISPATCHER)


def _lock_awaiting(call: Call) -> Call:
    call = _lock(call)
    _ensure_not_archived(call)
    if call.approval != CallApproval.PENDING:
        raise Conflict("This call is not waiting for approval.", approval=call.approval)
    return call


@transaction.atomic
def call_approve(*, call: Call, by=None) -> Call:
    """Put a waiting 911 call on the board: the expiry clock starts now and new-call events go out now."""
    call = _lock_awaiting(call)
    call.approval = CallApproval.APPROVED
    _touch(call)
    _save(call, "approval")
    _narrative(call, f"911 call approved by {payloads.actor_name(by)}.", by)
    _publish_new(call, [])
    _tell_caller(call)
    return call


@transaction.atomic
def call_decline(*, call: Call, by=None, reason: str = "") -> Call:
    """Decline a waiting 911 call: cancelled and archived with the reason. It was never on a board, so
    only its caller is told."""
    reason = (reason or "").strip() if isinstance(reason, str) else ""
    if len(reason) > 180:
        raise _invalid("reason", "At most 180 characters.")
    call = _lock_awaiting(call)
    now = timezone.now()
    who = payloads.actor_name(by)
    _set_status(call, CallStatus.CANCELLED, now)
    call.approval, call.closed_at, call.closed_by = CallApproval.DECLINED, now, access.person(by)
    call.archived_at, call.archived_by_name = now, who
    call.archive_reason = f"Declined by dispatch: {reason}" if reason else "Declined by dispatch"
    call.closing_notes = reason or call.closing_notes
    _touch(call, now)
    _save(call, "approval", "status", "closed_at", "closed_by", "archived_at", "archived_by_name", "archive_reason",
          "closing_notes")
    _narrative(call, f"911 call declined by {who}." + (f" {reason}" if reason else ""), by)
    _tell_caller(call)
    return call


# --- update and status ----------------------------------------------------------------------------

def call_update(*, call: Call, by=None, if_unchanged_since: datetime | None = None, **changes) -> Call:
    """Change any of the fields `inputs.CHANGE_CLEANERS` lists (another is `Invalid`); a status that ends
    the call goes through call_close/call_cancel.

    `if_unchanged_since`: the call's `updated_at` the editor saw; if it has changed since (someone else
    saved first) nothing is written and `Conflict` says so, so no edit silently overwrites another."""
    changes = updates.clean_changes(changes, CHANGE_CLEANERS)
    status = changes.pop("status", None)

    with transaction.atomic():
        call = _lock(call)
        _ensure_not_archived(call)
        if if_unchanged_since is not None and call.updated_at != if_unchanged_since:
            raise Conflict("Someone else changed this call after you opened it. Review the current values "
                           "and save again.", callId=str(call.pk))
        _ensure_same_community(call, changes.get("department"), changes.get("division"))
        if "call_type" in changes or "call_type_id" in changes:
            name, ref = _resolve_call_type(call.community, changes.pop("call_type", ""),
                                           changes.pop("call_type_id", None))
            changes.update(call_type=name, call_type_ref=ref)
        changed = updates.apply(call, {name: value for name, value in changes.items()
                                       if getattr(call, name) != value})
        old = call.status
        if status is not None and status not in ENDED_STATUSES and status != old:
            _set_status(call, status)
            changed.append("status")
            if old in ENDED_STATUSES:  # reopening
                call.closed_at, call.closed_by = None, None
                changed += ["closed_at", "closed_by"]
        if changed:
            _touch(call)
            _save(call, *changed)
            fields = ", ".join(f for f in changed if f not in ("status", "closed_at", "closed_by", "call_type_ref"))
            if fields:
                _narrative(call, f"Call updated by {payloads.actor_name(by)}: {fields}.", by)
            _status_note(call, old, by)
            _publish_update(call, by, old)
        # Ending the call is its own action (units released, 911CallClosed), in the same transaction.
        if status == CallStatus.CLOSED and call.status != CallStatus.CLOSED:
            call = call_close(call=call, by=by)
        elif status == CallStatus.CANCELLED and call.status != CallStatus.CANCELLED:
            call = call_cancel(call=call, by=by)
    return call


def call_set_status(*, call: Call, status: str, by=None) -> Call:
    status = _parse(parse_status, "status", status)
    if status == CallStatus.CLOSED:
        return call_close(call=call, by=by)
    if status == CallStatus.CANCELLED:
        return call_cancel(call=call, by=by)
    return call_update(call=call, by=by, status=status)


@transaction.atomic
def call_close(*, call: Call, by=None, disposition: str = "", notes: str = "") -> Call:
    """Close a call (000 status/911 close, 001 end, 004 close): units on it become available."""
    if len(disposition or "") > 120:
        raise _invalid("disposition", "At most 120 characters.")
    call = _lock(call)
    _ensure_not_archived(call)
    if call.status == CallStatus.CLOSED:
        raise Conflict("This call is already closed.", call_number=call.number)
    old = call.status
    now = timezone.now()
    _set_status(call, CallStatus.CLOSED, now)
    call.closed_at, call.closed_by = now, access.person(by)
    call.disposition = (disposition or "").strip() or call.disposition
    call.closing_notes = (notes or "").strip() or call.closing_notes
    _touch(call, now)
    _save(call, "status", "closed_at", "closed_by", "disposition", "closing_notes")
    _release_units(call, by)
    summary = f"Call closed by {payloads.actor_name(by)}."
    if call.disposition:
        summary += f" Disposition: {call.disposition}."
    if call.closing_notes:
        summary += f" {call.closing_notes}"
    _narrative(call, summary, by)
    if old != call.status:
        publish(call.community_id, "call-status-updated", payloads.status_changed(call, by))
    publish(call.community_id, "911CallClosed", payloads.call_closed(call), sse=[("call_closed", payloads.call_fivem(call))])
    _tell_caller(call)
    return call


@transaction.atomic
def call_cancel(*, call: Call, by=None, reason: str = "") -> Call:
    call = _lock(call)
    _ensure_open(call)
    now = timezone.now()
    _set_status(call, CallStatus.CANCELLED, now)
    call.closed_at, call.closed_by = now, access.person(by)
    call.closing_notes = (reason or "").strip() or call.closing_notes
    _touch(call, now)
    _save(call, "status", "closed_at", "closed_by", "closing_notes")
    _release_units(call, by)
    _narrative(call, f"Call cancelled by {payloads.actor_name(by)}." + (f" {reason.strip()}" if reason else ""), by)
    publish(call.community_id, "call-status-updated", payloads.status_changed(call, by))
    aliases = ("call-updated", "911CallUpdated") if call.origin == CallOrigin.CALLER else ("call-updated",)
    # 004 has no cancel: the game server drops a cancelled call as it drops a closed one.
    publish(call.community_id, "callUpdated", payloads.call_cde(call), aliases=aliases,
            sse=[("call_closed", payloads.call_fivem(call))])
    _tell_caller(call)
    return call


@transaction.atomic
def call_archive(*, call: Call, by=None, reason: str = "") -> Call:
    """000's DELETE and the expiry sweep: the row stays (admins still see it) but leaves every board."""
    call = _lock(call)
    if call.archived_at is not None:
        raise Conflict("This call has already been deleted.")
    now = timezone.now()
    who = payloads.actor_name(by)
    call.archived_at, call.archive_reason, call.archived_by_name = now, (reason or "Deleted")[:200], who
    call.save(update_fields=["archived_at", "archive_reason", "archived_by_name", "updated_at"])
    if call.status in OPEN_STATUSES:
        _release_units(call, by)
    _narrative(call, f"Call deleted by {who}: {call.archive_reason}", by)
    publish(call.community_id, "call-deleted", payloads.call_deleted(call, deleted_by=who, reason=call.archive_reason))
    if call.status in OPEN_STATUSES:  # over, for its caller (a closed call's caller saw it close already)
        _tell_caller(call)
    return call


# --- narrative ------------------------------------------------------------------------------------

def call_add_note(*, call: Call, text: str, by_user=None, author_name: str = "", label: str = "",
                  kind: str = "text") -> CallNote:
    text = (text or "").strip() if isinstance(text, str) else ""
    if not text:
        raise _invalid("text", "A note needs some text.")
    if len(label or "") > 40:
        raise _invalid("label", "At most 40 characters.")
    if not kind or len(kind) > 16:
        raise _invalid("type", "A short note type such as text.")
    _ensure_not_archived(call)
    with transaction.atomic():
        now = timezone.now()
        note = CallNote.objects.create(
            community_id=call.community_id, call=call, text=text, label=label or "", kind=kind,
            author=access.person(by_user), author_name=(author_name or payloads.actor_name(by_user) if by_user else author_name),
        )
        # No lock: the note is its own row; the UPDATE keeps the expiry sweep's conditional UPDATE honest.
        Call.objects.filter(pk=call.pk, community_id=call.community_id).update(last_activity_at=now, updated_at=now)
        call.last_activity_at = now
        publish(call.community_id, "call-note-added", payloads.note_added(call, note))
    return note


# --- units ----------------------------------------------------------------------------------------

def call_assign_units(*, call: Call, units: Iterable, by=None) -> Call:
    units = list(units)
    for unit in units:
        _ensure_same_community(call, unit)
        if not unit.on_duty:
            raise Conflict(f"{unit.name} is not on duty.")
    with transaction.atomic():
        call = _lock(call)
        _ensure_open(call)
        added = [a for unit in units if (a := _add_assignment(call, unit, by))]
        if not added:
            return call
        old = call.status
        _set_status(call, _progress_status(call, allow_regress=False))
        _touch(call)
        _save(call, "status")
        _status_note(call, old, by)
        publish(call.community_id, "unitsAssignedTo911", payloads.units_assigned(call, added))
        _publish_update(call, by, old)
    return call


def call_assign_unit(*, call: Call, unit, by=None) -> Call:
    return call_assign_units(call=call, units=[unit], by=by)


@transaction.atomic
def call_remove_unit(*, call: Call, unit, by=None, cleared: bool = False) -> Call:
    """Take a unit off a call (000 remove, 004 /detach with `cleared`); the next unit becomes primary."""
    call = _lock(call)
    assignment = call.assignments.filter(unit_id=unit.pk).first()
    if call.archived_at is not None or (assignment is None and unit.current_call_id == call.pk):
        # Going off duty detaches a unit from everything it points at: a deleted call keeps its
        # history, and a stale `current_call` is simply let go.
        dispatch_services.unit_release_from_call(unit=unit, call=call, by=by)
        return call
    if assignment is None:
        raise Conflict(f"{unit.name} is not assigned to this call.")
    assignment.delete()
    if assignment.is_primary:
        successor = call.assignments.order_by("assigned_at").first()
        if successor is not None:
            successor.is_primary = True
            successor.save(update_fields=["is_primary"])
    fields = ["status"]
    if call.scene_commander_id == unit.pk:
        call.scene_commander = None
        fields.append("scene_commander")
    dispatch_services.unit_release_from_call(unit=unit, call=call, by=by)
    old = call.status
    _set_status(call, _progress_status(call, allow_regress=True))
    _touch(call)
    _save(call, *fields)
    reason = "Cleared" if cleared else f"Removed by {payloads.actor_name(by)}"
    _narrative(call, f"{unit.name} cleared from the call." if cleared else f"{unit.name} removed by "
               f"{payloads.actor_name(by)}.", by)
    _status_note(call, old, by)
    publish(call.community_id, "unitRemovedFromCall",
            payloads.unit_removed(call, unit, reason=reason, now=call.last_activity_at),
            aliases=("unitDetachedFromCall",) if cleared else ())
    _publish_update(call, by, old)
    return call


@transaction.atomic
def call_unit_progress(*, call: Call, unit, state: str, by=None) -> Call:
    """A unit's progress on a call (004 /respond, /on-scene, /unit-status): enroute assigns the unit if
    needed; on scene needs an assignment; available/busy change the unit, not its place on the call."""
    state = (state or "").strip().lower().replace("-", "_") if isinstance(state, str) else ""
    state = "on_scene" if state == "onscene" else state
    if state not in UNIT_STATES:
        raise _invalid("status", f'"{state}" is not a unit status; use one of: {", ".join(UNIT_STATES)}.')
    _ensure_same_community(call, unit)
    call = _lock(call)
    _ensure_open(call)
    assignment = call.assignments.filter(unit_id=unit.pk).first()
    added = None
    if assignment is None:
        if state != AssignmentState.ENROUTE:
            raise Conflict(f"{unit.name} is not on this call; respond to it first.")
        assignment = added = _add_assignment(call, unit, by or unit)
    assert assignment is not None
    if state in (AssignmentState.ENROUTE, AssignmentState.ON_SCENE) and assignment.state != state:
        assignment.state = state
        assignment.save(update_fields=["state"])
    dispatch_services.unit_set_state(unit=unit, state=state, by=by or unit)
    if state in (AssignmentState.ENROUTE, AssignmentState.ON_SCENE):
        dispatch_services.unit_point_at_call(unit=unit, call=call)
    old = call.status
    _set_status(call, _progress_status(call, allow_regress=False))
    _touch(call)
    _save(call, "status")
    label = {"enroute": "en route", "on_scene": "on scene", "available": "available", "busy": "busy"}[state]
    _narrative(call, f"{unit.name} {label}.", by or unit)
    _status_note(call, old, by or unit)
    if added is not None:
        publish(call.community_id, "unitsAssignedTo911", payloads.units_assigned(call, [added]))
    _publish_update(call, by or unit, old)
    return call


def call_scene_command(*, call: Call, unit, take: bool, by=None) -> Call:
    """Take or release scene command. Only one unit holds it: the conditional UPDATE decides races."""
    _ensure_same_community(call, unit)
    scoped = Call.objects.filter(pk=call.pk, community_id=call.community_id)
    with transaction.atomic():
        now = timezone.now()
        if take:
            if not call.assignments.filter(unit_id=unit.pk).exists():
                raise Conflict(f"{unit.name} is not on this call; respond to it first.")
            won = scoped.live().filter(scene_commander__isnull=True, status__in=OPEN_STATUSES) \
                .update(scene_commander=unit, last_activity_at=now, updated_at=now)
            if not won:
                current = scoped.select_related("scene_commander").first()
                if current.scene_commander_id == unit.pk:
                    return current
                _ensure_open(current)
                raise Conflict(f"Scene command is held by {current.scene_commander.name}.",
                               scene_commander_id=str(current.scene_commander_id))
        elif not scoped.filter(scene_commander=unit).update(scene_commander=None, last_activity_at=now,
                                                            updated_at=now):
            raise Conflict(f"{unit.name} does not hold scene command on this call.")
        call = scoped.get()
        who = by or unit
        _narrative(call, f"{unit.name} {'took' if take else 'released'} scene command.", who)
        _publish_update(call, who, call.status)
    return call


def _attach(call: Call, related, manager_name: str, label: str, by) -> Call:
    _ensure_same_community(call, related)
    with transaction.atomic():
        call = _lock(call)
        _ensure_not_archived(call)
        manager = getattr(call, manager_name)
        if manager.filter(pk=related.pk).exists():
            return call
        manager.add(related)
        _touch(call)
        _save(call)
        _narrative(call, f"{label} attached by {payloads.actor_name(by)}.", by)
        _publish_update(call, by, call.status)
    return call


def call_attach_civilian(*, call: Call, civilian, by=None) -> Call:
    return _attach(call, civilian, "attached_civilians", f"Civilian {civilian.full_name}", by)


def call_attach_vehicle(*, call: Call, vehicle, by=None) -> Call:
    return _attach(call, vehicle, "attached_vehicles", f"Vehicle {vehicle.plate}", by)


# --- panic ----------------------------------------------------------------------------------------

def panic_trigger(*, community: Community, character=None, unit=None, name: str = "", location: str = "",
                  postal: str = "", coords: dict | None = None, source: str = "fivem") -> Call:
    """004 /panic and 003 panic-button: a priority-1 call `PANIC — [callsign] Name` plus the alert.

    The officer is a character (their on-duty unit is found), or an on-duty `unit`, or, when a game
    server only knows the player's `name` (CDE CAD's panic script), just that name."""
    _ensure_same_community(community, character, unit)
    if coords is not None and (not isinstance(coords, dict) or not {"x", "y"} <= set(coords)):
        raise _invalid("coords", "An object {x, y, z}.")
    if character is None and unit is not None:
        character = unit.character
    if unit is None and character is not None:
        unit = dispatch_selectors.unit_for_character(character)
    officer = (character.full_name if character is not None
               else name.strip() or (unit.name if unit is not None else "") or "Unknown officer")
    callsign = unit.name if unit is not None else (getattr(character, "callsign", "") or "—")
    coords = coords or {}
    postal = postal or postal_code_at(community, coords.get("x"), coords.get("y"))
    with transaction.atomic():
        call = call_create(community=community, by_character=character, data=CallInput(
            call_type="Panic", title=f"PANIC — [{callsign}] {officer}"[:200], location=location, postal=postal,
            x=coords.get("x"), y=coords.get("y"), z=coords.get("z"), caller=officer[:120],
            description="Officer in distress: panic button.", origin=CallOrigin.OBSERVED, priority=1,
        ))
        alert = dict(character=character, unit=unit, name=officer, location=location, postal=postal,
                     coords=coords or None)
        PanicAlert.objects.create(community=community, call=call, unit=unit, character=character,
                                  officer_name=officer[:120], callsign=callsign[:60],
                                  location=(location or "")[:200], postal=(postal or "")[:20], source=source[:16])
        publish(community.pk, "panic-button", payloads.panic_cde(call, source=source, community=community, **alert),
                sse=[("panic", payloads.panic_fivem(call, **alert))])
    return call


def panic_acknowledge(*, panic: PanicAlert, by) -> PanicAlert:
    """A dispatcher has seen the panic: recorded once (a second acknowledgement changes nothing), written
    into the call's narrative, and announced so every board clears its alarm for it."""
    with transaction.atomic():
        locked = PanicAlert.objects.for_community(panic.community_id).select_for_update().get(pk=panic.pk)
        if locked.acknowledged_at is not None:
            return locked
        locked.acknowledged_at = timezone.now()
        locked.acknowledged_by = access.person(by)
        locked.acknowledged_by_name = payloads.actor_name(by)[:150]
        locked.save(update_fields=["acknowledged_at", "acknowledged_by", "acknowledged_by_name"])
        call = Call.objects.for_community(locked.community_id).get(pk=locked.call_id)
        _narrative(call, f"Panic acknowledged by {locked.acknowledged_by_name}.", by)
        publish(locked.community_id, "panic-acknowledged", payloads.panic_acknowledged(locked))
    return locked


# --- expiry ---------------------------------------------------------------------------------------

EXPIRY_BATCH = 500


def calls_expire_inactive(*, now: datetime | None = None) -> int:
    """Archive pending/assigned calls idle longer than their community's `call_expiry_minutes`.

    One cheap query per distinct expiry setting finds candidates (index on status, last_activity_at);
    each is archived by a conditional UPDATE that re-checks the idle condition, so several workers and
    a note added a moment ago are both safe: the row goes once, or not at all.
    """
    now = now or timezone.now()
    total = 0
    for minutes in Community.objects.order_by().values_list("call_expiry_minutes", flat=True).distinct():
        cutoff = now - timedelta(minutes=minutes)
        ids = list(Call.objects.all_communities().live().filter(
            community__call_expiry_minutes=minutes, status__in=EXPIRING_STATUSES, last_activity_at__lt=cutoff,
        ).exclude(approval=CallApproval.PENDING).values_list("pk", flat=True)[:EXPIRY_BATCH])
        total += sum(_expire_one(call_id, cutoff=cutoff, minutes=minutes, now=now) for call_id in ids)
    return total


@transaction.atomic
def _expire_one(call_id, *, cutoff: datetime, minutes: int, now: datetime) -> int:
    reason = f"Auto-delete: inactive {minutes}+ min"
    won = Call.objects.all_communities().live().filter(
        pk=call_id, status__in=EXPIRING_STATUSES, last_activity_at__lt=cutoff,
    ).exclude(approval=CallApproval.PENDING).update(archived_at=now, archive_reason=reason, archived_by_name="system", updated_at=now)
    if not won:
        return 0
    call = Call.objects.all_communities().get(pk=call_id)
    _release_units(call, None)
    _narrative(call, reason, None)
    publish(call.community_id, "call-deleted", payloads.call_deleted(call, deleted_by="system", reason=reason))
    _tell_caller(call)
    return 1
