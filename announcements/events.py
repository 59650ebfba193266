"""The events announcements publishes (the catalogue; see cad.events.EventType): every member sees the
dashboard's announcements, civilians included."""

from __future__ import annotations

from typing import Any, TypedDict

from cad.core.choices import Role
from cad.events import EventType, declare


class AnnouncementCde(TypedDict):
    _id: str
    title: str
    message: str
    priority: str
    communityId: str
    createdByName: str
    expiresAt: str | None
    createdAt: str | None


class Removed(TypedDict):
    id: str


def announcement_payload(announcement: Any) -> AnnouncementCde:
    """003's `new-announcement` payload (camelCase)."""
    return {
        "_id": str(announcement.pk),
        "title": announcement.title,
        "message": announcement.message,
        "priority": announcement.priority,
        "communityId": str(announcement.community_id),
        "createdByName": announcement.created_by_name,
        "expiresAt": announcement.expires_at,
        "createdAt": announcement.created_at,
    }


def removed_payload(pk: Any) -> Removed:
    return {"id": str(pk)}


NEW_ANNOUNCEMENT = EventType("new-announcement", announcement_payload, audience=Role.CIVILIAN)
ANNOUNCEMENT_REMOVED = EventType("announcement-removed", removed_payload, audience=Role.CIVILIAN,
                                 doc="Deleted, or expired (published once, by whichever worker claims it).")

declare(NEW_ANNOUNCEMENT, ANNOUNCEMENT_REMOVED)
