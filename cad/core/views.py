from __future__ import annotations

import uuid

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.http import require_GET


@require_GET
def healthz(request):
    """Reports the database, the cache and the channel layer; 503 if any is down."""
    checks: dict[str, str] = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception as exc:  # report, don't crash: this is what monitors poll
        checks["database"] = f"error: {exc.__class__.__name__}"
    try:
        key = f"healthz:{uuid.uuid4().hex}"
        cache.set(key, "1", 5)
        checks["cache"] = "ok" if cache.get(key) == "1" else "error: read back failed"
        cache.delete(key)
    except Exception as exc:
        checks["cache"] = f"error: {exc.__class__.__name__}"
    try:
        layer = get_channel_layer()
        channel = async_to_sync(layer.new_channel)()
        async_to_sync(layer.send)(channel, {"type": "healthz"})
        message = async_to_sync(layer.receive)(channel)
        checks["channel_layer"] = "ok" if message.get("type") == "healthz" else "error: no echo"
    except Exception as exc:
        checks["channel_layer"] = f"error: {exc.__class__.__name__}"
    healthy = all(v == "ok" for v in checks.values())
    return JsonResponse({"status": "ok" if healthy else "degraded", **checks}, status=200 if healthy else 503)
