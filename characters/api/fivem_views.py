"""004: POST /fivem/player-connect, POST /fivem/create-character, POST /fivem/vehicles,
DELETE /fivem/vehicles/:plate, PATCH /fivem/vehicles/:plate/stolen. The game server's token acts as a
supervisor in its own community; users named in a body must be members of that community."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import exceptions, status
from rest_framework import serializers as drf_serializers
from rest_framework.response import Response

from cad.core.api.serializers import EmptySerializer
from cad.core.api.views import CommunityAPIView, FivemMixin
from cad.core.choices import Role
from cad.core.models import Membership

from .. import selectors, services
from . import serializers as s


class _FivemView(FivemMixin, CommunityAPIView):
    minimum_role = Role.SUPERVISOR

    def vehicle(self, plate: str):
        vehicle = selectors.vehicle_for_plate(self.request.community, plate)
        if vehicle is None:
            raise exceptions.NotFound(f"No registered vehicle with plate {plate.upper()}")
        return vehicle


class PlayerConnectView(_FivemView):
    serializer_class = s.PlayerConnectSerializer

    @extend_schema(request=s.PlayerConnectSerializer, responses=inline_serializer("PlayerConnected", {
        "registered": drf_serializers.BooleanField(),
        "user": drf_serializers.DictField(required=False),
        "characters": drf_serializers.ListField(child=drf_serializers.DictField(), required=False)}))
    def post(self, request):
        data = self.validate_with(s.PlayerConnectSerializer)
        user = selectors.user_for_discord(request.community, data["discord_id"])
        if user is None:
            return Response({"registered": False})
        characters = selectors.characters_of_user(user, request.community)
        return Response({
            "registered": True,
            "user": {"id": str(user.pk), "username": user.get_username(), "discord_id": user.profile.discord_id},
            "characters": [
                {"id": str(c.pk), "first_name": c.first_name, "last_name": c.last_name, "type": c.type,
                 "callsign": c.callsign,
                 "dept_short": (c.department.short_name or c.department.name) if c.department_id else None}
                for c in characters
            ],
        })


class CreateCharacterView(_FivemView):
    serializer_class = s.FivemCreateCharacterSerializer

    def post(self, request):
        data = self.validate_with(s.FivemCreateCharacterSerializer)
        user_id = data.pop("user_id")
        if not Membership.objects.filter(community=request.community, user_id=user_id).exists():
            raise exceptions.ValidationError({"user_id": ["Not a member of this community."]})
        user = get_user_model().objects.get(pk=user_id)
        character = services.character_create(community=request.community, user=user, **data)
        return Response(s.FivemCharacterSerializer(character, context=self.get_serializer_context()).data,
                        status=status.HTTP_201_CREATED)


class VehicleRegisterView(_FivemView):
    serializer_class = s.FivemVehicleSerializer

    def post(self, request):
        data = self.validate_with(s.FivemVehicleSerializer)
        owner = data.pop("owner")
        vehicle = services.vehicle_register(community=request.community, owner=owner, **data)
        return Response(s.FivemVehicleSerializer(vehicle, context=self.get_serializer_context()).data,
                        status=status.HTTP_201_CREATED)


class VehicleByPlateView(_FivemView):
    serializer_class = EmptySerializer

    def delete(self, request, plate: str):
        vehicle = services.vehicle_deregister(vehicle=self.vehicle(plate))
        return Response({"ok": True, "plate": vehicle.plate})


class VehicleStolenView(_FivemView):
    serializer_class = s.StolenSerializer

    def patch(self, request, plate: str):
        data = self.validate_with(s.StolenSerializer)
        vehicle = services.vehicle_mark_stolen(vehicle=self.vehicle(plate), stolen=data["stolen"], by=request.user,
                                               role=request.role).vehicle
        return Response({"ok": True, "plate": vehicle.plate, "is_stolen": vehicle.is_stolen})
