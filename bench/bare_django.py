"""The bare Django anchor of `bench_realtime.py --scenarios ingest`: one view that parses a JSON body and
answers a JSON object, with no middleware, database or cache (`uvicorn bench.bare_django:application`)."""

from __future__ import annotations

import json

from django.conf import settings

settings.configure(DEBUG=False, SECRET_KEY="bench-only", ALLOWED_HOSTS=["*"], ROOT_URLCONF=__name__,
                   MIDDLEWARE=[], INSTALLED_APPS=[], DATABASES={})

from django.core.asgi import get_asgi_application  # noqa: E402  (after settings.configure)
from django.http import HttpResponse, JsonResponse  # noqa: E402
from django.urls import path  # noqa: E402
from django.views.decorators.csrf import csrf_exempt  # noqa: E402


@csrf_exempt
def ingest(request):
    body = json.loads(request.body or b"{}")
    return JsonResponse({"ok": True, "unitId": body.get("unitId")})


def healthz(request):
    return HttpResponse("ok")


urlpatterns = [path("ingest", ingest), path("healthz", healthz)]
application = get_asgi_application()
