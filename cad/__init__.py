"""The project package: settings, URLs, ASGI, the Celery app and the cross-cutting core.

`cad.core` owns tenancy (communities, memberships, roles, API tokens, value lists), authentication
and the API base classes every app builds on; `cad.events` is the one publishing path for real-time
events; `cad.realtime` delivers them (WebSocket, Socket.IO, Server-Sent Events).
"""

from .celery import app as celery_app

__all__ = ["celery_app"]
