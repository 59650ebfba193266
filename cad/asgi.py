"""ASGI entry point: HTTP (Django), WebSockets (Channels at /ws) and Socket.IO (at /socket.io/).

`cad.realtime.asgi.build_application` composes the protocol router; keeping the composition there
lets the realtime app own its transports while this file stays the stable entry point
(`uvicorn cad.asgi:application`).
"""

import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cad.settings")
django.setup()

from cad.realtime.asgi import build_application  # noqa: E402

application = build_application()
