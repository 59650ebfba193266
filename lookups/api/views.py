"""000 §4 /api/lookup*: officers and above (and API tokens); civilians get 403."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions
from rest_framework.response import Response

from cad.core import ratelimit
from cad.core.api.views import CommunityAPIView
from cad.core.choices import Role
from cad.core.models import ApiToken
from characters.models import Character, Vehicle
from records.selectors import person_history

from .. import selectors, services
from ..models import LookupHistory
from . import serializers as s

SEARCH_RATE = "60/m"


def _rate_key(request) -> str:
    if isinstance(request.auth, ApiToken):
        return f"token:{request.auth.pk}"
    return f"user:{request.user.pk}"


def caller_of(request) -> dict:
    token = request.auth if isinstance(request.auth, ApiToken) else None
    user = request.user if getattr(request.user, "pk", None) else None
    return {"user": user, "token": token}


class LookupView(CommunityAPIView):
    """POST /api/lookup: smart search, 60 a minute per user (the 61st is 429 with Retry-After)."""

    minimum_role = Role.OFFICER

    @extend_schema(request=s.LookupSerializer, responses=OpenApiTypes.OBJECT)
    def post(self, request):
        ratelimit.hit(group=ratelimit.LOOKUP, key=_rate_key(request), rate=SEARCH_RATE,
                      message="Too many lookups: 60 a minute. Try again shortly.")
        serializer = s.LookupSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        result = services.lookup_search(community=request.community, query=serializer.validated_data["query"],
                                        type=serializer.validated_data.get("type") or None, **caller_of(request))
        return Response(result)


class RecentLookupsView(CommunityAPIView):
    """GET /api/lookup/recent?type=&limit=10: the caller's own recent searches, newest first."""

    minimum_role = Role.OFFICER

    @extend_schema(parameters=[s.RecentQuerySerializer], responses=s.LookupHistorySerializer(many=True))
    def get(self, request):
        params = s.RecentQuerySerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        caller = caller_of(request)
        qs = LookupHistory.objects.for_community(request.community)
        qs = qs.filter(user=caller["user"]) if caller["user"] else qs.filter(token=caller["token"], user__isnull=True)
        if params.validated_data.get("type"):
            qs = qs.filter(type=params.validated_data["type"])
        rows = qs.order_by("-created_at")[: params.validated_data["limit"]]
        return Response(s.LookupHistorySerializer(rows, many=True).data)


class CivilianLookupView(CommunityAPIView):
    """GET /api/lookup/civilian/:id: the full civilian profile."""

    minimum_role = Role.OFFICER

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request, pk):
        character = get_object_or_404(
            Character.objects.for_community(request.community).filter(archived_at__isnull=True)
            .select_related("department"), pk=pk)
        return Response(selectors.civilian_profile(request.community, character))


class VehicleLookupView(CommunityAPIView):
    """GET /api/lookup/vehicle/:id: registration, owner, stolen, insurance, active BOLO."""

    minimum_role = Role.OFFICER

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request, pk):
        vehicle = get_object_or_404(
            Vehicle.objects.for_community(request.community).filter(archived_at__isnull=True).select_related("owner"),
            pk=pk)
        return Response(selectors.vehicle_profile(request.community, vehicle))


class LicenseHistoryView(CommunityAPIView):
    """GET /api/lookup/reports/:licenseNumber: every report, citation and arrest of the person, newest
    first, as 000's {reports: [{_id, type, title, officerName, createdAt}]}."""

    minimum_role = Role.OFFICER

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request, license_number):
        number = license_number.strip()
        chars = Character.objects.for_community(request.community)
        character = chars.filter(license_number=number).first() or chars.filter(
            license_number=number.upper()).first()
        if character is None:
            raise exceptions.NotFound("No civilian holds this license number.")
        return Response({"reports": person_history(request.community, character)})
