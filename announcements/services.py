"""State changes of announcements. Events: `new-announcement` (003's payload) on create and
`announcement-removed` `{id}` on delete and, once, when one expires (beat: `expire_announcements`)."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from cad.core import access
from cad.core.choices import Role
from cad.core.errors import Forbidden, Invalid, NotFound
from cad.core.models import Community
from cad.events import publish

from .choices import AnnouncementPriority
from .events import announcement_payload, removed_payload
from .models import Announcement

MANAGE_ROLE = Role.SUPERVISOR  # 000: only supervisors and admins create or delete announcements
EXPIRE_BATCH = 500


def _check_role(role: Role | str | None) -> None:
    if role is not None and not Role(role).at_least(MANAGE_ROLE):
        raise Forbidden("Only supervisors and admins can manage announcements.")


@transaction.atomic
def announcement_create(
    *,
    community: Community,
    title: str,
    message: str,
    priority: str = AnnouncementPriority.INFO,
    expires_at: datetime | None = None,
    by=None,
    role: Role | str | None = None,
) -> Announcement:
    """Publish an announcement (no `expires_at`: until deleted). Publishes `new-announcement`."""
    _check_role(role)
    title, message = (title or "").strip(), (message or "").strip()
    errors = {}
    if not title:
        errors["title"] = ["This field may not be blank."]
    if not message:
        errors["message"] = ["This field may not be blank."]
    if priority not in AnnouncementPriority.values:
        errors["priority"] = [f"Use one of: {', '.join(AnnouncementPriority.values)}."]
    if expires_at is not None and expires_at <= timezone.now():
        errors["expires_at"] = ["Must be in the future."]
    if errors:
        raise Invalid(errors)
    announcement = Announcement.objects.create(
        community=community, title=title, message=message, priority=priority, expires_at=expires_at,
        created_by=access.person(by),
        created_by_name=access.display_name(by),
    )
    publish(community.pk, "new-announcement", announcement_payload(announcement))
    return announcement


@transaction.atomic
def announcement_delete(*, announcement: Announcement, by=None, role: Role | str | None = None) -> None:
    """Delete permanently and publish `announcement-removed` — unless its expiry already announced the
    removal. The row lock makes a concurrent delete a 404 and keeps the expiry sweep from publishing twice."""
    _check_role(role)
    locked = (Announcement.objects.select_for_update()
              .filter(pk=announcement.pk, community_id=announcement.community_id).first())
    if locked is None:
        raise NotFound("Not found.")
    already_announced = locked.removal_published_at is not None
    locked.delete()
    if not already_announced:
        publish(announcement.community_id, "announcement-removed", removed_payload(announcement.pk))


def announcements_expire(*, now: datetime | None = None) -> int:
    """Publish `announcement-removed` once for every announcement that has expired (all communities).

    Idempotent and safe on several workers: each row is claimed with a conditional UPDATE
    (`removal_published_at IS NULL`), and only the worker whose UPDATE matched publishes. Expired rows are
    kept (they only leave the active list). Returns how many removals this call published."""
    now = now or timezone.now()
    published = 0
    seen: set = set()
    while True:
        batch = [
            (pk, community_id)
            for pk, community_id in Announcement.objects.all_communities()
            .filter(expires_at__lte=now, removal_published_at__isnull=True)
            .order_by("expires_at", "pk")
            .values_list("pk", "community_id")[:EXPIRE_BATCH]
            if pk not in seen
        ]
        if not batch:
            return published
        for pk, community_id in batch:
            seen.add(pk)
            with transaction.atomic():
                claimed = Announcement.objects.filter(
                    pk=pk, community_id=community_id, removal_published_at__isnull=True,
                ).update(removal_published_at=now)
                if claimed:
                    publish(community_id, "announcement-removed", removed_payload(pk))
                    published += 1
