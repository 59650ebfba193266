"""Records and lookups tests' spelling of the shared factories (tests/factories.py): `first`/`last`."""

from __future__ import annotations

from characters.models import Character, Vehicle
from tests.factories import CharacterFactory, VehicleFactory


def make_character(community, *, first="John", last="Smith", **fields) -> Character:
    fields = {k: v for k, v in fields.items() if v is not None}  # None: the factory's unique default
    return CharacterFactory(community=community, first_name=first, last_name=last, **fields)


def make_vehicle(community, *, plate, **fields) -> Vehicle:
    return VehicleFactory(community=community, plate=plate, **fields)
