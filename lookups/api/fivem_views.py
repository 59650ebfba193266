"""004: GET /fivem/lookup/player (?name= partial up to 5, or ?discord_id= exact) and
GET /fivem/lookup/plate/:plate (vehicle, BOLO and warrant flags)."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions
from rest_framework.response import Response

from cad.core.api.views import CommunityAPIView, FivemMixin
from cad.core.choices import Role
from characters.selectors import characters_of_user, user_for_discord

from .. import selectors, services
from ..choices import LookupType
from . import serializers as s
from .views import caller_of


class FivemPlayerLookupView(FivemMixin, CommunityAPIView):
    minimum_role = Role.OFFICER

    @extend_schema(parameters=[s.PlayerQuerySerializer], responses=OpenApiTypes.OBJECT)
    def get(self, request):
        params = s.PlayerQuerySerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        discord_id = (params.validated_data.get("discord_id") or "").strip()
        if discord_id:
            user = user_for_discord(request.community, discord_id)
            characters = list(characters_of_user(user, request.community)) if user is not None else []
        else:
            name = params.validated_data["name"]
            characters = selectors.fivem_players_by_name(request.community, name)
            services.lookup_record(community=request.community, type=LookupType.PARTIAL_NAME, query=name,
                                   result_count=len(characters), **caller_of(request))
        return Response({"found": bool(characters),
                         "characters": selectors.fivem_characters(request.community, characters)})


class FivemPlateLookupView(FivemMixin, CommunityAPIView):
    minimum_role = Role.OFFICER

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request, plate):
        normalized = selectors.plate_key(plate)
        if not 1 <= len(normalized) <= 8:
            raise exceptions.ValidationError({"plate": ["2 to 8 letters and digits."]})
        result = selectors.fivem_plate(request.community, normalized)
        services.lookup_record(community=request.community, type=LookupType.PLATE, query=normalized,
                               result_count=int(result["vehicle"] is not None), **caller_of(request))
        return Response(result)
