"""The events postals publishes (the catalogue; see cad.events.EventType)."""

from __future__ import annotations

from typing import TypedDict

from cad.events import EventType, declare

from . import services


class PostalTableUpdated(TypedDict):
    communityId: str
    size: int  # entries of the active table; 0 once archived
    revision: str | None  # changes with every upload; None once archived
    updatedAt: str


POSTAL_TABLE_UPDATED = EventType("postal-table-updated", services._payload, payload=PostalTableUpdated,
                                 doc="A postal table was uploaded (replacing the previous one) or archived.")

declare(POSTAL_TABLE_UPDATED)
