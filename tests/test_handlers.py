"""Django's part of the ASGI app runs its middleware chain and view in one hop to a thread (cad.handlers)."""

from __future__ import annotations

import threading

import httpx
import pytest
from asgiref import sync
from rest_framework_simplejwt.tokens import AccessToken


@pytest.fixture
def hops(monkeypatch):
    """How often a request crosses between the event loop and a sync thread, and in which threads the
    middleware and the view ran."""
    seen = {"to_thread": 0, "to_loop": 0}
    to_thread, to_loop = sync.SyncToAsync.__call__, sync.AsyncToSync.__call__

    async def counted_to_thread(self, *args, **kwargs):
        seen["to_thread"] += 1
        return await to_thread(self, *args, **kwargs)

    def counted_to_loop(self, *args, **kwargs):
        seen["to_loop"] += 1
        return to_loop(self, *args, **kwargs)

    monkeypatch.setattr(sync.SyncToAsync, "__call__", counted_to_thread)
    monkeypatch.setattr(sync.AsyncToSync, "__call__", counted_to_loop)
    return seen


@pytest.mark.django_db(transaction=True)
async def test_an_api_request_hops_into_its_thread_three_times_and_never_back_to_the_loop(dispatcher, hops,
                                                                                          monkeypatch):
    """Three hops into the request's thread, each a hand-off and a copy of the task's context: Django's
    request_started signal, the middleware chain with the view, the response's close (request_finished).
    Before, with WhiteNoise (sync only) amid async-capable middleware, the same request made 18 hops into
    a thread and one back to the loop."""
    from cad.core import middleware
    from cad.handlers import get_asgi_application
    from cad.realtime import asgi

    assert asgi.get_asgi_application is get_asgi_application  # what the served application is built with
    threads: set[int] = set()

    original = middleware.ApiErrorMiddleware.__call__

    def recording(self, request):
        threads.add(threading.get_ident())
        return original(self, request)

    monkeypatch.setattr(middleware.ApiErrorMiddleware, "__call__", recording)
    app = get_asgi_application()
    token = await sync.sync_to_async(lambda: str(AccessToken.for_user(dispatcher)))()
    hops.update(to_thread=0, to_loop=0)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as c:
        response = await c.post("/api/calls", headers={"Authorization": f"Bearer {token}"}, json={
            "callType": "Traffic stop", "origin": "CALLER", "location": "Route 68", "priority": "normal"})
    assert response.status_code == 201, response.text
    assert hops == {"to_thread": 3, "to_loop": 0}
    assert len(threads) == 1 and threading.get_ident() not in threads
