"""Runs the cad_mdt resource under Lua 5.4 (lupa) with the natives shim (shim.lua), against a live CAD.

`Game(base_url, convars)` loads the resource the way FXServer would (fxmanifest.lua order), and gives
tests a player's view: `join`, `command("/duty")`, `press("F9")`, `advance(ms)`, and what each client got
(chat messages, notifications, NUI messages, blips, waypoints). HTTP is real (httpx to the test server).
"""

from __future__ import annotations

import json
from pathlib import Path

import httpx

RESOURCE = Path(__file__).resolve().parent.parent / "cad_mdt"
SHIM = Path(__file__).resolve().parent / "shim.lua"


def lua_runtime():
    from lupa import lua54

    return lua54.LuaRuntime(unpack_returned_tuples=True)


class Game:
    def __init__(self, base_url: str, convars: dict[str, str]):
        from lupa.lua54 import lua_type

        self._lua_type = lua_type
        self.lua = lua_runtime()
        self.http = httpx.Client(timeout=30)
        world_class = self.lua.execute(SHIM.read_text())
        host = self.lua.table_from({"http": self._http, "json_encode": self._encode, "json_decode": self._decode})
        self.world = world_class.new(host, str(RESOURCE))
        for name, value in convars.items():
            self.world.convars[name] = value
        self.base_url = base_url

    def _call(self, method: str, *args):
        return self.world[method](self.world, *args)

    def close(self) -> None:
        self.http.close()

    # --- host functions --------------------------------------------------------------------------------
    def _http(self, method, url, body, headers):
        sent = {str(k): str(v) for k, v in headers.items()} if headers is not None else {}
        response = self.http.request(str(method), str(url), content=(body or "").encode() if body else None,
                                     headers=sent)
        response_headers = self.lua.table_from({k: v for k, v in response.headers.items()})
        return response.status_code, response.text, response_headers

    def to_python(self, value):
        if self._lua_type(value) != "table":
            return value
        keys = list(value.keys())
        if not keys:
            return []  # FiveM's json (dkjson) encodes an empty table as an array
        if all(isinstance(k, int) for k in keys) and sorted(keys) == list(range(1, len(keys) + 1)):
            return [self.to_python(value[i]) for i in range(1, len(keys) + 1)]
        return {str(k): self.to_python(v) for k, v in value.items()}

    def to_lua(self, value):
        if isinstance(value, dict):
            return self.lua.table_from({k: self.to_lua(v) for k, v in value.items() if v is not None})
        if isinstance(value, list):
            return self.lua.table_from([self.to_lua(v) for v in value])
        return value

    def _encode(self, value):
        return json.dumps(self.to_python(value))

    def _decode(self, text):
        return self.to_lua(json.loads(str(text)))

    # --- driving the game ------------------------------------------------------------------------------
    def start(self):
        self._call("start_server", )
        return self

    def join(self, player_id: int, *, discord: str | None, name: str = "Player", at=(100.0, -200.0, 30.0, 0.0)):
        identifiers = [f"license:{player_id:040d}"] + ([f"discord:{discord}"] if discord else [])
        x, y, z, heading = at
        self._call("join", player_id, self.lua.table_from(identifiers), name,
                        self.lua.table_from({"x": x, "y": y, "z": z, "heading": heading}))

    def leave(self, player_id: int) -> None:
        self._call("leave", player_id)

    def command(self, player_id: int, line: str) -> None:
        self._call("command", player_id, line)

    def press(self, player_id: int, key: str) -> str:
        return self._call("press", player_id, key)

    def advance(self, ms: int) -> None:
        self._call("advance", ms)

    def move(self, player_id: int, x: float, y: float, z: float = 30.0, heading: float | None = None) -> None:
        self._call("move", player_id, x, y, z, heading)

    def enter_vehicle(self, player_id, plate, *, model=1234, make="VAPID", model_name="DOMINATOR", colour=0):
        self._call("enter_vehicle", player_id, plate, model, make, model_name, colour)

    def allow(self, player_id: int, ace: str) -> None:
        aces = self.world.aces[player_id] or self.lua.table()
        aces[ace] = True
        self.world.aces[player_id] = aces

    def submit_form(self, player_id: int, name: str, values: dict):
        return self._call("nui_callback", player_id, "submitForm", self.to_lua({"name": name, "values": values}))

    # --- what happened ---------------------------------------------------------------------------------
    @property
    def errors(self) -> list[str]:
        return list(self.to_python(self.world.errors))

    @property
    def printed(self) -> list[str]:
        return list(self.to_python(self.world.printed))

    @property
    def requests(self) -> list[dict]:
        return self.to_python(self.world.http_log)

    def requests_to(self, path: str, method: str | None = None) -> list[dict]:
        return [r for r in self.requests if r["url"].split("?")[0].endswith(path) and (method is None or r["method"] == method)]

    def client_events(self, player_id: int | None = None, name: str | None = None) -> list[dict]:
        return [e for e in self.to_python(self.world.to_clients)
                if (player_id is None or e["target"] in (player_id, -1)) and (name is None or e["name"] == name)]

    def chat(self, player_id: int) -> list[str]:
        return [e["args"][0]["args"][1] for e in self.client_events(player_id, "chat:addMessage")]

    def last_chat(self, player_id: int) -> str:
        messages = self.chat(player_id)
        return messages[-1] if messages else ""

    def client(self, player_id: int):
        return self.world.clients[player_id]

    def nui(self, player_id: int) -> list[dict]:
        return self.to_python(self.client(player_id).nui) or []

    def notifications(self, player_id: int) -> list[str]:
        return self.to_python(self.client(player_id).notifications) or []

    def blips(self, player_id: int) -> list[dict]:
        blips = self.to_python(self.client(player_id).blips)
        return list(blips.values()) if isinstance(blips, dict) else (blips or [])

    def waypoint(self, player_id: int):
        return self.to_python(self.client(player_id).waypoint)

    def player(self, player_id: int) -> dict:
        """The server-side state the resource keeps for a player (CadPlayers)."""
        state = self.world.server.CadPlayers.byId[player_id]
        return self.to_python(state) if state is not None else {}

    def global_(self, name: str):
        return self.world.server[name]
