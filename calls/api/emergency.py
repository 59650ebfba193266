"""002's `POST /emergency/new_dispatch`: Sonoran's body-keyed API, answered in plain text as Sonoran does.

The community API token travels in the body as `{id, key}` (id = the community); each element of `data`
creates one call with its units attached by game API id. Unknown unit ids are reported, not fatal.
The whole request is validated before anything is created, so a bad element creates nothing.
"""

from __future__ import annotations

from django.db import transaction
from django.http import HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from rest_framework import serializers

from cad.core.access import ServicePrincipal
from cad.core.api.parsers import loads_strict
from cad.core.errors import DomainError, Invalid
from cad.core.services import token_authenticate

from .. import services
from ..choices import STATUS_FROM_INT
from .serializers import OriginField, PriorityField

MAX_DISPATCHES = 50


class NewDispatchSerializer(serializers.Serializer):
    server_id = serializers.IntegerField(required=False, allow_null=True)
    origin = OriginField(required=False, default=0)
    status = serializers.ChoiceField(choices=sorted(STATUS_FROM_INT), required=False, default=0,
                                     error_messages={"invalid_choice": '"{input}" is not allowed; use one of: '
                                                     '0 (PENDING), 1 (ACTIVE), 2 (CLOSED).'})
    priority = PriorityField(required=False, default=None)
    block = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    address = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    postal = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    title = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    code = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")
    description = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    notes = serializers.ListField(required=False, default=list, max_length=100)
    meta_data = serializers.DictField(required=False, default=dict)
    units = serializers.ListField(child=serializers.CharField(max_length=80), required=False, default=list,
                                  max_length=50)

    def to_internal_value(self, data):
        if isinstance(data, dict):  # Sonoran's camelCase → our names
            data = {"server_id": data.get("serverId"), "meta_data": data.get("metaData", {}),
                    **{k: v for k, v in data.items() if k not in ("serverId", "metaData")}}
            if data["meta_data"] is None:
                data["meta_data"] = {}
        return super().to_internal_value(data)


def _text(message: str, status: int) -> HttpResponse:
    return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")


def _first_error(detail) -> str:
    if isinstance(detail, dict):
        name, value = next(iter(detail.items()))
        return f"{name}: {_first_error(value)}"
    if isinstance(detail, list) and detail:
        return _first_error(detail[0])
    return str(detail)


@csrf_exempt
@require_POST
def new_dispatch(request):
    try:
        body = loads_strict(request.body or b"null")
    except (ValueError, UnicodeDecodeError):
        return _text("INVALID REQUEST BODY - EXPECTED JSON", 400)
    if not isinstance(body, dict):
        return _text("INVALID REQUEST BODY - EXPECTED JSON", 400)
    key, community_id = body.get("key"), body.get("id")
    if not isinstance(key, str) or not key:
        return _text("INVALID API KEY", 401)
    token = token_authenticate(key.strip())
    if token is None or str(token.community_id) != str(community_id or "").strip():
        return _text("INVALID API KEY", 401)
    if body.get("type") != "NEW_DISPATCH":
        return _text("INVALID REQUEST TYPE - EXPECTED NEW_DISPATCH", 400)
    data = body.get("data")
    if not isinstance(data, list) or not data or len(data) > MAX_DISPATCHES:
        return _text(f"INVALID DATA - EXPECTED AN ARRAY OF 1 TO {MAX_DISPATCHES} DISPATCH OBJECTS", 400)

    items = []
    for index, element in enumerate(data):
        serializer = NewDispatchSerializer(data=element)
        if not serializer.is_valid():
            return _text(f"INVALID DISPATCH {index}: {_first_error(serializer.errors)}", 400)
        items.append(serializer.validated_data)

    by = ServicePrincipal(token)
    lines, unknown = [], []
    try:
        with transaction.atomic():
            for item in items:
                call = services.call_create(
                    community=token.community, by_user=by, title=item["title"], code=item["code"],
                    call_type=item["title"][:120], location=item["address"], block=item["block"], postal=item["postal"],
                    description=item["description"], origin=item["origin"], priority=item["priority"],
                    status=STATUS_FROM_INT[item["status"]], metadata=item["meta_data"], notes=item["notes"],
                    unit_ids_or_api_ids=item["units"],
                )
                lines.append(f"NEW DISPATCH CREATED - ID: {call.number}")
                unknown += call.unresolved_unit_ids
    except DomainError as exc:  # 002 answers every refusal as one plain-text line
        detail = exc.detail if isinstance(exc, Invalid) else [exc.message]
        return _text(f"INVALID DISPATCH: {_first_error(detail)}", 400)
    if unknown:
        lines.append(f"UNKNOWN UNIT IDS: {', '.join(unknown)}")
    return _text("\n".join(lines), 200)
