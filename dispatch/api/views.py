"""Dispatch endpoints (000 §2, 001, 004): thin views over dispatch.services and dispatch.selectors.

`POST /api/dispatch/location-update[/batch]` and `POST /fivem/livemap/position` are not here: the lean
ASGI app in dispatch.ingest serves them in front of Django.
"""

from __future__ import annotations

import uuid

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import exceptions, status
from rest_framework import serializers as drf_serializers
from rest_framework.response import Response

from cad.core import access
from cad.core.api.pagination import page_parameters, paginated
from cad.core.api.views import CommunityAPIView, FivemMixin
from cad.core.choices import Role
from characters.models import Character

from .. import ownership, selectors, services
from ..filtersets import UnitFilterSet
from . import serializers as s


def _person(request):
    """The human behind a request (an API token is not one)."""
    user = access.person(request.user)
    if user is None:
        raise exceptions.PermissionDenied("This action needs a signed-in user, not an API token.")
    return user


def _unit_or_404(request, unit_id):
    unit = selectors.unit_by_id(request.community, unit_id)
    if unit is None:
        raise exceptions.NotFound("Unit not found.")
    return unit


# A dispatch board or live map shows every unit at once: its pages are large (cad.core.api.pagination).
BOARD_PAGE = 1000


class UnitListView(CommunityAPIView):
    """000: GET /api/dispatch/units — the on-duty units with their open calls."""

    page_size = max_page_size = BOARD_PAGE

    @extend_schema(operation_id="unit_list_get", request=None, responses=s.UnitSerializer(many=True),
                   parameters=page_parameters(BOARD_PAGE, BOARD_PAGE))
    def get(self, request):
        units = UnitFilterSet(request.query_params, queryset=selectors.on_duty_units(request.community),
                              request=request)
        if not units.is_valid():
            raise exceptions.ValidationError(units.errors)

        def serialize(page):
            context = {"assigned_calls": selectors.assigned_call_ids(page)}
            return s.UnitSerializer(page, many=True, context=context).data

        return paginated(self, request, units.qs, serialize)


class LocationListView(CommunityAPIView):
    """000: GET /api/dispatch/locations — fresh positions of the community, for its members and its
    token only (the seed marks it "—": never anonymous, never another community)."""

    minimum_role = Role.CIVILIAN
    page_size = max_page_size = BOARD_PAGE

    @extend_schema(operation_id="location_list_get", request=None, responses=s.LocationSerializer(many=True),
                   parameters=page_parameters(BOARD_PAGE, BOARD_PAGE))
    def get(self, request):
        return paginated(self, request, selectors.locations(request.community.pk),
                         lambda page: [{**e, "updatedAt": e["timestamp"]} for e in page])


class LocationDeleteView(CommunityAPIView):
    """000: DELETE /api/dispatch/location/:unitId — off the live map now."""

    minimum_role = Role.DISPATCHER

    @extend_schema(operation_id="location_delete_delete", request=None, responses=OpenApiTypes.OBJECT)
    def delete(self, request, unit_id):
        if not services.position_remove(community_id=request.community.pk, unit_id=unit_id):
            raise exceptions.NotFound("That unit is not being tracked.")
        return Response({"success": True, "unitId": unit_id})


def _character_for_duty(request, character_id) -> Character:
    character = (Character.objects.for_community(request.community).filter(pk=character_id, archived_at__isnull=True)
                 .select_related("department", "user__profile").first())
    if character is None:
        raise exceptions.NotFound("Character not found.")
    ownership.require_own(character.user_id, user_id=getattr(request.user, "pk", None), role=request.role,
                       message="You can only change the duty of your own characters.")
    return character


class DutyView(CommunityAPIView):
    """POST /api/dispatch/duty {characterId, action: "on"|"off"} → {onDuty, unit}."""

    @extend_schema(operation_id="duty_post", request=s.DutySerializer, responses=OpenApiTypes.OBJECT)
    def post(self, request):
        data = self.validate_with(s.DutySerializer)
        character = _character_for_duty(request, data["character_id"])
        unit = services.duty_set(character=character, on=data["action"] == "on", by=request.user)
        on = bool(unit is not None and unit.on_duty)
        return Response({"on_duty": on, "unit": s.UnitSerializer(unit).data if unit is not None else None})


def _signal100(state) -> dict:
    return {"value": state.signal100, "call_id": str(state.signal100_call_id) if state.signal100_call_id else None}


class DispatchStateView(CommunityAPIView):
    """001: GET /api/dispatch — area of play, Signal 100, active dispatchers."""

    @extend_schema(operation_id="dispatch_state_get", request=None, responses=OpenApiTypes.OBJECT)
    def get(self, request):
        community = request.community
        state = selectors.dispatch_state(community)
        dispatchers = list(selectors.active_dispatchers(community))
        mine = next((d for d in dispatchers if d.user_id == getattr(request.user, "pk", None)), None)
        return Response({
            "area_of_play": state.area_of_play,
            "signal100": _signal100(state),
            "active_dispatchers_count": len(dispatchers),
            "user_active_dispatcher": s.ActiveDispatcherSerializer(mine).data if mine else None,
        })


class AopView(CommunityAPIView):
    """001: POST /api/dispatch/aop {aop} → {areaOfPlay}."""

    minimum_role = Role.DISPATCHER

    @extend_schema(operation_id="aop_post", request=s.AopSerializer, responses=OpenApiTypes.OBJECT)
    def post(self, request):
        data = self.validate_with(s.AopSerializer)
        state = services.aop_set(community=request.community, aop=data["aop"], by=request.user)
        return Response({"area_of_play": state.area_of_play})


class Signal100View(CommunityAPIView):
    """001: POST /api/dispatch/signal-100 {value, callId?} → {value}."""

    minimum_role = Role.DISPATCHER

    @extend_schema(operation_id="signal100_post", request=s.Signal100Serializer, responses=OpenApiTypes.OBJECT)
    def post(self, request):
        data = self.validate_with(s.Signal100Serializer)
        state = services.signal100_set(community=request.community, value=data["value"],
                                       call_id=data.get("call_id") or None, by=request.user)
        return Response(_signal100(state))


class DispatchersStateView(CommunityAPIView):
    """001: POST /api/dispatch/dispatchers-state {value} → {dispatcher, activeDispatchersCount}."""

    minimum_role = Role.DISPATCHER

    @extend_schema(operation_id="dispatchers_state_post", request=s.DispatcherStateSerializer, responses=OpenApiTypes.OBJECT)
    def post(self, request):
        data = self.validate_with(s.DispatcherStateSerializer)
        row = services.dispatcher_set_active(community=request.community, user=_person(request), value=data["value"])
        return Response({"dispatcher": s.ActiveDispatcherSerializer(row).data if row else None,
                         "active_dispatchers_count": selectors.active_dispatchers(request.community).count()})


class ActiveDispatcherView(CommunityAPIView):
    """001: PUT /api/dispatch/active-dispatcher {activeDepartment} → {dispatcher}."""

    minimum_role = Role.DISPATCHER

    @extend_schema(operation_id="active_dispatcher_put", request=s.ActiveDispatcherUpdateSerializer, responses=OpenApiTypes.OBJECT)
    def put(self, request):
        data = self.validate_with(s.ActiveDispatcherUpdateSerializer)
        row = services.active_dispatcher_update(community=request.community, user=_person(request),
                                                department=data["active_department"])
        return Response({"dispatcher": s.ActiveDispatcherSerializer(row).data})


class UnitSearchView(CommunityAPIView):
    """001: POST /api/dispatch/units/search {query} → on-duty units, at most 25 of each job."""

    minimum_role = Role.DISPATCHER

    @extend_schema(operation_id="unit_search_post", request=s.UnitSearchSerializer, responses=s.UnitSerializer(many=True))
    def post(self, request):
        data = self.validate_with(s.UnitSearchSerializer)
        units = selectors.search_units(request.community, data["query"])
        context = {"assigned_calls": selectors.assigned_call_ids(units)}
        return Response(s.UnitSerializer(units, many=True, context=context).data)


class RadioChannelView(CommunityAPIView):
    """001: PUT /api/dispatch/radio-channel/:unitId {radioChannel} → the unit."""

    minimum_role = Role.DISPATCHER

    @extend_schema(operation_id="radio_channel_put", request=s.RadioChannelSerializer, responses=s.UnitSerializer)
    def put(self, request, unit_id):
        unit = _unit_or_404(request, unit_id)
        data = self.validate_with(s.RadioChannelSerializer)
        unit = services.unit_set_radio_channel(unit=unit, channel=data["radio_channel"], by=request.user)
        return Response(s.UnitSerializer(unit).data)


class ToneListView(CommunityAPIView):
    """001: GET /api/dispatch/tones (active tones); POST creates or updates the LEO / EMS-FD tone."""

    action_roles = {"POST": Role.DISPATCHER}

    @extend_schema(operation_id="tone_list_get", responses=s.ToneSerializer(many=True))
    def get(self, request):
        return Response(s.ToneSerializer(selectors.active_tones(request.community), many=True).data)

    @extend_schema(operation_id="tone_list_post", request=s.ToneInputSerializer,
                   responses={201: inline_serializer("TonesSet", {"success": drf_serializers.BooleanField(),
                                                                  "tones": s.ToneSerializer(many=True)})})
    def post(self, request):
        data = self.validate_with(s.ToneInputSerializer)
        tones = services.tone_set(community=request.community, description=data["description"],
                                  leo=data["leo_tone"], ems_fd=data["ems_fd_tone"], by=request.user)
        return Response({"success": True, "tones": s.ToneSerializer(tones, many=True).data},
                        status=status.HTTP_201_CREATED)


class ToneDeleteView(CommunityAPIView):
    """001: DELETE /api/dispatch/tones/:id (archives it)."""

    minimum_role = Role.DISPATCHER

    @extend_schema(operation_id="tone_delete_delete", request=None, responses=OpenApiTypes.OBJECT)
    def delete(self, request, tone_id):
        tone = selectors.active_tones(request.community).filter(pk=tone_id).first()
        if tone is None:
            raise exceptions.NotFound("Tone not found.")
        services.tone_archive(tone=tone, by=request.user)
        return Response({"success": True})


# --- 004 /fivem/* -------------------------------------------------------------------------------------
class FivemDutyView(FivemMixin, CommunityAPIView):
    """004: POST /fivem/duty {character_id, action} → {on_duty}."""

    @extend_schema(operation_id="fivem_duty_post", request=s.DutySerializer, responses=OpenApiTypes.OBJECT)
    def post(self, request):
        data = self.validate_with(s.DutySerializer)
        character = _character_for_duty(request, data["character_id"])
        unit = services.duty_set(character=character, on=data["action"] == "on", by=request.user)
        return Response({"on_duty": bool(unit is not None and unit.on_duty)})


class FivemLivemapView(FivemMixin, CommunityAPIView):
    """004: GET /fivem/livemap → {units: [{character_id, name, x, y, z, heading, updated_at (ms)}]}."""

    @extend_schema(operation_id="fivem_livemap_get", request=None, responses=OpenApiTypes.OBJECT)
    def get(self, request):
        return Response({"units": [
            {"character_id": e["characterId"], "unit_id": e["unitId"], "name": e["unitName"], "x": e["x"],
             "y": e["y"], "z": e["z"], "heading": e["heading"], "updated_at": int(e["ts"] * 1000)}
            for e in selectors.locations_with_time(request.community.pk)
        ]})


class FivemSoundsView(FivemMixin, CommunityAPIView):
    """004: GET /fivem/sounds → the community's sound configuration."""

    @extend_schema(operation_id="fivem_sounds_get", request=None, responses=inline_serializer("FivemSound", {
        "event": drf_serializers.CharField(required=False), "enabled": drf_serializers.BooleanField(required=False),
        "volume": drf_serializers.FloatField(required=False),
        "custom_url": drf_serializers.CharField(required=False, allow_null=True)}, many=True))
    def get(self, request):
        # An uploaded sound is stored as a path on this server; the game server needs the full address.
        return Response([
            {**entry, "custom_url": request.build_absolute_uri(entry["custom_url"])}
            if isinstance(entry, dict) and str(entry.get("custom_url") or "").startswith("/") else entry
            for entry in (request.community.sounds or [])
        ])


class FivemUnitView(FivemMixin, CommunityAPIView):
    """GET /fivem/unit?character_id= → the character's duty and unit status, so a game server that
    restarted (or a player who rejoined) picks up where the CAD is: {on_duty, unit_id, callsign, status,
    state, status_code, call_id, call_number}."""

    @extend_schema(operation_id="fivem_unit_get", request=None, responses=OpenApiTypes.OBJECT)
    def get(self, request):
        try:
            character_id = uuid.UUID(str(request.query_params.get("character_id", "")))
        except ValueError:
            raise exceptions.ValidationError({"character_id": ["A valid character ID is required."]}) from None
        character = (Character.objects.for_community(request.community)
                     .filter(pk=character_id, archived_at__isnull=True).first())
        if character is None:
            raise exceptions.NotFound("Character not found.")
        unit = selectors.unit_for_character(character)
        if unit is None:
            return Response({"on_duty": False, "unit_id": None, "callsign": character.callsign or None,
                             "status": "offline", "state": None, "status_code": None, "call_id": None,
                             "call_number": None})
        call = unit.current_call
        return Response({"on_duty": True, "unit_id": str(unit.pk), "callsign": unit.name,
                         "status": services.unit_status_label(unit), "state": unit.state,
                         "status_code": unit.status_code.code if unit.status_code_id else None,
                         "call_id": str(call.pk) if call else None, "call_number": call.number if call else None})


class FivemStatusCodesView(FivemMixin, CommunityAPIView):
    """GET /fivem/status-codes → [{code, name, state}]: what `/status` lists and `/status <code>` accepts."""

    @extend_schema(operation_id="fivem_status_codes_get", request=None, responses=inline_serializer("FivemStatusCode", {
        "code": drf_serializers.CharField(), "name": drf_serializers.CharField(),
        "state": drf_serializers.CharField()}, many=True))
    def get(self, request):
        return Response([{"code": c.code, "name": c.name, "state": services.state_for_status_code(c)}
                         for c in selectors.status_codes(request.community)])
