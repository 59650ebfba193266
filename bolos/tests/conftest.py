from __future__ import annotations

import itertools

import pytest

from bolos.models import Bolo
from characters.models import Character, Vehicle

_seq = itertools.count(1)


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
        n = next(_seq)
        kw.setdefault("first_name", "Jo")
        kw.setdefault("last_name", f"Tester{n}")
        return Character.objects.create(community=community, ssn=f"{n:03d}-00-0000", license_number=f"L{n:07d}", **kw)

    return make


@pytest.fixture
def make_vehicle():
    def make(community, **kw) -> Vehicle:
        kw.setdefault("plate", f"TST{next(_seq):04d}")
        kw.setdefault("make", "Vapid")
        kw.setdefault("model", "Dominator")
        kw.setdefault("color", "Black")
        return Vehicle.objects.create(community=community, **kw)

    return make


@pytest.fixture
def bolo_permission(community):
    def set_to(value: str):
        community.bolo_permission = value
        community.save(update_fields=["bolo_permission"])

    return set_to
