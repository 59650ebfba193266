"""Demo BOLOs (run by `manage.py seed_demo`, see cad.core.seeding)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from cad.core.choices import Role
from cad.core.seeding import Demo

from .services import bolo_create

ORDER = 40


def seed_demo(demo: Demo) -> None:
    community, supervisor = demo.community, demo.people[Role.SUPERVISOR]
    bolo_create(community=community, role=Role.SUPERVISOR, by_user=supervisor, reason="Armed Robbery Suspect",
                description="Suspect robbed a convenience store at gunpoint", priority="critical",
                subject_first_name="John", subject_last_name="Doe",
                subject_description="Male, 6ft, black hoodie", vehicle_plate="XYZ9876", vehicle_make="Ford",
                vehicle_model="F-150", vehicle_color="Black", expires_at=timezone.now() + timedelta(days=1))
    bolo_create(community=community, role=Role.SUPERVISOR, by_user=supervisor, type="person",
                reason="Missing person", description="Elderly man, grey coat, last seen near Legion Square",
                priority="high")
