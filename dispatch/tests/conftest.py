"""Dispatch fixtures: characters of each type and on-duty units in community A (and one in B)."""

from __future__ import annotations

import pytest

from cad.core.models import Department
from dispatch import services
from tests.factories import CharacterFactory


@pytest.fixture(autouse=True)
def _publish_positions_at_once(settings):
    settings.DISPATCH_POSITION_EVENT_WINDOW = 0


@pytest.fixture
def make_character():
    def make(community, *, user=None, type="leo", callsign="", department=None, **extra):
        return CharacterFactory(community=community, user=user, type=type, callsign=callsign,
                                department=department, **extra)

    return make


@pytest.fixture
def lspd(community):
    return Department.objects.for_community(community).get(short_name="LSPD")


@pytest.fixture
def leo(community, officer, make_character, lspd):
    return make_character(community, user=officer, type="leo", callsign="1-ADAM-12", department=lspd)


@pytest.fixture
def medic(community, make_character):
    return make_character(community, type="ems", callsign="")


@pytest.fixture
def unit(leo):
    return services.duty_set(character=leo, on=True)


@pytest.fixture
def other_unit(other_community, make_character):
    character = make_character(other_community, type="leo", callsign="9-BRAVO-9")
    return services.duty_set(character=character, on=True)
