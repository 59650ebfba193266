from __future__ import annotations

import json

import pytest
from asgiref.sync import sync_to_async
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator


@pytest.fixture(autouse=True)
def _lenient(lenient_event_payloads):
    """Delivery tests publish made-up payloads under real names: the kernel, not the catalogues, is
    under test here (tests/test_event_catalogue.py checks the declarations)."""


@pytest.fixture(autouse=True)
def _own_hub(fresh_hub):
    """Each test gets its own layer instance and hub (the root conftest's `fresh_hub`)."""


@pytest.fixture(scope="session")
def application():
    from cad.realtime.asgi import build_application

    return build_application()


def jwt_for(user) -> str:
    from rest_framework_simplejwt.tokens import AccessToken

    return str(AccessToken.for_user(user))


class Client:
    """A /ws client: JSON frames in and out."""

    def __init__(self, communicator: WebsocketCommunicator):
        self.ws = communicator

    async def send(self, event: str, data=None) -> None:
        await self.ws.send_to(text_data=json.dumps({"event": event, "data": data}))

    async def next(self, timeout: float = 10) -> dict:
        return json.loads(await self.ws.receive_from(timeout=timeout))

    async def until(self, name: str, timeout: float = 10) -> dict:
        """The next frame named `name`, skipping others."""
        while True:
            frame = await self.next(timeout)
            if frame["event"] == name:
                return frame

    async def join(self, community_id) -> dict:
        await self.send("join-community", str(community_id))
        frame = await self.next()
        assert frame["event"] == "joined-community", frame
        return frame

    async def close(self) -> None:
        await self.ws.disconnect()


@pytest.fixture
def ws(application):
    opened: list[WebsocketCommunicator] = []

    async def connect(query: str = "", headers=None) -> Client:
        communicator = WebsocketCommunicator(application, f"/ws{query}", headers=headers or [])
        connected, code = await communicator.connect()
        assert connected, code
        opened.append(communicator)
        return Client(communicator)

    yield connect


async def publish_now(community_id, name, payload, **kw) -> None:
    """Publish as a service does (outside a transaction: sent at once)."""
    from cad.events import publish

    await database_sync_to_async(publish)(community_id, name, payload, **kw)


async def session_cookie(user) -> str:
    from django.conf import settings
    from django.test import Client as DjangoClient

    def login() -> str:
        client = DjangoClient()
        client.force_login(user)
        return client.cookies[settings.SESSION_COOKIE_NAME].value

    return f"{settings.SESSION_COOKIE_NAME}={await sync_to_async(login)()}"


async def group_size(group: str) -> int:
    """How many channels the layer holds in `group` (in-memory or Redis)."""
    from channels.layers import InMemoryChannelLayer, get_channel_layer

    layer = get_channel_layer()
    if isinstance(layer, InMemoryChannelLayer):
        return len(layer.groups.get(group, {}))
    connection = layer.connection(layer.consistent_hash(group))
    return await connection.zcard(layer._group_key(group))
