"""Composition of the ASGI application (cad.asgi imports `build_application`).

- HTTP: Django, except the paths apps registered as lean ASGI apps (`cad.realtime.routes`: dispatch's
  position ingest, thousands of requests a second) and `/socket.io/` (Socket.IO's polling transport
  and handshake);
- WebSocket: `/ws` (the Channels consumer, behind the session/auth middleware) and `/socket.io/`.

In embedded mode (no Redis) the first scope also starts the bridge that receives events raised in
Celery workers (`cad.realtime.bridge`).
"""

from __future__ import annotations

from channels.auth import AuthMiddlewareStack
from channels.routing import ProtocolTypeRouter

from cad.handlers import get_asgi_application

SOCKETIO_PREFIX = "/socket.io/"
WS_PATHS = ("/ws", "/ws/")


def _http_router(django_app, sio_app):
    from .routes import HTTP_ROUTES

    async def http(scope, receive, send):
        path = scope["path"]
        lean = HTTP_ROUTES.get(path)
        if lean is not None:
            return await lean(scope, receive, send)
        if path.startswith(SOCKETIO_PREFIX):
            return await sio_app(scope, receive, send)
        return await django_app(scope, receive, send)

    return http


RAW_SEND = "realtime.send"


def _websocket_router(ws_app, sio_app):
    async def websocket(scope, receive, send):
        path = scope["path"]
        if path in WS_PATHS:
            # The consumer writes pushed frames with the server's own `send`, not through the
            # session/auth middleware wrappers (which only act on HTTP responses).
            return await ws_app({**scope, RAW_SEND: send}, receive, send)
        if path.startswith(SOCKETIO_PREFIX):
            return await sio_app(scope, receive, send)
        await send({"type": "websocket.close", "code": 4404})

    return websocket


def _with_bridge(app):
    from .bridge import ensure_listening

    async def wrapped(scope, receive, send):
        if scope["type"] != "lifespan":
            await ensure_listening()
        return await app(scope, receive, send)

    return wrapped


def build_application():
    django_app = get_asgi_application()
    from .consumer import RealtimeConsumer
    from .sio import asgi_app as sio_app

    return _with_bridge(ProtocolTypeRouter({
        "http": _http_router(django_app, sio_app),
        "websocket": _websocket_router(AuthMiddlewareStack(RealtimeConsumer.as_asgi()), sio_app),
    }))
