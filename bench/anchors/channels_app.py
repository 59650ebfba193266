"""Anchor for bench_realtime.py --anchors: bare Django + a Channels consumer, in-memory channel layer.

A plain Django project in one module (no apps of this project): `POST /api/calls` is a sync Django view
that sends one `new-call` message to the room's group (`async_to_sync(group_send)`); each socket is an
`AsyncWebsocketConsumer` in that group that writes the message as one frame (one frame per socket).
Run: uvicorn bench.anchors.channels_app:application (without DJANGO_SETTINGS_MODULE).
"""

from __future__ import annotations

import json
import uuid

import django
from django.conf import settings

settings.configure(
    DEBUG=False, SECRET_KEY="bench-anchor-" + uuid.uuid4().hex, ALLOWED_HOSTS=["*"], ROOT_URLCONF=__name__,
    INSTALLED_APPS=["channels"], MIDDLEWARE=[], DATABASES={},
    CHANNEL_LAYERS={"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}},
    USE_TZ=True, LOGGING_CONFIG=None,
)
django.setup()

from asgiref.sync import async_to_sync  # noqa: E402
from channels.generic.websocket import AsyncWebsocketConsumer  # noqa: E402
from channels.layers import get_channel_layer  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from django.core.asgi import get_asgi_application  # noqa: E402
from django.http import JsonResponse  # noqa: E402
from django.urls import path  # noqa: E402
from django.utils import timezone  # noqa: E402
from django.views.decorators.csrf import csrf_exempt  # noqa: E402

GROUP = "community"


@csrf_exempt
def create_call(request):
    body = json.loads(request.body or b"{}")
    now = timezone.now().isoformat()
    call = {"_id": str(uuid.uuid4()), "callNumber": 1, "callType": body.get("callType", ""),
            "origin": body.get("origin", "CALLER"), "description": body.get("description", ""),
            "location": body.get("location", ""), "postal": "", "priority": body.get("priority", "normal"),
            "status": "pending", "units": [], "notes": [], "createdAt": now, "updatedAt": now}
    async_to_sync(get_channel_layer().group_send)(GROUP, {"type": "call.new", "call": call})
    return JsonResponse({"success": True, "call": call}, status=201)


def healthz(request):
    return JsonResponse({"ok": True})


urlpatterns = [path("api/calls", create_call), path("healthz", healthz)]


class Consumer(AsyncWebsocketConsumer):
    async def receive(self, text_data=None, bytes_data=None):
        event = json.loads(text_data or "{}")
        if event.get("event") == "join-community":
            await self.channel_layer.group_add(GROUP, self.channel_name)
            data = event.get("data")
            community = data.get("communityId") if isinstance(data, dict) else data
            await self.send(text_data=json.dumps({"event": "joined-community", "data": {"communityId": community}}))

    async def call_new(self, message):
        await self.send(text_data=json.dumps({"event": "new-call", "data": message["call"]}, separators=(",", ":")))

    async def disconnect(self, code):
        await self.channel_layer.group_discard(GROUP, self.channel_name)


application = ProtocolTypeRouter({
    "http": get_asgi_application(),
    "websocket": URLRouter([path("ws", Consumer.as_asgi())]),
})
