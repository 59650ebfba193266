"""Community settings kept by an app in its own table, shown and changed with the kernel's own settings.

`GET/PATCH /api/communities/:id` is one object on the wire (000/001/004 read `areaOfPlay` there), but the
kernel knows no domain app: an app that owns part of that object registers a `CommunityPart` in its
`AppConfig.ready` (dispatch: the area of play and Signal 100). The settings serializer adds the part's
fields, reads them with `read`, and `cad.core.services.community_update` hands the part's changes to
`write` in the same transaction and audit entry.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from cad.core.models import Community


@dataclass(frozen=True)
class CommunityPart:
    app: str
    # The part's serializer fields by snake_case name (read-only ones included); a callable so the app's
    # DRF fields are built when a serializer is, not when the app loads.
    fields: Callable[[], dict[str, Any]]
    # The part's values for a community, by the same names.
    read: Callable[[Community], dict[str, Any]]
    # write(community=, by=, **changes) → the changes made, {name: [old, new]}, for the audit entry.
    write: Callable[..., dict[str, list]]
    # The names `write` takes (the writable fields).
    writable: frozenset[str]


_PARTS: dict[str, CommunityPart] = {}


def register(part: CommunityPart) -> None:
    _PARTS[part.app] = part  # by app: a second `ready()` (tests, autoreload) replaces, never doubles


def registered() -> tuple[CommunityPart, ...]:
    return tuple(_PARTS.values())


def values(community: Community) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for part in registered():
        out.update(part.read(community))
    return out


def owner_of(name: str) -> CommunityPart | None:
    return next((part for part in registered() if name in part.writable), None)
