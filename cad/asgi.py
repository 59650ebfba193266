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


def behind_trusted_proxies(app):
    """X-Forwarded-For / X-Forwarded-Proto are believed only from FORWARDED_ALLOW_IPS (a client that
    sets them itself is just a client), here rather than in the server's flags so uvicorn, daphne and
    tests behave alike. Run uvicorn with --no-proxy-headers so it does not apply its own copy."""
    from django.conf import settings
    from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

    return ProxyHeadersMiddleware(app, trusted_hosts=settings.FORWARDED_ALLOW_IPS)


application = behind_trusted_proxies(build_application())

# Before the first connection (uvicorn imports this module first; the Procfile has no lifespan): the URL
# conf, the API's classes and model metadata are built now, and what start-up made is frozen out of the
# garbage collector's full passes, which otherwise hit one of the first calls (cad.warmup).
from cad.warmup import warm  # noqa: E402

if os.environ.get("CAD_WARM_UP", "1") != "0":  # tests import the app mid-session: conftest turns it off
    warm()
