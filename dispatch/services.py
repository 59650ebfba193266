"""State changes of dispatch: duty, unit status, radio channels, live positions, area of play, Signal 100,
active dispatchers, tones, and the stale-unit sweeps. Event names are listed in docs/dispatch.md."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from cad.core import access
from cad.core.choices import DepartmentType, StatusCodeMeaning
from cad.core.errors import Conflict, Forbidden, Invalid, NotFound
from cad.core.isotime import now_iso
from cad.core.models import Community, Department, StatusCode
from cad.core.webhooks import WebhookError, WebhookRefused, post_json  # noqa: F401 (WebhookError: tasks retry on it)
from cad.events import apublish, publish
from characters.choices import CharacterType
from postals.index import PostalIndex
from postals.selectors import apostal_index, postal_index

from . import links, payloads, positions
from .choices import ToneType, UnitJob, UnitState
from .models import ActiveDispatcher, DispatchState, Tone, Unit

logger = logging.getLogger(__name__)

ON_DUTY_CHARACTER_TYPES = frozenset({CharacterType.LEO, CharacterType.EMS, CharacterType.FD, CharacterType.TOW})
JOB_BY_DEPARTMENT = {DepartmentType.POLICE: UnitJob.POLICE, DepartmentType.SHERIFF: UnitJob.POLICE,
                     DepartmentType.STATE: UnitJob.POLICE, DepartmentType.EMS: UnitJob.EMS,
                     DepartmentType.FIRE: UnitJob.FIRE, DepartmentType.TOW: UnitJob.TOW}
JOB_BY_CHARACTER = {CharacterType.LEO: UnitJob.POLICE, CharacterType.EMS: UnitJob.EMS,
                    CharacterType.FD: UnitJob.FIRE, CharacterType.TOW: UnitJob.TOW}
CALLSIGN_PREFIX: dict[str, str] = {UnitJob.POLICE: "ADAM", UnitJob.EMS: "MEDIC", UnitJob.FIRE: "ENGINE", UnitJob.TOW: "TOW"}
STATE_BY_MEANING: dict[str, str] = {StatusCodeMeaning.AVAILABLE: UnitState.AVAILABLE, StatusCodeMeaning.ENROUTE: UnitState.ENROUTE,
                    StatusCodeMeaning.ON_SCENE: UnitState.ON_SCENE, StatusCodeMeaning.BUSY: UnitState.BUSY,
                    StatusCodeMeaning.OUT_OF_SERVICE: UnitState.BUSY}
AUTO_OFFLINE_REASON = "4hr inactivity timeout"


# --- Payloads -------------------------------------------------------------------------------------
def unit_status_label(unit: Unit) -> str:
    """What 003 calls a unit's status: its community status code (`10-8`), else the free text a game
    server sent, else the canonical state; `offline` once off duty."""
    if not unit.on_duty:
        return "offline"
    if unit.status_code is not None:
        return unit.status_code.code
    return unit.status_text or unit.state


def unit_status_payload(unit: Unit) -> payloads.UnitStatus:
    """003 `unit-status-updated` / `userStatusUpdate`: {userId, odId, status, updatedAt} plus the unit."""
    return {
        "unitId": str(unit.pk), "odId": str(unit.pk), "unitName": unit.name, "callSign": unit.name,
        "userId": str(unit.user_id) if unit.user_id else None,
        "characterId": str(unit.character_id) if unit.character_id else None,
        "status": unit_status_label(unit), "state": unit.state, "job": unit.job, "onDuty": unit.on_duty,
        "statusCode": unit.status_code.code if unit.status_code else None,
        "updatedAt": payloads.encoded_time(unit.updated_at),
    }


def _publish_status(unit: Unit) -> None:
    publish(unit.community_id, "unit-status-updated", unit_status_payload(unit), aliases=("userStatusUpdate",))


# --- Unit status ----------------------------------------------------------------------------------
def state_for_status_code(status_code: StatusCode) -> str:
    return STATE_BY_MEANING.get(status_code.meaning, UnitState.BUSY)


def _default_code(community_id, state: str) -> StatusCode | None:
    """The community's first status code for a state (10-8 for available), if it has one."""
    return (StatusCode.objects.for_community(community_id).filter(meaning=state).live()
            .order_by("position", "name").first())


def resolve_status_code(community_id, value) -> StatusCode | None:
    """The community's active status code named `value` (case-insensitive); a 400 naming the allowed codes."""
    if value is None or isinstance(value, StatusCode):
        return value
    code = StatusCode.objects.for_community(community_id).filter(code__iexact=str(value)).live().first()
    if code is None:
        allowed = ", ".join(StatusCode.objects.for_community(community_id).live()
                            .values_list("code", flat=True))
        raise Invalid({"status": [f'"{value}" is not a status code here; use one of: {allowed}.']})
    return code


def unit_set_status(*, unit: Unit, status: str, by=None, now: datetime | None = None) -> Unit:
    """A status as 003/004 send it: a canonical state (`available`) or a community status code (`10-6`)."""
    status = str(status or "").strip()
    if status in UnitState.values:
        return unit_set_state(unit=unit, state=status, by=by, now=now)
    code = resolve_status_code(unit.community_id, status)
    if code is None:  # an empty status: resolve_status_code answers None only for None
        raise Invalid({"status": ["A status is required."]})
    return unit_set_state(unit=unit, state=state_for_status_code(code), status_code=code, by=by, now=now)


def unit_set_state(*, unit: Unit, state: str, by=None, status_code: StatusCode | str | None = None,
                   status_text: str | None = None, now: datetime | None = None) -> Unit:
    """Set an on-duty unit's canonical state, its status code (given, else the community's first code
    for that state, else none) and its free status text (cleared unless given)."""
    if state not in UnitState.values:
        raise Invalid({"state": [f'"{state}" is not allowed; use one of: {", ".join(UnitState.values)}.']})
    code = resolve_status_code(unit.community_id, status_code)
    if code is not None and code.community_id != unit.community_id:
        raise Invalid({"status": ["That status code belongs to another community."]})
    code = code or _default_code(unit.community_id, state)
    now = now or timezone.now()
    with transaction.atomic():
        locked = (Unit.objects.for_community(unit.community_id).select_for_update(of=("self",))
                  .filter(pk=unit.pk).select_related("status_code").first())
        if locked is None:
            raise NotFound("Unit not found.")
        if not locked.on_duty:
            raise Forbidden("This unit is not on duty.")
        if (locked.state, locked.status_code_id) != (state, code.pk if code else None):
            locked.status_changed_at = now  # the units column's time in status restarts only here
        locked.state, locked.status_code = state, code
        locked.status_text = str(status_text or "")[:40]
        locked.last_activity_at = now
        locked.save(update_fields=["state", "status_code", "status_text", "last_activity_at", "status_changed_at",
                                   "updated_at"])
        _publish_status(locked)
    return locked


def unit_set_radio_channel(*, unit: Unit, channel: str, by=None, now: datetime | None = None) -> Unit:
    """001's radio channel of a unit (empty clears it)."""
    channel = (channel or "").strip()[:40]
    now = now or timezone.now()
    with transaction.atomic():
        updated = Unit.objects.for_community(unit.community_id).filter(pk=unit.pk).update(
            radio_channel=channel, last_activity_at=now, updated_at=now)
        if not updated:
            raise NotFound("Unit not found.")
        unit.radio_channel, unit.last_activity_at, unit.updated_at = channel, now, now
        publish(unit.community_id, "unitRadioChannelUpdated", payloads.radio_channel(unit, channel))
    return unit


# --- Duty -----------------------------------------------------------------------------------------
def _job_for(character) -> str:
    department = character.department
    if department is not None and department.type in JOB_BY_DEPARTMENT:
        return JOB_BY_DEPARTMENT[department.type]
    return JOB_BY_CHARACTER[character.type]


def _callsign_for(character, job: str) -> str:
    if character.callsign.strip():
        return character.callsign.strip()[:60]
    return f"{CALLSIGN_PREFIX[job]}-{int(character.pk.hex[:8], 16) % 900 + 100}"


def _api_ids_for(user) -> list[str]:
    profile = getattr(user, "profile", None) if user is not None else None
    ids = []
    if profile is not None and profile.steam_hex:
        ids.append(f"steam:{profile.steam_hex.lower().removeprefix('steam:')}")
    if profile is not None and profile.discord_id:
        ids.append(f"discord:{profile.discord_id.lower()}")
    return ids


def _queue_webhook(unit: Unit, on: bool) -> None:
    if not Community.objects.filter(pk=unit.community_id).exclude(duty_webhook_url="").exists():
        return

    def send():
        from .tasks import send_duty_webhook

        send_duty_webhook.delay(str(unit.pk), on)

    transaction.on_commit(send, robust=True)


def duty_set(*, character, on: bool, by=None, now: datetime | None = None) -> Unit | None:
    """Put a character's unit on or off duty (`/fivem/duty` and `POST /api/dispatch/duty`).

    On: returns the on-duty unit (the existing one if it already is). Off: returns the unit now off
    duty, or None if it was not on duty. Only LEO, EMS, fire and tow characters go on duty (403).
    """
    if character.type not in ON_DUTY_CHARACTER_TYPES:
        raise Forbidden("Only LEO, EMS, fire and tow characters can go on duty.")
    if character.archived_at is not None:
        raise Forbidden("This character is archived.")
    now = now or timezone.now()
    current = Unit.objects.for_community(character.community_id).filter(character=character, on_duty=True).first()
    if not on:
        return unit_off_duty(unit=current, by=by, now=now) if current is not None else None
    if current is not None:
        return current
    job = _job_for(character)
    user = character.user
    try:
        with transaction.atomic():
            unit = Unit.objects.create(
                community_id=character.community_id, user=user, character=character, department=character.department,
                name=_callsign_for(character, job), job=job, state=UnitState.AVAILABLE, api_ids=_api_ids_for(user),
                status_code=_default_code(character.community_id, UnitState.AVAILABLE),
                on_duty=True, on_duty_since=now, last_activity_at=now, status_changed_at=now,
            )
            _publish_status(unit)
            _queue_webhook(unit, True)
    except IntegrityError:  # a concurrent duty-on won the one-live-unit-per-character constraint
        return Unit.objects.for_community(character.community_id).get(character=character, on_duty=True)
    return unit


def unit_off_duty(*, unit: Unit, by=None, now: datetime | None = None) -> Unit | None:
    """Take a unit off duty (the row stays): detached from its calls, off the live map. None if it
    was not on duty."""
    return _take_off_duty(unit=unit, by=by, now=now or timezone.now())


def _position_keys(unit: Unit) -> list[str]:
    return [k for k in (str(unit.pk), unit.external_id, str(unit.character_id or "")) if k]


def _take_off_duty(*, unit: Unit, by, now: datetime, idle_cutoff: datetime | None = None) -> Unit | None:
    """Off duty, detached from its calls, off the map. With `idle_cutoff`, only if still idle since then.
    Returns the unit, or None when another worker (or a fresh activity) got there first."""
    with transaction.atomic():
        links.calls().release_unit(unit, by)
        rows = Unit.objects.for_community(unit.community_id).filter(pk=unit.pk, on_duty=True)
        if idle_cutoff is not None:
            rows = rows.filter(Q(last_activity_at__lt=idle_cutoff) | Q(last_activity_at__isnull=True))
        if not rows.update(on_duty=False, current_call=None, state=UnitState.AVAILABLE, last_activity_at=now,
                           status_changed_at=now, updated_at=now):
            transaction.set_rollback(True)
            return None
        unit.refresh_from_db()
        _publish_status(unit)
        _queue_webhook(unit, False)
        if idle_cutoff is not None:
            publish(unit.community_id, "unit-auto-offline",
                    payloads.auto_offline(unit, reason=AUTO_OFFLINE_REASON, now=now))
    for entry in positions.remove(str(unit.community_id), _position_keys(unit)):
        _publish_removed(entry)
    return unit


def duty_webhook_send(*, unit: Unit, on: bool) -> int | None:
    """POST the community's Duty Change Webhook (Discord-compatible `content` plus the data). Returns the
    HTTP status (4xx included: retrying cannot fix those); raises WebhookError on 5xx or no answer."""
    url = Community.objects.filter(pk=unit.community_id).values_list("duty_webhook_url", flat=True).first()
    if not url:
        return None
    who = unit.character.full_name if unit.character else (unit.user.username if unit.user else "")
    body = {
        "content": f"**{unit.name}**{f' ({who})' if who else ''} is now {'on' if on else 'off'} duty.",
        "event": "duty_change", "on_duty": on, "unit_id": str(unit.pk), "unit_name": unit.name, "job": unit.job,
        "character_id": str(unit.character_id) if unit.character_id else None,
        "community_id": str(unit.community_id), "timestamp": now_iso(),
    }
    try:
        status = post_json(url, body, user_agent="cad-duty-webhook")
    except WebhookRefused as exc:  # an address we will not call: retrying cannot help
        logger.warning("duty webhook of community %s refused: %s", unit.community_id, exc)
        return None
    if status >= 400:
        logger.warning("duty webhook of community %s answered %s", unit.community_id, status)
    return status


# --- Positions ------------------------------------------------------------------------------------
POSITION_EVENTS = {"rest": "unitLocationUpdate", "fivem": "unitLocationUpdate", "socket": "unit-location-updated"}
POSITIONS_EVENT = "unitLocations"  # the live map's stream: a window's positions of a community in one event


def _publish_removed(entry: dict) -> None:
    publish(entry["communityId"], "unitLocationRemoved", payloads.location_removed(entry))


class _PositionEvents:
    """The live map's one coalescing window, per process: the positions of a community that arrive within
    `DISPATCH_POSITION_EVENT_WINDOW` seconds (1.0 by default; 0 publishes inline) leave as ONE event,
    `unitLocations` `{communityId, units: {unitId: latest position}, removed: []}`, whose parts are the
    003 single events of those units (`unitLocationUpdate`, or `unit-location-updated` for positions sent
    over a socket). One layer message and one `seq` per community and window, whatever the number of
    units: a map socket takes the batch, a 003 socket each single event (`cad.events`, "parts").

    Leading edge: the first position after a quiet window leaves at once (a game server that sends all
    its units in one request every 2 s is drawn without waiting); then at most one burst per window.
    A unit taken off the map while its position waited here (off duty, DELETE) is left out of the burst,
    so the burst cannot draw it again."""

    def __init__(self):
        self._pending: dict[str, dict[str, tuple[str, dict]]] = {}  # community → unit → (event name, entry)
        self._task: asyncio.Task | None = None
        self._last = float("-inf")  # loop time of the last burst

    async def add(self, name: str, entries: Iterable[dict], *, community_id: str | None = None) -> None:
        """Queue positions for the next burst; `community_id` says every entry is of that community."""
        if community_id is not None:
            self._pending.setdefault(community_id, {}).update({e["unitId"]: (name, e) for e in entries})
        else:
            for e in entries:
                self._pending.setdefault(e["communityId"], {})[e["unitId"]] = (name, e)
        window = positions.setting("DISPATCH_POSITION_EVENT_WINDOW", 1.0)
        if window <= 0:
            await self.flush()
            return
        loop = asyncio.get_running_loop()
        if self._task is None or self._task.done() or self._task.get_loop() is not loop:
            self._task = loop.create_task(self._later(max(0.0, self._last + window - loop.time())))

    async def _later(self, delay: float) -> None:
        await asyncio.sleep(delay)
        await self.flush()

    async def flush(self) -> None:
        self._last = asyncio.get_running_loop().time()
        pending, self._pending = self._pending, {}
        for community_id, by_unit in pending.items():
            try:
                await _publish_positions(community_id, by_unit)
            except Exception:  # an event broker outage must not kill the ingest loop or other communities
                logger.exception("could not publish the positions of community %s", community_id)


async def _publish_positions(community_id: str, by_unit: dict[str, tuple[str, dict]]) -> None:
    gone = await positions.amissing(community_id, list(by_unit))
    units: dict[str, Any] = {}
    parts: list[tuple[str, Any]] = []
    for unit_id, (name, entry) in by_unit.items():
        if unit_id not in gone:
            units[unit_id] = payload = positions.public(entry)
            parts.append((name, payload))
    if units:
        await apublish(community_id, POSITIONS_EVENT, payloads.unit_locations(
            community_id=community_id, units=units, removed=[]), parts=parts, json_native=True)


position_events = _PositionEvents()

EMBEDDED_PRUNE_SECONDS = 10
_embedded_pruner: asyncio.Task | None = None


def _ensure_embedded_pruner() -> None:
    """Without Redis, positions live in the web process's memory, out of the Celery worker's reach: the
    web process prunes them itself, every 10 s while it tracks any (the beat task's job with Redis)."""
    global _embedded_pruner
    if positions.uses_redis():
        return
    loop = asyncio.get_running_loop()
    if _embedded_pruner is None or _embedded_pruner.done() or _embedded_pruner.get_loop() is not loop:
        _embedded_pruner = loop.create_task(_embedded_prune_loop())


async def _embedded_prune_loop() -> None:
    from asgiref.sync import sync_to_async

    while positions.communities():
        await asyncio.sleep(EMBEDDED_PRUNE_SECONDS)
        try:
            await sync_to_async(prune_stale_positions)()
        except Exception:
            logger.exception("could not prune positions")


def fill_postals(entries: list[dict], index: PostalIndex | None) -> None:
    """Positions that came without a postal get the nearest one of the community's table (if it has one)."""
    if index is None:
        return
    nearest = index.nearest
    for e in entries:
        if not e["postal"] and (found := nearest(e["x"], e["y"])) is not None:
            e["postal"] = found[0]


def _entry(*, community_id, unit_id, x, y, z, heading, unit_name, job, status, postal, character_id, now) -> dict:
    return positions.make_entry(
        community_id=str(community_id), unit_id=str(unit_id), x=float(x), y=float(y), z=float(z),
        heading=float(heading or 0), unit_name=unit_name or "", job=job or "", status=status or "",
        postal=str(postal or ""), character_id=character_id, ts=(now or timezone.now()).timestamp(),
    )


async def aposition_update(*, community_id, unit_id: str, x: float, y: float, z: float, heading: float = 0.0,
                           unit_name: str = "", job: str = "", status: str = "", postal: str = "",
                           character_id: str | None = None, origin: str = "rest",
                           now: datetime | None = None) -> dict:
    """Store a unit's latest position (no row) and publish it: `unitLocationUpdate` for the REST and
    /fivem routes, `unit-location-updated` for positions that came in over a socket."""
    entry = _entry(community_id=community_id, unit_id=unit_id, x=x, y=y, z=z, heading=heading, unit_name=unit_name,
                   job=job, status=status, postal=postal, character_id=character_id, now=now)
    fill_postals([entry], await apostal_index(entry["communityId"]))
    await positions.awrite([entry])
    await position_events.add(POSITION_EVENTS[origin], [entry], community_id=entry["communityId"])
    _ensure_embedded_pruner()
    return positions.public(entry)


def position_update(*, community_id, unit_id: str, x: float, y: float, z: float, heading: float = 0.0,
                    unit_name: str = "", job: str = "", status: str = "", postal: str = "",
                    character_id: str | None = None, origin: str = "rest", now: datetime | None = None) -> dict:
    """Sync twin of `aposition_update` (publishes at once)."""
    entry = _entry(community_id=community_id, unit_id=unit_id, x=x, y=y, z=z, heading=heading, unit_name=unit_name,
                   job=job, status=status, postal=postal, character_id=character_id, now=now)
    fill_postals([entry], postal_index(entry["communityId"]))
    positions.write([entry])
    publish(entry["communityId"], POSITION_EVENTS[origin], positions.public(entry))
    return positions.public(entry)


def position_remove(*, community_id, unit_id: str) -> bool:
    """Take a unit off the live map now (000's DELETE /api/dispatch/location/:unitId). False if untracked."""
    gone = positions.remove(str(community_id), [str(unit_id)])
    for entry in gone:
        _publish_removed(entry)
    return bool(gone)


def positions_remove(*, community_id, unit_ids: Iterable[str]) -> int:
    """Take several units off the live map now (units reporting themselves offline); returns how many were
    tracked."""
    gone = positions.remove(str(community_id), [str(u) for u in unit_ids])
    for entry in gone:
        _publish_removed(entry)
    return len(gone)


def unit_positions_remove(*, unit: Unit) -> None:
    """Drop every position tracked for a unit (by its id, its game-server id or its character)."""
    for entry in positions.remove(str(unit.community_id), _position_keys(unit)):
        _publish_removed(entry)


# --- Sweeps ---------------------------------------------------------------------------------------
def prune_stale_positions(*, now: datetime | None = None) -> int:
    """Drop positions older than UNIT_POSITION_TTL_SECONDS everywhere; each removal is published once."""
    removed = positions.prune(now_ts=(now or timezone.now()).timestamp())
    for entry in removed:
        _publish_removed(entry)
    return len(removed)


def offline_idle_units(*, now: datetime | None = None, limit: int = 500) -> int:
    """Units with no position update and no status change for UNIT_AUTO_OFFLINE_HOURS go off duty."""
    now = now or timezone.now()
    cutoff = now - timedelta(hours=settings.UNIT_AUTO_OFFLINE_HOURS)
    candidates = list(
        Unit.objects.all_communities().filter(on_duty=True)
        .filter(Q(last_activity_at__lt=cutoff) | Q(last_activity_at__isnull=True, created_at__lt=cutoff))
        .select_related("user")[:limit]
    )
    by_community: dict[str, list[Unit]] = {}
    for unit in candidates:
        by_community.setdefault(str(unit.community_id), []).append(unit)
    count = 0
    for community_id, units in by_community.items():
        seen = positions.last_seen(community_id, [k for u in units for k in _position_keys(u)])
        for unit in units:
            moved = max((seen[k] for k in _position_keys(unit) if k in seen), default=None)
            if moved is not None and moved >= cutoff.timestamp():
                # It is still moving: record that, so the next sweep skips it without asking the cache.
                Unit.objects.for_community(community_id).filter(pk=unit.pk, on_duty=True).update(
                    last_activity_at=datetime.fromtimestamp(moved, UTC))
                continue
            if _take_off_duty(unit=unit, by=None, now=now, idle_cutoff=cutoff) is not None:
                count += 1
        positions.forget_seen_before(community_id, cutoff.timestamp())
    return count


# --- Units on calls (calls asks; dispatch owns the unit's row) -----------------------------------------
def unit_point_at_call(*, unit: Unit, call, only_if=None) -> None:
    """The unit's current call becomes `call` (None: no call); with `only_if`, only if it still points
    at that call (a unit that has moved on to another call keeps it)."""
    qs = Unit.objects.filter(pk=unit.pk, community_id=unit.community_id)
    if only_if is not None:
        qs = qs.filter(current_call_id=only_if.pk)
    if qs.update(current_call=call):
        unit.current_call = call


def unit_release_from_call(*, unit: Unit, call, by=None) -> None:
    """The unit leaves `call`: available again, unless it has meanwhile moved to another call."""
    here = Unit.objects.filter(pk=unit.pk, community_id=unit.community_id, current_call_id=call.pk)
    if here.filter(on_duty=True).exists():
        unit_set_state(unit=unit, state=UnitState.AVAILABLE, by=by)
    unit_point_at_call(unit=unit, call=None, only_if=call)


# --- Area of play, Signal 100 ---------------------------------------------------------------------
def _locked_state(community_id) -> DispatchState:
    """The community's dispatch row under a row lock, made on first use (two first writers: one row)."""
    state, _ = DispatchState.objects.select_for_update().get_or_create(community_id=community_id)
    return state


def _clean_aop(aop: str, *, allow_blank: bool = False) -> str:
    aop = (aop or "").strip()
    if not aop and not allow_blank:
        raise Invalid({"aop": ["The area of play cannot be empty."]})
    if len(aop) > 200:
        raise Invalid({"aop": ["At most 200 characters."]})
    return aop


def aop_set(*, community: Community, aop: str, by=None) -> DispatchState:
    aop = _clean_aop(aop)
    with transaction.atomic():
        state = _locked_state(community.pk)
        state.area_of_play = aop
        state.save(update_fields=["area_of_play", "updated_at"])
        publish(community.pk, "areaOfPlayUpdated", payloads.area_of_play(aop, by_name=access.handle(by)),
                aliases=("aop-updated",))
    return state


def signal100_set(*, community: Community, value: bool, call_id: str | None = None, by=None) -> DispatchState:
    """Signal 100 on (optionally for a call) or off; everyone hears it on the priority group."""
    call = None
    if value and call_id:
        call = links.calls().find_call(community, call_id)
        if call is None:
            raise Invalid({"callId": ["No such call in this community."]})
    with transaction.atomic():
        state = _locked_state(community.pk)
        state.signal100, state.signal100_call = value, call
        state.save(update_fields=["signal100", "signal100_call", "updated_at"])
        publish(community.pk, "signal100", payloads.signal100(value, call=call, by_name=access.handle(by)),
                aliases=("signal-100",))
    return state


def community_settings_update(*, community: Community, by=None, area_of_play: str | None = None) -> dict:
    """The dispatch part of an admin's settings change (`PATCH /api/communities/:id`, `cad.core.parts`):
    the area of play set as a setting, blank allowed and nothing announced, as it always was there.
    Returns the changes `{name: [old, new]}` for the kernel's one audit entry."""
    if area_of_play is None:
        return {}
    aop = _clean_aop(area_of_play, allow_blank=True)
    state = _locked_state(community.pk)
    if state.area_of_play == aop:
        return {}
    old, state.area_of_play = state.area_of_play, aop
    state.save(update_fields=["area_of_play", "updated_at"])
    return {"area_of_play": [old, aop]}


# --- Active dispatchers ---------------------------------------------------------------------------
def _publish_dispatchers(community_id) -> None:
    rows = list(ActiveDispatcher.objects.for_community(community_id).select_related("user"))
    publish(community_id, "activeDispatchersUpdated", payloads.active_dispatchers(rows))


def dispatcher_set_active(*, community: Community, user, value: bool) -> ActiveDispatcher | None:
    with transaction.atomic():
        rows = ActiveDispatcher.objects.for_community(community).filter(user=user)
        if not value:
            if rows.delete()[0]:
                _publish_dispatchers(community.pk)
            return None
        current = rows.first()
        if current is not None:
            return current
        try:
            with transaction.atomic():
                current = ActiveDispatcher.objects.create(community=community, user=user)
        except IntegrityError:
            return rows.get()
        _publish_dispatchers(community.pk)
    return current


def active_dispatcher_update(*, community: Community, user, department: Department | None) -> ActiveDispatcher:
    if department is not None and department.community_id != community.pk:
        raise Invalid({"activeDepartment": ["No such department in this community."]})
    with transaction.atomic():
        row = ActiveDispatcher.objects.for_community(community).select_for_update().filter(user=user).first()
        if row is None:
            raise Conflict("You are not an active dispatcher; set dispatchers-state first.")
        row.department = department
        row.save(update_fields=["department", "updated_at"])
        _publish_dispatchers(community.pk)
    return row


# --- Tones ----------------------------------------------------------------------------------------
def tone_payload(tone: Tone) -> payloads.Tone:
    return {"id": str(tone.pk), "type": tone.type, "description": tone.description,
            "leoTone": tone.type == ToneType.LEO, "emsFdTone": tone.type == ToneType.EMS_FD,
            "createdAt": payloads.encoded_time(tone.created_at), "updatedAt": payloads.encoded_time(tone.updated_at)}


def _publish_tones(community_id, name: str, extra: dict, aliases: tuple[str, ...] = ()) -> None:
    tones = [tone_payload(t) for t in Tone.objects.for_community(community_id).live()]
    publish(community_id, name, payloads.tones(tones, **extra), aliases=aliases)


def tone_set(*, community: Community, description: str, leo: bool, ems_fd: bool, by=None) -> list[Tone]:
    """001's create-or-update: the active LEO and/or EMS-FD tone now says `description`."""
    description = (description or "").strip()
    if not description:
        raise Invalid({"description": ["A tone needs a description."]})
    types = [t for t, wanted in ((ToneType.LEO, leo), (ToneType.EMS_FD, ems_fd)) if wanted]
    if not types:
        raise Invalid({"leoTone": ["Pick at least one of leoTone and emsFdTone."]})
    user = access.person(by)
    tones = []
    with transaction.atomic():
        for tone_type in types:
            live = Tone.objects.for_community(community).filter(type=tone_type).live()
            if not live.update(description=description[:200], created_by=user, updated_at=timezone.now()):
                try:
                    with transaction.atomic():
                        Tone.objects.create(community=community, type=tone_type, description=description[:200],
                                            created_by=user)
                except IntegrityError:  # created concurrently: take it over
                    live.update(description=description[:200], created_by=user, updated_at=timezone.now())
            tones.append(live.get())
        _publish_tones(community.pk, "tone", {"description": description, "leoTone": leo, "emsFdTone": ems_fd},
                       aliases=("toneUpdated",))
    return tones


def tone_archive(*, tone: Tone, by=None) -> Tone:
    with transaction.atomic():
        now = timezone.now()
        if not Tone.objects.for_community(tone.community_id).filter(pk=tone.pk).live().update(
                archived_at=now):
            raise NotFound("Tone not found.")
        tone.archived_at = now
        _publish_tones(tone.community_id, "toneUpdated", {"removedId": str(tone.pk)})
    return tone


__all__ = [
    "active_dispatcher_update", "aop_set", "aposition_update", "community_settings_update", "dispatcher_set_active",
    "duty_set",
    "duty_webhook_send", "offline_idle_units", "position_remove", "position_update", "prune_stale_positions",
    "signal100_set", "state_for_status_code", "tone_archive", "tone_set", "unit_positions_remove",
    "unit_off_duty", "unit_set_radio_channel", "unit_set_state", "unit_set_status", "unit_status_payload",
]
