"""Dispatch's event payloads (003 camelCase), declared as TypedDicts and built here; the catalogue in
dispatch/events.py points at these builders. Unit status and tone payloads are built in services
(`unit_status_payload`, `tone_payload`) from the shapes below."""

from __future__ import annotations

from datetime import datetime
from typing import Any, NotRequired, TypedDict

from django.core.serializers.json import DjangoJSONEncoder

_ENCODER = DjangoJSONEncoder()


def encoded_time(value: datetime | None) -> str | None:
    """A time in the text these payloads have always carried: what `cad.events` encoding (DjangoJSONEncoder)
    wrote for the datetime they used to hold. Not `cad.core.isotime.iso`: that one writes `.000` when the
    microseconds are 0, where the encoder writes no fraction, and the wire must not change."""
    return None if value is None else _ENCODER.default(value)


class UnitStatus(TypedDict):
    unitId: str
    odId: str
    unitName: str
    callSign: str
    userId: str | None
    characterId: str | None
    status: str
    state: str
    job: str
    onDuty: bool
    statusCode: str | None
    updatedAt: str | None


class RadioChannel(TypedDict):
    unitId: str
    unitName: str
    radioChannel: str


class AutoOffline(TypedDict):
    unitId: str
    username: str
    callSign: str
    reason: str
    timestamp: str


class LocationRemoved(TypedDict):
    unitId: str
    unitName: str


class Position(TypedDict):
    unitId: str
    unitName: str
    x: float
    y: float
    z: float
    heading: float
    job: str
    status: str
    postal: str
    communityId: str
    characterId: str | None
    lat: float
    lng: float
    timestamp: str
    lastUpdate: str


class UnitLocations(TypedDict):
    communityId: str
    units: dict[str, Position]
    removed: list[str]


class AreaOfPlay(TypedDict):
    areaOfPlay: str
    aop: str
    updatedBy: str


class Signal100(TypedDict):
    value: bool
    callId: str | None
    callNumber: int | None
    updatedBy: str


class ActiveDispatcher(TypedDict):
    id: str
    userId: str
    username: str
    departmentId: str | None


class ActiveDispatchers(TypedDict):
    activeDispatchersCount: int
    dispatchers: list[ActiveDispatcher]


class Tone(TypedDict):
    id: str
    type: str
    description: str
    leoTone: bool
    emsFdTone: bool
    createdAt: str | None
    updatedAt: str | None


class Tones(TypedDict):
    """`tone` (a tone was set: what it says) and `toneUpdated` (one was removed: its id), with the
    community's active tones either way."""

    tones: list[Tone]
    description: NotRequired[str]
    leoTone: NotRequired[bool]
    emsFdTone: NotRequired[bool]
    removedId: NotRequired[str]


def radio_channel(unit: Any, channel: str) -> RadioChannel:
    return {"unitId": str(unit.pk), "unitName": unit.name, "radioChannel": channel}


def auto_offline(unit: Any, *, reason: str, now: Any) -> AutoOffline:
    return {"unitId": str(unit.pk), "username": unit.user.username if unit.user_id else "",
            "callSign": unit.name, "reason": reason, "timestamp": now}


def location_removed(entry: dict) -> LocationRemoved:
    return {"unitId": entry["unitId"], "unitName": entry["unitName"]}


def position(entry: dict) -> Position:
    from .positions import public

    return public(entry)  # type: ignore[return-value]


def unit_locations(*, community_id: str, units: dict[str, Position], removed: list[str]) -> UnitLocations:
    return {"communityId": community_id, "units": units, "removed": removed}


def area_of_play(aop: str, *, by_name: str) -> AreaOfPlay:
    return {"areaOfPlay": aop, "aop": aop, "updatedBy": by_name}


def signal100(value: bool, *, call: Any, by_name: str) -> Signal100:
    return {"value": value, "callId": str(call.pk) if call else None, "callNumber": call.number if call else None,
            "updatedBy": by_name}


def active_dispatchers(rows: list) -> ActiveDispatchers:
    return {
        "activeDispatchersCount": len(rows),
        "dispatchers": [{"id": str(r.pk), "userId": str(r.user_id), "username": r.user.username,
                         "departmentId": str(r.department_id) if r.department_id else None} for r in rows],
    }


def tones(active: list[Tone], **extra: Any) -> Tones:
    return {**extra, "tones": active}  # type: ignore[typeddict-item]
