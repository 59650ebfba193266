"""Calls fixtures: characters, on-duty units (A and B) and calls (A and B)."""

from __future__ import annotations

import pytest

from calls import services
from calls.inputs import CallInput
from characters.models import Vehicle
from dispatch.models import Unit
from tests.factories import CharacterFactory


@pytest.fixture
def make_character():
    def make(community, *, type="leo", callsign="", first=None, last=None, user=None):
        names = {k: v for k, v in (("first_name", first), ("last_name", last)) if v}
        return CharacterFactory(community=community, user=user, type=type, callsign=callsign, **names)

    return make


@pytest.fixture
def make_unit(make_character):
    def make(community, name, *, api_ids=(), on_duty=True, external_id=""):
        character = make_character(community, callsign=name)
        return Unit.objects.create(community=community, character=character, name=name, api_ids=list(api_ids),
                                   on_duty=on_duty, external_id=external_id)

    return make


@pytest.fixture
def unit(community, make_unit):
    return make_unit(community, "1-Adam-12", api_ids=["steam:110000100000abc"], external_id="officer_42")


@pytest.fixture
def unit2(community, make_unit):
    return make_unit(community, "2-Boy-15", api_ids=["discord:200000000000000001"])


@pytest.fixture
def other_unit(other_community, make_unit):
    return make_unit(other_community, "9-Bravo-9", api_ids=["steam:990000100000abc"])


@pytest.fixture
def civ(community, make_character):
    return make_character(community, type="civilian", first="Jane", last="Smith")


@pytest.fixture
def vehicle(community, civ):
    return Vehicle.objects.create(community=community, owner=civ, plate="ABC1234", make="Honda", model="Civic")


@pytest.fixture
def make_call(dispatcher):
    def make(community, **fields):
        fields.setdefault("call_type", "Traffic Stop")
        fields.setdefault("location", "Main St & 5th Ave")
        return services.call_create(community=community, by_user=fields.pop("by_user", dispatcher),
            data=CallInput(**fields))

    return make


@pytest.fixture
def call(community, make_call):
    return make_call(community, caller="John Doe", description="Erratic driving", postal="345")


@pytest.fixture
def other_call(other_community, make_call):
    return make_call(other_community, by_user=None)


def names(events) -> list[str]:
    """Every event name sent, aliases included, in order."""
    return [name for sent, _ in events for name in sent]


def payload(events, name: str):
    return next(data for sent, data in events if name in sent)


@pytest.fixture
def sse_events():
    """The 004 SSE twins sent (after commit), as a list of (event name, data)."""
    from cad import events as ev

    sent: list[tuple[str, object]] = []
    with ev.recorder(lambda event: sent.extend(event.sse)):
        yield sent
