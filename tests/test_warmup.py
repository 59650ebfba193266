"""The web process warms itself when uvicorn imports `cad.asgi` (cad.warmup), before its first connection."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PROBE = """
import contextvars, gc, json, sys
import cad.asgi
from cad import warmup
print(json.dumps({"state": warmup.state, "frozen": gc.get_freeze_count(), "tracked": len(gc.get_objects()),
                  "urls": "cad.urls" in sys.modules, "views": "calls.api.views" in sys.modules,
                  "context": sorted(variable.name for variable in contextvars.copy_context())}))
"""


def test_importing_the_asgi_app_loads_the_url_conf_and_freezes_start_up_objects():
    """What uvicorn does first: afterwards the URL conf and the views are imported, and the objects start-up
    made are frozen, so a full garbage collection walks only what the server makes later (a full pass
    over start-up's objects was one slow call among a fresh server's first ones)."""
    env = {**{k: v for k, v in os.environ.items() if k != "PYTEST_CURRENT_TEST"}, "CAD_WARM_UP": "1"}
    done = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=120, check=True)
    probe = json.loads(done.stdout.strip().splitlines()[-1])
    assert probe["urls"] and probe["views"]
    assert probe["state"]["frozen"] > 100_000 and probe["frozen"] >= probe["state"]["frozen"] - 100
    assert probe["tracked"] < probe["frozen"] / 4  # a full pass now walks a fraction of what it did


def test_the_warm_up_leaves_no_context_variables_behind():
    """uvicorn copies the main context into every request's task, and asgiref walks every variable of it
    on each hop to a sync view's thread: the URL resolvers' "populating" flags (an asgiref Local each)
    set by the warm-up in the main context made every API request pay for 87 of them. The main context
    after the warm-up holds what it holds without one (Django's script prefix, set by django.setup())."""
    probes = {}
    for flag in ("0", "1"):
        env = {**{k: v for k, v in os.environ.items() if k != "PYTEST_CURRENT_TEST"}, "CAD_WARM_UP": flag}
        done = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True,
                              timeout=120, check=True)
        probes[flag] = json.loads(done.stdout.strip().splitlines()[-1])
    assert probes["1"]["state"]["frozen"] > 100_000  # the warm-up ran
    assert probes["1"]["context"] == probes["0"]["context"]
    assert len(probes["1"]["context"]) <= 3, probes["1"]["context"]
