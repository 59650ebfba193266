"""Auth endpoints, communities and their settings, value lists and API tokens."""

from __future__ import annotations

from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import exceptions, permissions, status
from rest_framework import serializers as drf_serializers
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework_simplejwt import views as jwt_views

from cad.core import ratelimit, services
from cad.core.choices import Role
from cad.core.models import (
    ApiToken,
    CallType,
    Community,
    Department,
    Disposition,
    Division,
    LicenseClass,
    PenalCode,
    ReportType,
    StatusCode,
)

from . import serializers as core_serializers
from .views import CommunityGenericViewSet, CommunityViewSet, mixins


class TokenObtainView(jwt_views.TokenObtainPairView):
    """POST {username, password} → {access, refresh}. Rate limited per address and per username (the
    username from the parsed body, JSON or form alike)."""

    def post(self, request, *args, **kwargs):
        ratelimit.sign_in_hit(request, request.data)
        return super().post(request, *args, **kwargs)


class TokenRefreshView(jwt_views.TokenRefreshView):
    """POST {refresh} → {access, refresh}; the old refresh token is blacklisted (rotation)."""


class CommunitySettingsViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.UpdateModelMixin,
                               CommunityGenericViewSet):
    """GET /api/communities (the caller's), GET/PATCH /api/communities/:id (settings; PATCH admins)."""

    serializer_class = core_serializers.CommunitySerializer
    minimum_role = Role.CIVILIAN
    action_roles = {"update": Role.ADMIN, "partial_update": Role.ADMIN}
    http_method_names = ["get", "patch", "head", "options"]
    lookup_value_regex = "[^/]+"

    def check_permissions(self, request):
        if self.action == "list":
            # The list spans the caller's communities, so there is no single community to resolve.
            return APIView.check_permissions(self, request)
        try:
            super().check_permissions(request)
        except (exceptions.PermissionDenied, exceptions.ValidationError):
            if getattr(request, "role", None) is not None:
                raise  # a member without the role: 403
            raise exceptions.NotFound("Not found.") from None

    def requested_community_id(self, request):
        return self.kwargs.get("pk")

    def get_permissions(self):
        if self.action == "list":
            return [permissions.IsAuthenticated()]
        return super().get_permissions()

    def get_queryset(self):
        user = self.request.user
        if getattr(self, "swagger_fake_view", False):
            return Community.objects.none()
        if getattr(self.request, "community", None) is not None:
            return Community.objects.filter(pk=self.request.community.pk)
        if isinstance(self.request.auth, ApiToken):
            return Community.objects.filter(pk=self.request.auth.community_id)
        return Community.objects.filter(memberships__user=user).distinct()

    def perform_update(self, serializer):
        services.community_update(community=serializer.instance, by=self.request.user, **serializer.validated_data)


@extend_schema_view(
    list=extend_schema(operation_id="values_list", parameters=[
        OpenApiParameter("kind", str, OpenApiParameter.PATH, enum=["call-types", "status-codes", "dispositions",
                         "license-classes", "report-types", "penal-codes", "departments", "divisions"])]),
    retrieve=extend_schema(operation_id="values_retrieve"),
)
class ValueListViewSet(CommunityViewSet):
    """GET /api/values/:kind lists a community value list; admins create, edit and archive entries."""

    minimum_role = Role.CIVILIAN
    action_roles = {"create": Role.ADMIN, "update": Role.ADMIN, "partial_update": Role.ADMIN,
                    "destroy": Role.ADMIN}
    kinds = {
        "call-types": (CallType, core_serializers.CallTypeSerializer),
        "status-codes": (StatusCode, core_serializers.StatusCodeSerializer),
        "dispositions": (Disposition, core_serializers.DispositionSerializer),
        "license-classes": (LicenseClass, core_serializers.LicenseClassSerializer),
        "report-types": (ReportType, core_serializers.ReportTypeSerializer),
        "penal-codes": (PenalCode, core_serializers.PenalCodeSerializer),
        "departments": (Department, core_serializers.DepartmentSerializer),
        "divisions": (Division, core_serializers.DivisionSerializer),
    }

    def _kind(self):
        kind = self.kwargs.get("kind")
        if kind not in self.kinds:
            raise exceptions.NotFound(f"Unknown value list '{kind}'; use one of: {', '.join(self.kinds)}.")
        return self.kinds[kind]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return CallType.objects.none().all_communities()
        model, _ = self._kind()
        return model.objects.for_community(self.request.community).filter(archived_at__isnull=True)

    def get_serializer_class(self):
        if getattr(self, "swagger_fake_view", False):
            return core_serializers.CallTypeSerializer
        return self._kind()[1]

    def perform_create(self, serializer):
        serializer.instance = services.value_create(
            community=self.request.community, kind=self.kwargs["kind"], fields=serializer.validated_data,
            by=self.request.user)

    def perform_update(self, serializer):
        serializer.instance = services.value_update(
            entry=serializer.instance, fields=serializer.validated_data, by=self.request.user)

    def perform_destroy(self, instance):
        # Archive, not delete: old calls and records still point at the entry.
        services.value_archive(entry=instance, by=self.request.user)


class ApiTokenViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, mixins.DestroyModelMixin,
                      CommunityGenericViewSet):
    """Admins list, create (the raw token is in the 201 answer only) and revoke API tokens."""

    serializer_class = core_serializers.ApiTokenSerializer
    minimum_role = Role.ADMIN

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ApiToken.objects.none()
        return ApiToken.objects.filter(community=self.request.community, revoked_at__isnull=True)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = request.user if getattr(request.user, "pk", None) else None
        token, raw = services.token_create(
            community=request.community, name=serializer.validated_data.get("name") or "FiveM server", created_by=user
        )
        return Response({"success": True, "token": raw, "apiToken": self.get_serializer(token).data},
                        status=status.HTTP_201_CREATED)

    def perform_destroy(self, instance):
        services.token_revoke(token=instance, by=self.request.user)


class ActiveCommunityView(APIView):
    """POST /api/communities/:id/activate: the community the UI and unscoped requests use."""

    @extend_schema(request=None, responses=inline_serializer("ActiveCommunity", {
        "success": drf_serializers.BooleanField(), "communityId": drf_serializers.UUIDField()}))
    def post(self, request, pk):
        membership = request.user.memberships.filter(community_id=pk).first() if request.user.pk else None
        if membership is None:
            raise exceptions.NotFound("Not found.")
        services.active_community_set(user=request.user, community=membership.community)
        return Response({"success": True, "communityId": str(pk)})


class MeView(APIView):
    """GET /api/me: who the caller is and where they belong."""

    # A person's fields, or for an API token `{type: "apiToken", communityId, name}`.
    @extend_schema(responses=inline_serializer("Me", {
        "_id": drf_serializers.UUIDField(required=False), "id": drf_serializers.UUIDField(required=False),
        "username": drf_serializers.CharField(required=False),
        "discordId": drf_serializers.CharField(allow_null=True, required=False),
        "steamHex": drf_serializers.CharField(allow_null=True, required=False),
        "activeCommunityId": drf_serializers.UUIDField(allow_null=True, required=False),
        "memberships": drf_serializers.ListField(child=drf_serializers.DictField(), required=False),
        "type": drf_serializers.CharField(required=False), "communityId": drf_serializers.UUIDField(required=False),
        "name": drf_serializers.CharField(required=False),
    }))
    def get(self, request):
        user = request.user
        if not getattr(user, "pk", None):
            token = request.auth
            return Response({"type": "apiToken", "communityId": str(token.community_id), "name": token.name})
        profile = services.profile_for(user)
        return Response({
            "_id": user.pk, "id": user.pk, "username": user.username,
            "discordId": profile.discord_id, "steamHex": profile.steam_hex,
            "activeCommunityId": profile.active_community_id,
            "memberships": [
                {"communityId": str(m.community_id), "communityName": m.community.name, "role": m.role}
                for m in user.memberships.select_related("community")
            ],
        })

