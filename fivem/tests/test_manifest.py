"""The resource's files: the manifest FXServer reads, and every Lua file parses as Lua 5.4 (luac5.4 -p when
Debian's lua5.4 is installed, else lupa's compiler) without CfxLua-only syntax."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from .harness import RESOURCE, lua_runtime

LUA_FILES = sorted(p.relative_to(RESOURCE).as_posix() for p in RESOURCE.rglob("*.lua"))


def manifest() -> dict:
    lua = lua_runtime()
    recorded = lua.eval("{}")
    env = lua.eval("function(recorded) return setmetatable({}, {__index = function(_, k) "
                   "return function(v) recorded[k] = v end end}) end")(recorded)
    lua.eval("function(src, env) return assert(load(src, 'fxmanifest', 't', env))() end")(
        (RESOURCE / "fxmanifest.lua").read_text(), env)
    return {k: (list(v.values()) if hasattr(v, "values") else v) for k, v in recorded.items()}


def test_manifest_declares_a_cerulean_lua54_resource_and_lists_every_script():
    m = manifest()
    assert (m["fx_version"], m["lua54"], m["game"]) == ("cerulean", "yes", "gta5")
    listed = set(m["shared_scripts"]) | set(m["server_scripts"]) | set(m["client_scripts"])
    assert listed == set(LUA_FILES) - {"fxmanifest.lua"}
    assert "config.lua" in m["server_scripts"] and "config.lua" not in m["shared_scripts"] + m["client_scripts"]
    for name in m["files"] + [m["ui_page"]]:
        assert (RESOURCE / name).is_file(), name


@pytest.mark.parametrize("name", LUA_FILES)
def test_every_lua_file_parses(name):
    path = RESOURCE / name
    luac = shutil.which("luac5.4")
    if luac:
        result = subprocess.run([luac, "-p", str(path)], capture_output=True, text=True)  # one file per run
        assert result.returncode == 0, result.stderr
    else:
        lua = lua_runtime()
        ok, err = lua.eval("function(src, name) local f, e = load(src, name, 't') return f ~= nil, e end")(
            path.read_text(), name)
        assert ok, err
