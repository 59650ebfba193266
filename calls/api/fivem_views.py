"""004's /fivem/* call routes for the game-server resource: snake_case, community from the Bearer token.

A character acts through its on-duty unit (`dispatch.selectors.unit_for_character`); no unit → 403.
"""

from __future__ import annotations

import uuid

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response

from cad.core.api.views import CommunityAPIView, FivemMixin
from characters.models import Character

from .. import payloads, selectors, services
from ..choices import CallOrigin, status_for_dialect
from ..inputs import CallInput
from .serializers import PriorityField


class FivemCallSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    location = serializers.CharField(max_length=200, required=False, allow_blank=True)
    postal = serializers.CharField(max_length=20, required=False, allow_blank=True)
    priority = PriorityField(required=False)
    created_by = serializers.UUIDField(required=False, allow_null=True)
    code = serializers.CharField(max_length=60, required=False, allow_blank=True)
    call_type = serializers.CharField(max_length=120, required=False, allow_blank=True)
    x = serializers.FloatField(required=False, allow_null=True)
    y = serializers.FloatField(required=False, allow_null=True)
    z = serializers.FloatField(required=False, allow_null=True)


class CharacterCallSerializer(serializers.Serializer):
    character_id = serializers.UUIDField()
    call_id = serializers.CharField(max_length=64)


class UnitStatusSerializer(serializers.Serializer):
    character_id = serializers.UUIDField()
    call_id = serializers.CharField(max_length=64, required=False, allow_blank=True, allow_null=True)
    status = serializers.CharField(max_length=20)


class SceneCommandSerializer(CharacterCallSerializer):
    take = serializers.BooleanField()

    def to_internal_value(self, data):
        # 004 says `true`/`false`: "yes" or 1 from a typo must not silently take command.
        if isinstance(data, dict) and "take" in data and not isinstance(data["take"], bool):
            raise serializers.ValidationError({"take": ["Must be true or false."]})
        return super().to_internal_value(data)


class FivemCloseSerializer(serializers.Serializer):
    character_id = serializers.UUIDField(required=False, allow_null=True)
    disposition = serializers.CharField(max_length=120, required=False, allow_blank=True)
    notes = serializers.CharField(max_length=5000, required=False, allow_blank=True)


class DetachSerializer(serializers.Serializer):
    character_id = serializers.UUIDField()


class CoordsSerializer(serializers.Serializer):
    x = serializers.FloatField()
    y = serializers.FloatField()
    z = serializers.FloatField(required=False, default=0.0)


class PanicSerializer(serializers.Serializer):
    character_id = serializers.UUIDField()
    location = serializers.CharField(max_length=200, required=False, allow_blank=True)
    postal = serializers.CharField(max_length=20, required=False, allow_blank=True)
    coords = CoordsSerializer(required=False, allow_null=True)


class _FivemView(FivemMixin, CommunityAPIView):
    def valid(self, serializer_class) -> dict:
        # 004's clients sometimes send a bare value: it is answered as the missing fields it lacks
        return self.validate_with(serializer_class, self.request.data if isinstance(self.request.data, dict) else {})

    def character(self, character_id) -> Character:
        found = (Character.objects.for_community(self.request.community)
                 .filter(pk=character_id, archived_at__isnull=True).first())
        if found is None:
            raise exceptions.NotFound("Character not found.")
        return found

    def unit_of(self, character):
        from dispatch.selectors import unit_for_character

        unit = unit_for_character(character)
        if unit is None:
            raise exceptions.PermissionDenied("Character is not on duty.")
        return unit

    def call(self, value):
        return selectors.call_by_id_or_number(self.request.community, value)

    def call_from_url(self, pk: str):
        try:
            uuid.UUID(pk)
        except ValueError:
            raise exceptions.NotFound("Call not found.") from None
        return self.call(pk)


class CallsView(_FivemView):
    """POST /fivem/calls: OBSERVED when the creating character is on duty (a unit's own call), else CALLER."""

    serializer_class = FivemCallSerializer

    @extend_schema(request=FivemCallSerializer, responses={201: OpenApiTypes.OBJECT})
    def post(self, request):
        from dispatch.selectors import unit_for_character

        data = self.valid(FivemCallSerializer)
        character = self.character(data.pop("created_by")) if data.get("created_by") else None
        data.pop("created_by", None)
        on_duty = character is not None and unit_for_character(character) is not None
        call = services.call_create(community=request.community, by_user=request.user, by_character=character,
                                    data=CallInput(caller=character.full_name if character else "",
                                                   origin=CallOrigin.OBSERVED if on_duty else CallOrigin.CALLER,
                                                   **data))
        # Created without units (this route takes none): no assignments to load.
        return Response(payloads.call_fivem(call, assignments=()), status=status.HTTP_201_CREATED)


class PollCallsView(_FivemView):
    """GET /fivem/poll-calls: calls created in the last 30 seconds (the SSE fallback)."""

    serializer_class = None
    def get(self, request):
        return Response({"calls": [payloads.call_fivem(c) for c in selectors.recent_calls(request.community)]})


class _ProgressView(_FivemView):
    state = ""
    message = ""
    serializer_class = CharacterCallSerializer

    def post(self, request):
        data = self.valid(self.serializer_class)
        unit = self.unit_of(self.character(data["character_id"]))
        call = self.call(data["call_id"])
        state = data.get("status", self.state)
        call = services.call_unit_progress(call=call, unit=unit, state=state, by=unit)
        return Response({"ok": True, "message": self.message or f"Status set to {state}", "call_id": str(call.pk),
                         "call_number": call.number, "call_status": status_for_dialect(call.status),
                         "unit_status": state.replace("-", "_")})


class RespondView(_ProgressView):
    state, message = "enroute", "Responding"


class OnSceneView(_ProgressView):
    state, message = "on_scene", "On scene"


class UnitStatusView(_ProgressView):
    """With `call_id`: the unit's progress on that call. Without: the unit's own status (`/status 10-6`
    between calls), a state (available, enroute, on_scene, busy) or one of the community's status codes."""

    serializer_class = UnitStatusSerializer

    def post(self, request):
        data = self.valid(UnitStatusSerializer)
        if data.get("call_id"):
            return super().post(request)
        from dispatch.services import unit_set_status, unit_status_label

        unit = self.unit_of(self.character(data["character_id"]))
        status_value = data["status"].strip()
        state = status_value.lower().replace("-", "_")
        unit = unit_set_status(unit=unit, status=state if state in services.UNIT_STATES else status_value, by=unit)
        return Response({"ok": True, "message": f"Status set to {unit_status_label(unit)}",
                         "unit_status": unit.state, "status_code": unit.status_code.code if unit.status_code else None,
                         "call_id": str(unit.current_call_id) if unit.current_call_id else None})


class SceneCommandView(_FivemView):
    serializer_class = SceneCommandSerializer
    def post(self, request):
        data = self.valid(SceneCommandSerializer)
        unit = self.unit_of(self.character(data["character_id"]))
        call = services.call_scene_command(call=self.call(data["call_id"]), unit=unit, take=data["take"], by=unit)
        return Response({"ok": True, "call_id": str(call.pk), "call_number": call.number,
                         "scene_commander_id": str(call.scene_commander_id) if call.scene_commander_id else None})


class CallDetailView(_FivemView):
    """GET /fivem/calls/:id (UUID or call number): one call as 004 shapes it (the resource's waypoint)."""

    serializer_class = None

    def get(self, request, pk):
        return Response(payloads.call_fivem(self.call(pk)))


class CloseView(_FivemView):
    serializer_class = FivemCloseSerializer
    def post(self, request, pk):
        call = self.call_from_url(pk)
        data = self.valid(FivemCloseSerializer)
        by = self.unit_of(self.character(data["character_id"])) if data.get("character_id") else request.user
        call = services.call_close(call=call, by=by, disposition=data.get("disposition", ""),
                                   notes=data.get("notes", ""))
        return Response({"message": "Call closed", "call_number": call.number})


class DetachView(_FivemView):
    serializer_class = DetachSerializer
    def post(self, request, pk):
        call = self.call_from_url(pk)
        data = self.valid(DetachSerializer)
        unit = self.unit_of(self.character(data["character_id"]))
        call = services.call_remove_unit(call=call, unit=unit, by=unit, cleared=True)
        return Response({"message": "Detached from call", "call_number": call.number})


class PanicView(_FivemView):
    serializer_class = PanicSerializer
    def post(self, request):
        data = self.valid(PanicSerializer)
        character = self.character(data["character_id"])
        self.unit_of(character)  # 004: the panic button requires duty
        call = services.panic_trigger(community=request.community, character=character,
                                      location=data.get("location", ""), postal=data.get("postal", ""),
                                      coords=dict(data["coords"]) if data.get("coords") else None)
        return Response({"ok": True, "call_id": str(call.pk), "call_number": call.number})
