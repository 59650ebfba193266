from __future__ import annotations

import pytest

from bolos.models import Bolo
from characters.models import Character, Vehicle
from tests.factories import CharacterFactory, VehicleFactory


@pytest.fixture
def make_bolo():
    def make(community, **kw) -> Bolo:
        kw.setdefault("description", "Look out")
        kw.setdefault("reason", "Test")
        return Bolo.objects.create(community=community, **kw)

    return make


@pytest.fixture
def make_character():
    def make(community, **kw) -> Character:
        kw.setdefault("first_name", "Jo")
        return CharacterFactory(community=community, **kw)

    return make


@pytest.fixture
def make_vehicle():
    def make(community, **kw) -> Vehicle:
        return VehicleFactory(community=community, **kw)

    return make


@pytest.fixture
def bolo_permission(community):
    def set_to(value: str):
        community.bolo_permission = value
        community.save(update_fields=["bolo_permission"])

    return set_to
