"""Reads of announcements shared by the API and the UI."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone

from .models import Announcement


def active_announcements(community, *, now: datetime | None = None) -> QuerySet[Announcement]:
    """Not expired (no expiry means until deleted), newest first."""
    now = now or timezone.now()
    return (Announcement.objects.for_community(community)
            .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
            .order_by("-created_at", "-id"))
