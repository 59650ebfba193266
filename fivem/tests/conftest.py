"""The CAD served for real (uvicorn in a thread, the whole ASGI app: Django and the position ingest) and
the cad_mdt resource running under Lua 5.4 against it. Without lupa the resource tests are skipped, loudly."""

from __future__ import annotations

import asyncio
import threading

import pytest

from .scenes import POSTALS

lupa = pytest.importorskip("lupa", reason="lupa (Lua 5.4 for Python) is not installed: the FiveM resource tests "
                                          "cannot run; `make install` installs it")


@pytest.fixture
def live_cad(transactional_db):
    """Base URL of the CAD on a free port; rows the test commits are visible to it."""
    from django.db import connections

    from cad.asgi import application
    from cad.realtime.testing import serve

    state: dict = {}
    ready = threading.Event()

    def run() -> None:
        async def main() -> None:
            async with serve(application) as url:
                state["url"] = url
                ready.set()
                while not state.get("stop"):
                    await asyncio.sleep(0.02)

        try:
            asyncio.run(main())
        except BaseException as exc:  # noqa: BLE001 - reported to the test below
            state["error"] = exc
            ready.set()

    thread = threading.Thread(target=run, name="live-cad", daemon=True)
    thread.start()
    assert ready.wait(60), "the CAD did not start"
    if "error" in state:
        raise state["error"]
    yield state["url"]
    state["stop"] = True
    thread.join(30)
    connections.close_all()


@pytest.fixture
def game_factory(live_cad):
    from .harness import Game

    games = []

    def make(token: str, *, url: str | None = None):
        game = Game(live_cad, {"cad_url": url or live_cad, "cad_token": token})
        games.append(game)
        return game.start()

    yield make
    for game in games:
        game.close()


@pytest.fixture
def world(community, officer, civilian, api_token):
    """Community A with a postal table, an officer (two characters) and a civilian (one)."""
    from characters import services as character_services
    from postals import services as postal_services

    postal_services.postal_table_replace(community=community, entries=POSTALS, name="test")
    leo = character_services.character_create(community=community, user=officer, first_name="John",
                                              last_name="Smith", type="leo", callsign="1-ADAM-12")
    spare = character_services.character_create(community=community, user=officer, first_name="Johnny",
                                                last_name="Spare", type="civilian")
    jane = character_services.character_create(community=community, user=civilian, first_name="Jane",
                                               last_name="Doe", type="civilian")
    return {"community": community, "leo": leo, "spare": spare, "jane": jane, "token": api_token}


@pytest.fixture
def game(world, game_factory):
    g = game_factory(world["token"])
    yield g
    assert g.errors == []
