"""Reads of units and live positions shared by the API, the UI, the sockets and other apps."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone

from cad.core.models import StatusCode

from . import links, positions
from .models import ActiveDispatcher, DispatchState, Tone, Unit


def on_duty_units(community) -> QuerySet[Unit]:
    return (Unit.objects.for_community(community).filter(on_duty=True)
            .select_related("department", "status_code", "character", "user"))


def normalize_api_id(value: str) -> set[str]:
    """The forms an id from a game server may take: 002's "STEAM:1100001...", a bare Steam hex, a
    Discord id (bare or "discord:..."). Returns the `Unit.api_ids` entries that would match."""
    value = str(value or "").strip().lower()
    if not value:
        return set()
    for kind in ("steam", "discord"):
        if value.startswith(f"{kind}:"):
            return {f"{kind}:{value.split(':', 1)[1].strip()}"}
    return {f"steam:{value}", f"discord:{value}"}


def units_by_api_ids(community, api_ids: Iterable[str]) -> dict[str, Unit]:
    """On-duty units keyed by the api id asked for (ids that match nobody are absent). One query."""
    wanted = {raw: normalize_api_id(raw) for raw in api_ids}
    found: dict[str, Unit] = {}
    if not any(wanted.values()):
        return found
    for unit in on_duty_units(community):
        known = {str(i).lower() for i in unit.api_ids or ()}
        for raw, forms in wanted.items():
            if raw not in found and forms & known:
                found[raw] = unit
    return found


def unit_by_api_id(community, api_id: str) -> Unit | None:
    return units_by_api_ids(community, [api_id]).get(api_id)


def unit_for_character(character) -> Unit | None:
    """The character's on-duty unit, if any."""
    return (on_duty_units(character.community_id).filter(character=character)
            .select_related("status_code", "current_call").first())


def _uuids(values: Iterable) -> list[str]:
    out = []
    for v in values:
        try:
            out.append(str(uuid.UUID(str(v))))
        except (ValueError, TypeError, AttributeError):
            continue
    return out


def units_by_ids_or_names(community, ids: Iterable = (), names: Iterable = ()) -> list[Unit]:
    """On-duty units named by ID (ours or the game server's `external_id`) or by unit name
    (case-insensitive), in one query; 000's "unit IDs or names"."""
    ids = [str(i) for i in ids if i]
    names = [str(n).strip() for n in names if str(n or "").strip()]
    q, pks = Q(), _uuids(ids)
    if pks:
        q |= Q(pk__in=pks)
    if ids:
        q |= Q(external_id__in=ids)
    for name in names:
        q |= Q(name__iexact=name)
    if not q:
        return []
    return list(on_duty_units(community).filter(q))


def unit_by_id(community, unit_id) -> Unit | None:
    ids = _uuids([unit_id])
    return Unit.objects.for_community(community).filter(pk=ids[0]).first() if ids else None


def search_units(community, query: str, *, per_kind: int = 25) -> list[Unit]:
    """001's unit search: on-duty units whose callsign, character or user name matches, at most
    `per_kind` of each job."""
    query = (query or "").strip()
    match = (Q(name__icontains=query) | Q(character__first_name__icontains=query)
             | Q(character__last_name__icontains=query) | Q(user__username__icontains=query)
             | Q(radio_channel__iexact=query))
    units: list[Unit] = []
    base = on_duty_units(community).filter(match)
    jobs = base.values_list("job", flat=True).distinct().order_by()
    for job in sorted(set(jobs)):
        units += list(base.filter(job=job)[:per_kind])
    return units


def assigned_call_ids(units: Iterable[Unit]) -> dict[str, list[str]]:
    """Unit id → ids of the open calls it is assigned to (000's `assignedCalls`), in one query."""
    return links.calls().open_call_ids(units)


def _now_ts(now: datetime | None) -> float:
    return (now or timezone.now()).timestamp()


def locations_with_time(community_id, *, now: datetime | None = None) -> list[dict]:
    """Fresh positions of a community, oldest first, each with `ts` (epoch seconds of the update).

    A position stays keyed by the id its sender gave (`unitId`: 000's game-server id such as `officer_42`,
    our Unit id, or 004's character id). When that id is an on-duty unit's id, `external_id` or character,
    the entry gets `odId` (the Unit id, as in `GET /api/dispatch/units`) and, where the sender left them
    out, the unit's callsign, job and status (one query). Any other id is shown as sent with `odId: null`:
    no unit is guessed for it (not by name either)."""
    entries = positions.read(str(community_id), now_ts=_now_ts(now))
    if not entries:
        return entries
    units: dict[str, dict] = {}
    for row in (Unit.objects.for_community(community_id).filter(on_duty=True)
                .values("pk", "external_id", "character_id", "name", "job", "state", "status_text",
                        "status_code__code")):
        for key in (row["pk"], row["external_id"], row["character_id"]):
            if key:
                units[str(key)] = row
    for e in entries:
        row = units.get(e["unitId"]) or units.get(e.get("characterId") or "")
        e["odId"] = str(row["pk"]) if row is not None else None
        if row is None:
            continue
        if e["unitName"] in (e["unitId"], ""):
            e["unitName"] = row["name"]
        e["job"] = e["job"] or row["job"]
        e["status"] = e["status"] or row["status_code__code"] or row["status_text"] or row["state"]
    return entries


def locations(community_id, *, now: datetime | None = None) -> list[dict]:
    """Fresh positions of a community (003 `unitLocationUpdate` shapes), oldest first."""
    return [positions.public(e) for e in locations_with_time(community_id, now=now)]


def current_locations(community_id, *, now: datetime | None = None) -> dict[str, dict]:
    """003's `currentLocations`: unit id → {unitId, unitName, x, y, z, heading, status, postal, timestamp, ...}."""
    return {e["unitId"]: e for e in locations(community_id, now=now)}


def active_dispatchers(community) -> QuerySet[ActiveDispatcher]:
    return ActiveDispatcher.objects.for_community(community).select_related("user", "department")


def active_tones(community) -> QuerySet[Tone]:
    return Tone.objects.for_community(community).live()


def status_codes(community) -> QuerySet[StatusCode]:
    """The community's active unit status codes, in their configured order."""
    return StatusCode.objects.for_community(community).live().order_by("position", "name")


def dispatch_state(community) -> DispatchState:
    """The community's area of play and Signal 100: its row, or an unsaved empty one if dispatch has never
    declared either (nothing is written on a read)."""
    community_id = getattr(community, "pk", community)
    return (DispatchState.objects.for_community(community_id).first()
            or DispatchState(community_id=community_id))


def community_settings(community) -> dict:
    """The dispatch part of `/api/communities/:id` (`cad.core.parts`): what 000/001/004 read there."""
    state = dispatch_state(community)
    return {"area_of_play": state.area_of_play, "signal100": state.signal100}
