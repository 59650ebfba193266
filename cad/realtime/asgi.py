"""Composition of the ASGI application (cad.asgi imports `build_application`).

HTTP goes to Django, except the position-ingest paths, which `dispatch.ingest` serves as a lean ASGI
app (no middleware stack, no thread hop) because they take thousands of requests a second.
"""

from __future__ import annotations

from channels.routing import ProtocolTypeRouter
from django.core.asgi import get_asgi_application


def _http_router(django_app):
    try:
        from dispatch.ingest import INGEST_PATHS, ingest_app
    except ImportError:
        return django_app

    async def http(scope, receive, send):
        if scope["path"] in INGEST_PATHS:
            return await ingest_app(scope, receive, send)
        return await django_app(scope, receive, send)

    return http


def build_application():
    django_app = get_asgi_application()
    return ProtocolTypeRouter({"http": _http_router(django_app)})
