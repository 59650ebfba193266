"""A demo announcement (run by `manage.py seed_demo`, see cad.core.seeding)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from cad.core.choices import Role
from cad.core.seeding import Demo

from .services import announcement_create

ORDER = 50


def seed_demo(demo: Demo) -> None:
    announcement_create(community=demo.community, by=demo.people[Role.SUPERVISOR], title="Shift Change Reminder",
                        message="All day-shift units report to briefing at 1800 hours.", priority="info",
                        expires_at=timezone.now() + timedelta(hours=8))
