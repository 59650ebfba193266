"""The kernel's event payloads (camelCase), declared as TypedDicts and built here; cad/core/events.py points
at these builders."""

from __future__ import annotations

from typing import TypedDict

from cad.core.isotime import iso

from .models import Department


class DepartmentUpdated(TypedDict):
    id: str
    communityId: str
    name: str
    shortName: str
    type: str
    color: str  # "#rrggbb": what the live map and the MDT draw the department's units in
    archivedAt: str | None


def department_payload(department: Department) -> DepartmentUpdated:
    return {"id": str(department.pk), "communityId": str(department.community_id), "name": department.name,
            "shortName": department.short_name, "type": department.type, "color": department.color,
            "archivedAt": iso(department.archived_at)}
