"""The events the kernel publishes (the catalogue; see cad.events.EventType): officers and above, those who
see the live map and the MDT."""

from __future__ import annotations

from cad.events import EventType, declare

from . import payloads

DEPARTMENT_UPDATED = EventType(
    "department-updated", payloads.department_payload,
    doc="A department was added, changed (name, short name, type, colour) or archived, by Settings → Value "
        "lists, /api/values/departments or an import: open maps redraw its units in its colour.")

declare(DEPARTMENT_UPDATED)
