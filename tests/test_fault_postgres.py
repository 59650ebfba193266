"""PostgreSQL restarts under a running product (issue 14): requests fail cleanly with a 503 JSON answer
(never a 500, never a hang) and the service recovers by itself once the database is back, with and without
the connection pool. Runs against a private cluster (tests/private_services.py), not the machine's."""

from __future__ import annotations

import concurrent.futures
import time

import httpx
import pytest

from .private_services import PrivatePostgres, Unavailable, manage, product_env, uvicorn


@pytest.fixture(scope="module")
def postgres():
    try:
        pg = PrivatePostgres()
    except Unavailable as exc:
        pytest.skip(f"PostgreSQL restart test skipped: {exc}")
    try:
        pg.start()
        pg.create_database()
        manage(product_env(DATABASE_URL=pg.url, CAD_VAR_DIR=str(pg.dir / "var")), "migrate", "--noinput", "-v", "0")
        yield pg
    finally:
        pg.destroy()


def _sign_in(client: httpx.Client) -> httpx.Response:
    # A wrong password: the answer (401) needs the users table, so it proves the database is reachable.
    return client.post("/api/auth/token", json={"username": "nobody", "password": "wrong"})


def _assert_unavailable(r: httpx.Response) -> None:
    assert r.status_code == 503, (r.status_code, r.text[:300])
    assert r.headers["content-type"].startswith("application/json") and r.json()["error"]
    assert int(r.headers["Retry-After"]) > 0


@pytest.mark.parametrize("pool", ["0", "1"], ids=["per-request connections", "DB_POOL"])
def test_postgres_restart_is_503_then_recovers(postgres, pool):
    env = product_env(DATABASE_URL=postgres.url, DB_POOL=pool, DB_POOL_MIN="2", DB_POOL_TIMEOUT="3", CAD_VAR_DIR=str(postgres.dir / "var"))
    with uvicorn(env) as base, httpx.Client(base_url=base, timeout=30) as client:
        assert _sign_in(client).status_code == 401

        # Requests in flight while the server goes down, and requests while it is down: 503, quickly.
        with concurrent.futures.ThreadPoolExecutor(8) as pool_:
            in_flight = [pool_.submit(_sign_in, client) for _ in range(16)]
            postgres.stop("immediate")
            answers = [f.result() for f in in_flight]
        assert {r.status_code for r in answers} <= {401, 503}, [r.text[:200] for r in answers]
        started = time.monotonic()
        _assert_unavailable(_sign_in(client))
        _assert_unavailable(client.get("/fivem/sounds", headers={"Authorization": "Bearer cad_nope"}))
        _assert_unavailable(client.post("/emergency/new_dispatch", json={"id": "x", "key": "cad_nope"}))
        assert time.monotonic() - started < 45  # each answered within the connect/pool timeouts, no hang

        postgres.start()
        deadline = time.monotonic() + 30
        while (r := _sign_in(client)).status_code != 401:
            assert r.status_code == 503, r.text[:300]  # while connections are being replaced: still clean
            assert time.monotonic() < deadline, "the service did not recover after PostgreSQL came back"
            time.sleep(0.2)
        assert [_sign_in(client).status_code for _ in range(5)] == [401] * 5
