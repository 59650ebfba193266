"""The root conftest's `fresh_hub`: a realtime test gets layers of its own, and the layer in use before it
(the browser tests' live server's, whose hub listens on it for the rest of the run) is in use after it."""

from __future__ import annotations

import pytest
from channels.layers import get_channel_layer


@pytest.fixture
def layer_in_use():
    """A layer in use before `fresh_hub` starts (requested first) and checked after it ends."""
    layer = get_channel_layer()
    yield layer
    assert get_channel_layer() is layer, "fresh_hub did not put back the layer that was in use before it"


async def test_fresh_hub_gives_its_own_layer_and_puts_back_the_one_in_use(layer_in_use, fresh_hub):
    from cad.realtime import hub as hubmod

    ours = get_channel_layer()
    assert ours is not layer_in_use
    assert hubmod.get_hub().layer is ours  # this test's hub is on this test's layer, not the live one
