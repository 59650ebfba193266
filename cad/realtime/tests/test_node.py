"""003's "Complete JavaScript Client Example" with the real socket.io-client@4 under Node.

tests/node/example.mjs is the example verbatim but for its URL, token and community ID;
tests/node/run-example.mjs gives it a `window` and prints each event it receives. The events are
raised through the real endpoints (POST /fivem/calls, POST /api/dispatch/location-update,
POST /fivem/panic) and services (call notes, BOLOs).
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
from pathlib import Path

import httpx
import pytest
from channels.db import database_sync_to_async
from django.conf import settings

from cad.realtime.testing import serve

from .conftest import jwt_for

NODE_DIR = Path(settings.BASE_DIR) / "tests" / "node"
NODE = shutil.which("node")

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(NODE is None, reason="Node.js is not installed: the socket.io-client@4 test cannot run"),
    pytest.mark.skipif(not (NODE_DIR / "node_modules" / "socket.io-client").is_dir(),
                       reason="tests/node/node_modules is missing: run `npm --prefix tests/node install`"),
]


class NodeClient:
    def __init__(self, process: asyncio.subprocess.Process):
        self.process = process
        self.received: dict[str, list[list]] = {}
        self._changed = asyncio.Condition()
        self.log: list[str] = []
        self._readers = [asyncio.create_task(self._read()), asyncio.create_task(self._read_log())]

    async def _read_log(self) -> None:
        async for line in self.process.stderr:
            async with self._changed:
                self.log.append(line.decode())
                self._changed.notify_all()

    async def wait_log(self, fragment: str, timeout: float = 30) -> None:
        """Wait until the example has printed `fragment` (its own handlers ran)."""
        async def printed() -> None:
            async with self._changed:
                await self._changed.wait_for(lambda: fragment in "".join(self.log))

        try:
            await asyncio.wait_for(printed(), timeout)
        except TimeoutError:
            raise AssertionError(f"{fragment!r} not in the example's output:\n{''.join(self.log)}") from None

    async def _read(self) -> None:
        async for line in self.process.stdout:
            if line.startswith(b"EVENT "):
                event = json.loads(line[6:])
                async with self._changed:
                    self.received.setdefault(event["event"], []).append(event["args"])
                    self._changed.notify_all()

    async def wait(self, name: str, timeout: float = 30) -> list:
        """The arguments of the first `name` event (waits for it)."""
        async def arrived() -> list:
            async with self._changed:
                await self._changed.wait_for(lambda: name in self.received)
                return self.received[name][0]

        return await asyncio.wait_for(arrived(), timeout)

    async def stop(self) -> str:
        self.process.terminate()
        await self.process.wait()
        await asyncio.gather(*self._readers, return_exceptions=True)
        return "".join(self.log)


@pytest.fixture
def leo(community, officer):
    from characters.models import Character
    from dispatch.services import duty_set

    character = Character.objects.create(community=community, user=officer, type="leo", first_name="Ana",
                                         last_name="Martinez", callsign="1-Adam-12")
    duty_set(character=character, on=True)
    return character


async def test_cde_client_example_receives_the_events(application, community, dispatcher, api_token, leo):
    from bolos.services import bolo_create
    from cad.core.choices import Role
    from calls.models import Call
    from calls.services import call_add_note

    async with serve(application) as base:
        env = {**os.environ, "SOCKET_URL": base, "JWT_TOKEN": jwt_for(dispatcher), "COMMUNITY_ID": str(community.pk)}
        process = await asyncio.create_subprocess_exec(
            NODE, "run-example.mjs", cwd=NODE_DIR, env=env,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
        node = NodeClient(process)
        try:
            assert (await node.wait("joined-community"))[0] == {"communityId": str(community.pk)}
            assert (await node.wait("currentLocations"))[0] == {}
            assert (await node.wait("current911Calls"))[0] == []

            token = {"Authorization": f"Bearer {api_token}"}
            async with httpx.AsyncClient(base_url=base, timeout=10) as http:
                created = await http.post("/fivem/calls", headers=token, json={
                    "title": "Robbery", "description": "Armed robbery in progress", "location": "245 Vespucci Blvd",
                    "priority": 1})
                assert created.status_code == 201, created.text
                moved = await http.post("/api/dispatch/location-update", headers={"x-api-key": api_token}, json={
                    "unitId": "officer-42", "unitName": "1-Adam-12", "x": -1037.58, "y": -2738.21, "z": 13.76,
                    "heading": 245.3, "postal": "274", "status": "10-8"})
                assert moved.status_code < 300, moved.text
                panic = await http.post("/fivem/panic", headers=token, json={
                    "character_id": str(leo.pk), "location": "Strawberry Ave & Capital Blvd", "postal": "342",
                    "coords": {"x": 243.7, "y": -1529.3, "z": 29.2}})
                assert panic.status_code == 200, panic.text

            call = await database_sync_to_async(Call.objects.for_community(community).get)(pk=created.json()["id"])
            await database_sync_to_async(call_add_note)(call=call, text="Suspect fled on foot", by_user=dispatcher)
            await database_sync_to_async(bolo_create)(community=community, description="Red sedan, partial plate 4X",
                                                      role=Role.ADMIN, by_user=dispatcher)

            new_call = (await node.wait("new-911-call"))[0]
            assert new_call["location"] == "245 Vespucci Blvd" and new_call["incidentNumber"]
            alert = (await node.wait("911Alert"))[0]
            assert alert["callId"] == new_call["_id"] and alert["location"] == "245 Vespucci Blvd"
            note = (await node.wait("call-note-added"))[0]
            assert note["callId"] == new_call["_id"] and note["note"]["text"] == "Suspect fled on foot"
            unit = (await node.wait("unitLocationUpdate"))[0]
            assert (unit["unitId"], unit["x"], unit["unitName"]) == ("officer-42", -1037.58, "1-Adam-12")
            assert {"lat", "lng"} <= set(unit)
            alarm = (await node.wait("panic-button"))[0]
            assert alarm["location"] == "Strawberry Ave & Capital Blvd" and alarm["coordinates"]["x"] == 243.7
            bolo = (await node.wait("new-bolo"))[0]
            assert "Red sedan" in json.dumps(bolo)

            # The example's own handlers ran on those events.
            for line in ("[WS] Connected:", "[CALL] New 911 call: ", "[911] ALERT: Robbery at 245 Vespucci Blvd",
                         "[CALL] Note on", "[UNIT] 1-Adam-12 at -1037.58", "[PANIC] Ana Martinez",
                         "[BOLO] New BOLO received:", "[UNIT] Received 0 locations", "[911] Received 0 active calls"):
                await node.wait_log(line)
        finally:
            await node.stop()
