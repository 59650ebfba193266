"""Board fixtures: on-duty units with characters, an API client for the live server."""

from __future__ import annotations

import itertools

import httpx
import pytest

from characters.models import Character
from dispatch.models import Unit

_seq = itertools.count(1)


@pytest.fixture
def make_unit():
    def make(community, name, *, job="police", user=None, state="available"):
        n = next(_seq)
        character = Character.objects.create(
            community=community, user=user, type="leo" if job == "police" else ("ems" if job == "ems" else "fd"),
            first_name=f"Officer{n}", last_name=f"Name{n}", ssn=f"200-00-{n:04d}", license_number=f"BD-{n:05d}",
            callsign=name)
        return Unit.objects.create(community=community, character=character, name=name, job=job, on_duty=True,
                                   state=state, user=user)

    return make


@pytest.fixture
def api(live_server_url, api_token):
    """Community A's game server talking to the live server over HTTP (Bearer + x-api-key)."""
    with httpx.Client(base_url=live_server_url, timeout=10,
                      headers={"Authorization": f"Bearer {api_token}", "x-api-key": api_token}) as client:
        yield client
