"""What a new user tripped on (issue 9): a SQLite DATABASE_URL, Ctrl-C on `make run`, the production block
of .env.example, the 401 for a bad Bearer token, and README paths that only existed on our machine."""

from __future__ import annotations

import concurrent.futures
import fcntl
import json
import os
import pty
import re
import select
import signal
import socket
import subprocess
import sys
import termios
import time
from pathlib import Path

import httpx
import pytest
from rest_framework.test import APIClient

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(Path(sys.executable))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def sqlite_url_env(tmp_path_factory):
    """A deployment configured with DATABASE_URL=sqlite:////path (not the embedded default), migrated,
    with one community and its API token."""
    var = tmp_path_factory.mktemp("sqlite-url")
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "SECRET_KEY")}
    env.update(DATABASE_URL=f"sqlite:///{var}/cad.sqlite3", CAD_VAR_DIR=str(var), DEBUG="1", LOG_LEVEL="WARNING")
    subprocess.run([PYTHON, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True,
                   timeout=600)
    created = subprocess.run([PYTHON, "manage.py", "createcommunity", "Lock RP", "--json"], cwd=ROOT, env=env,
                             check=True, capture_output=True, text=True, timeout=120)
    return env, json.loads(created.stdout)


def test_sqlite_database_url_keeps_the_sqlite_options(sqlite_url_env):
    env, community = sqlite_url_env
    port = _free_port()
    server = subprocess.Popen([str(Path(PYTHON).parent / "uvicorn"), "cad.asgi:application", "--host", "127.0.0.1",
                               "--port", str(port), "--lifespan", "off", "--log-level", "warning"],
                              cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):  # wait for it to listen, not a timing assertion
            try:
                httpx.get(f"{base}/healthz", timeout=5)
                break
            except httpx.TransportError:
                assert server.poll() is None, server.stderr.read().decode()
                time.sleep(0.1)
        headers = {"x-api-key": community["apiToken"]}

        def create(i: int) -> int:
            body = {"callType": "Robbery", "location": f"Fleeca #{i}", "communityId": community["id"]}
            return httpx.post(f"{base}/api/calls", json=body, headers=headers, timeout=120).status_code

        with concurrent.futures.ThreadPoolExecutor(20) as pool:
            codes = list(pool.map(create, range(20)))
        assert codes == [201] * 20
        pending = httpx.get(f"{base}/api/calls/pending", headers=headers, timeout=30).json()
        assert sorted(c["location"] for c in pending) == sorted(f"Fleeca #{i}" for i in range(20))
    finally:
        server.terminate()
        server.wait(30)


def _read_until(master: int, process, out: bytearray, done, timeout: float) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end and not done(out):
        ready, _, _ = select.select([master], [], [], 0.2)
        if ready:
            try:
                out.extend(os.read(master, 65536))
            except OSError:
                return
        elif process.poll() is not None:
            return


def test_ctrl_c_on_make_run_stops_everything_gracefully(sqlite_url_env):
    """`make run` in a terminal, then Ctrl-C: web, worker and beat stop cleanly and make exits 0; beat's
    10-second sweeps are not logged."""
    env, _ = sqlite_url_env
    env = {**env, "PORT": str(_free_port()), "HOST": "127.0.0.1", "LOG_LEVEL": "INFO"}
    master, slave = pty.openpty()

    def controlling_terminal():  # a terminal session, as when a person types `make run`
        os.setsid()
        fcntl.ioctl(0, termios.TIOCSCTTY, 0)

    process = subprocess.Popen(["make", "run"], cwd=ROOT, env=env, stdin=slave, stdout=slave, stderr=slave,
                               preexec_fn=controlling_terminal)
    os.close(slave)
    out = bytearray()
    try:
        _read_until(master, process, out, lambda o: b"ready." in o and b"celery beat" in o, 600)
        assert b"ready." in out, out.decode(errors="replace")
        # Let beat's 10-second sweep (prune-stale-positions) come round at least once.
        _read_until(master, process, out, lambda o: False, 12)
        os.write(master, b"\x03")  # Ctrl-C, as the terminal sends it
        _read_until(master, process, out, lambda o: False, 90)
        code = process.wait(30)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        os.close(master)
    text = re.sub(r"\x1b\[[0-9;]*m", "", out.decode(errors="replace"))
    assert code == 0, text[-4000:]
    assert "SIGINT received" in text and "Warm shutdown" in text
    for bad in ("Error 130", "SIGKILL", "exited with signal", "ERROR", "Traceback"):
        assert bad not in text, text[-4000:]
    for routine in ("Sending due task", "succeeded in", "] received"):
        assert routine not in text, text[-4000:]


def test_a_bearer_token_that_is_neither_kind_gets_a_sentence(db):
    for header in ("Bearer not-a-token", "Bearer eyJhbGciOiJIUzI1NiJ9.eyJ4IjoxfQ.c2ln"):
        response = APIClient().get("/api/me", HTTP_AUTHORIZATION=header)
        assert response.status_code == 401
        error = response.json()["error"]
        assert "ErrorDetail" not in error and "{" not in error and error.endswith(".")
        assert "API token" in error and "sign in" in error
    refresh = APIClient().post("/api/auth/token/refresh", {"refresh": "nonsense"}, format="json")
    assert refresh.status_code == 401 and "ErrorDetail" not in refresh.json()["error"]


def _production_block() -> dict[str, str]:
    text = (ROOT / ".env.example").read_text()
    block = text[text.index("# --- Production"):text.index("# --- end of the production block")]
    pairs = [line[2:].split("=", 1) for line in block.splitlines() if re.match(r"^# [A-Z_]+=", line)]
    return {name: value for name, value in pairs}


def test_env_example_production_block_passes_check_deploy(tmp_path):
    block = _production_block()
    assert block["SECURE_SSL_REDIRECT"] == "1" and block["TRUST_X_FORWARDED_PROTO"] == "1"
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(block, CAD_VAR_DIR=str(tmp_path))
    result = subprocess.run([PYTHON, "manage.py", "check", "--deploy", "--fail-level", "WARNING"], cwd=ROOT,
                            env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    # The compose steps in the README say to set them.
    readme = (ROOT / "README.md").read_text()
    compose_steps = readme[readme.index("## Production with docker compose"):]
    assert "SECURE_SSL_REDIRECT=1" in compose_steps and "TRUST_X_FORWARDED_PROTO=1" in compose_steps


def test_docs_name_no_path_outside_the_repository():
    for path in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        assert "../shared" not in path.read_text(), path
    dialects = (ROOT / "docs" / "dialects.md").read_text()
    for words in ("CDE CAD", "SnailyCAD", "Sonoran", "FiveM CAD", "snaily-cad-api-token", "/v1/",
                  "/emergency/attach_unit", "/general/get_version"):
        assert words in dialects


def test_readme_says_the_ws_socket_waits_for_join_community():
    readme = (ROOT / "README.md").read_text()
    transports = readme[readme.index("## Connecting a game server"):]
    ws_line = next(line for line in transports.splitlines() if "`ws://HOST/ws" in line)
    following = transports[transports.index(ws_line):][:400]
    assert "join-community" in following and "silent" in following
