"""Small builders for records and lookups tests (characters are made directly, with fixed identifiers)."""

from __future__ import annotations

import itertools

from characters.models import Character, Vehicle

_seq = itertools.count(1000)


def make_character(community, *, first="John", last="Smith", type="civilian", user=None, department=None,
                   phone="", ssn=None, license_number=None, flags=None, **extra) -> Character:
    n = next(_seq)
    return Character.objects.create(
        community=community, first_name=first, last_name=last, type=type, user=user, department=department,
        phone=phone, ssn=ssn or f"{n % 900 + 100:03d}-{n % 90 + 10:02d}-{n:04d}"[:11],
        license_number=license_number or f"DL-{n:05d}", flags=flags or [], **extra,
    )


def make_vehicle(community, *, plate, owner=None, make="Vapid", model="Dominator", color="Black", year=2020,
                 is_stolen=False, **extra) -> Vehicle:
    return Vehicle.objects.create(community=community, plate=plate, owner=owner, make=make, model=model,
                                  color=color, year=year, is_stolen=is_stolen, **extra)
