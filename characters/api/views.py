"""/api/characters, /api/vehicles, /api/licenses, /api/weapons, /api/weapon-license-applications.

Who may do what: every member reads their own rows; officers and above read everyone's; a row is changed
by the user who owns the character, by an admin, or by the community's game server (API token). The
rules themselves are in `characters.services`; these views only route and check ownership."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import exceptions, status
from rest_framework.decorators import action
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.response import Response

from cad.core import access
from cad.core.api.schema import created
from cad.core.api.views import CommunityGenericViewSet, CommunityViewSet, mixins
from cad.core.choices import Role
from cad.core.models import ApiToken

from .. import filtersets, services
from ..choices import FIRST_RESPONDER_TYPES
from ..models import Character, DrivingLicense, Vehicle, Weapon, WeaponLicenseApplication
from . import serializers as s

NOT_YOURS = "You can only change your own characters and what they own."


class PlainLimitOffset(LimitOffsetPagination):
    """`?limit=&offset=` on lists that stay plain arrays (as the seeds show them); the total is in the
    `X-Total-Count` header. Without `limit` a list stops at `default_limit` rows, never the whole table."""

    default_limit = 1000
    max_limit = 1000

    def get_paginated_response(self, data):
        return Response(data, headers={"X-Total-Count": str(self.count)})

    def get_paginated_response_schema(self, schema):
        return schema


def _user(request):
    return access.person(request.user)


def _is_server(request) -> bool:
    return isinstance(request.auth, ApiToken)


def _is_admin(request) -> bool:
    return Role(request.role).at_least(Role.ADMIN)


def _reads_all(request) -> bool:
    return Role(request.role).at_least(Role.OFFICER)


def _owns(request, character: Character | None) -> bool:
    user = _user(request)
    return character is not None and user is not None and character.user_id == user.pk


def _require_manage(request, character: Character | None) -> None:
    """Owner, admin or the game server; anyone else is 403."""
    if not (_is_admin(request) or _is_server(request) or _owns(request, character)):
        raise exceptions.PermissionDenied(NOT_YOURS)


class _OwnedViewSet(CommunityViewSet):
    pagination_class = PlainLimitOffset
    minimum_role = Role.CIVILIAN
    owner_path = "user"
    resource = ""

    def get_queryset(self):
        qs = super().get_queryset()
        if _reads_all(self.request):
            return qs
        user = _user(self.request)
        return qs.filter(**{self.owner_path: user}) if user is not None else qs.none()

    def created(self, row) -> Response:
        data = self.get_serializer(row).data
        return Response({"success": True, self.resource: data}, status=status.HTTP_201_CREATED)

    def validated(self, instance=None, partial=False) -> dict:
        serializer = self.get_serializer(instance, data=self.request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    def partial_update(self, request, *args, **kwargs):
        kwargs["partial"] = True
        return self.update(request, *args, **kwargs)


@extend_schema_view(create=extend_schema(responses={201: created("character", s.CharacterSerializer)}))
class CharacterViewSet(_OwnedViewSet):
    """Characters; `?mine=true` for the caller's own. POST :id/activate, POST :id/mugshot (multipart)."""

    queryset = Character.objects.select_related("department")
    serializer_class = s.CharacterSerializer
    filterset_class = filtersets.CharacterFilterSet
    resource = "character"

    def get_serializer_context(self):
        context = super().get_serializer_context()
        active = services.active_character(_user(self.request), getattr(self.request, "community", None))
        context["active_character_id"] = active.pk if active else None
        return context

    def _check_type(self, data: dict) -> None:
        if data.get("type") in FIRST_RESPONDER_TYPES and not (
                Role(self.request.role).at_least(Role.OFFICER) or _is_server(self.request)):
            raise exceptions.PermissionDenied("Only officers and above may play leo, ems or fd characters.")

    def create(self, request, *args, **kwargs):
        data = self.validated()
        self._check_type(data)
        character = services.character_create(community=request.community, user=_user(request), **data)
        return self.created(character)

    def update(self, request, *args, **kwargs):
        character = self.get_object()
        _require_manage(request, character)
        data = self.validated(character, partial=kwargs.get("partial", False))
        self._check_type(data)
        character = services.character_update(character=character, **data)
        return Response(self.get_serializer(character).data)

    def perform_destroy(self, instance):
        _require_manage(self.request, instance)
        services.character_archive(character=instance, by=_user(self.request))

    @action(detail=True, methods=["post"])
    def activate(self, request, pk=None):
        character = self.get_object()
        services.character_activate(character=character, user=request.user)
        return Response({"success": True, "character": self.get_serializer(character).data})

    @action(detail=True, methods=["post"])
    def mugshot(self, request, pk=None):
        character = self.get_object()
        _require_manage(request, character)
        serializer = s.MugshotSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        character = services.character_set_mugshot(character=character, upload=serializer.validated_data["mugshot"],
                                                   by=_user(request))
        return Response({"success": True, "character": self.get_serializer(character).data})


@extend_schema_view(create=extend_schema(responses={201: created("vehicle", s.VehicleSerializer)}))
class VehicleViewSet(_OwnedViewSet):
    """Vehicle registrations; DELETE deregisters (archives). A taken plate is 409 naming its vehicle/owner."""

    queryset = Vehicle.objects.select_related("owner")
    serializer_class = s.VehicleSerializer
    filterset_class = filtersets.VehicleFilterSet
    owner_path = "owner__user"
    resource = "vehicle"

    def create(self, request, *args, **kwargs):
        data = self.validated()
        owner = data.pop("owner", None)
        if owner is None and not (_is_admin(request) or _is_server(request)):
            raise exceptions.ValidationError({"character_id": ["This field is required."]})
        _require_manage(request, owner)
        vehicle = services.vehicle_register(community=request.community, owner=owner, **data)
        return self.created(vehicle)

    def update(self, request, *args, **kwargs):
        vehicle = self.get_object()
        _require_manage(request, vehicle.owner)
        data = self.validated(vehicle, partial=kwargs.get("partial", False))
        if "owner" in data and data["owner"] is not None:
            _require_manage(request, data["owner"])
        vehicle = services.vehicle_update(vehicle=vehicle, by=_user(request), role=request.role, **data)
        return Response(self.get_serializer(vehicle).data)

    def perform_destroy(self, instance):
        _require_manage(self.request, instance.owner)
        services.vehicle_deregister(vehicle=instance, by=_user(self.request))


class LicenseViewSet(_OwnedViewSet):
    """Driving licenses (DMV module). A member registers one for their own character when the community
    allows self-registration; otherwise admins issue. Admins override status, class and suspension date
    (PATCH; `clearOverride: true` hands the license back to the point rules) and archive (DELETE)."""

    queryset = DrivingLicense.objects.select_related("character", "license_class")
    serializer_class = s.LicenseSerializer
    filterset_class = filtersets.LicenseFilterSet
    owner_path = "character__user"
    resource = "license"
    action_roles = {"update": Role.ADMIN, "partial_update": Role.ADMIN, "destroy": Role.ADMIN}

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        services.require_dmv(request.community)

    def create(self, request, *args, **kwargs):
        data = self.validated()
        data.pop("clear_override", None)
        character = data["character"]
        if not _is_admin(request):
            if not request.community.dmv_self_register:
                raise exceptions.PermissionDenied("Only admins issue driving licenses in this community.")
            if not (_owns(request, character) or _is_server(request)):
                raise exceptions.PermissionDenied(NOT_YOURS)
            if data.get("status") not in (None, "valid") or data.get("suspended_until") is not None:
                raise exceptions.PermissionDenied("Only admins set a license's status or suspension.")
        lic = services.license_issue(character=character, license_class=data["license_class"], by=_user(request),
                                     status=data.get("status") or "valid",
                                     suspended_until=data.get("suspended_until"))
        return self.created(lic)

    def update(self, request, *args, **kwargs):
        lic = self.get_object()
        data = self.validated(lic, partial=True)
        if "character" in data and data["character"].pk != lic.character_id:
            raise exceptions.ValidationError({"character_id": ["A license cannot move to another character."]})
        lic = services.license_override(license=lic, status=data.get("status"),
                                        license_class=data.get("license_class"),
                                        suspended_until=data.get("suspended_until"), by=request.user,
                                        clear=bool(data.get("clear_override")))
        return Response(self.get_serializer(lic).data)

    def perform_destroy(self, instance):
        services.license_archive(license=instance, by=_user(self.request))


class WeaponViewSet(_OwnedViewSet):
    """Firearm registrations (weapons module); DELETE archives."""

    queryset = Weapon.objects.select_related("owner")
    serializer_class = s.WeaponSerializer
    filterset_class = filtersets.WeaponFilterSet
    owner_path = "owner__user"
    resource = "weapon"

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        services.require_weapons(request.community)

    def create(self, request, *args, **kwargs):
        data = self.validated()
        owner = data.pop("owner")
        _require_manage(request, owner)
        weapon = services.weapon_register(community=request.community, owner=owner, by=_user(request), **data)
        return self.created(weapon)

    def update(self, request, *args, **kwargs):
        weapon = self.get_object()
        _require_manage(request, weapon.owner)
        data = self.validated(weapon, partial=kwargs.get("partial", False))
        if "owner" in data:
            _require_manage(request, data["owner"])
        weapon = services.weapon_update(weapon=weapon, by=_user(request), **data)
        return Response(self.get_serializer(weapon).data)

    def perform_destroy(self, instance):
        _require_manage(self.request, instance.owner)
        services.weapon_archive(weapon=instance, by=_user(self.request))


class WeaponLicenseApplicationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, CommunityGenericViewSet):
    """Weapons-license applications: a member applies for their own character; supervisors and admins
    approve or deny (POST :id/approve, POST :id/deny with an optional `reason`)."""

    queryset = WeaponLicenseApplication.objects.select_related("character")
    serializer_class = s.WeaponLicenseApplicationSerializer
    filterset_class = filtersets.WeaponLicenseApplicationFilterSet
    pagination_class = PlainLimitOffset
    minimum_role = Role.CIVILIAN
    action_roles = {"approve": Role.SUPERVISOR, "deny": Role.SUPERVISOR}
    http_method_names = ["get", "post", "head", "options"]

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        services.require_weapons(request.community)

    def get_queryset(self):
        qs = super().get_queryset()
        if _reads_all(self.request):
            return qs
        user = _user(self.request)
        return qs.filter(character__user=user) if user is not None else qs.none()

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        character = serializer.validated_data["character"]
        _require_manage(request, character)
        application = services.weapon_license_apply(character=character,
                                                    notes=serializer.validated_data.get("notes", ""))
        return Response({"success": True, "application": self.get_serializer(application).data},
                        status=status.HTTP_201_CREATED)

    def _decide(self, request, approve: bool) -> Response:
        application = self.get_object()
        serializer = s.DecisionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        application = services.weapon_license_decide(application=application, approve=approve, by=request.user,
                                                     reason=serializer.validated_data.get("reason", ""))
        return Response({"success": True, "application": self.get_serializer(application).data})

    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        return self._decide(request, True)

    @action(detail=True, methods=["post"])
    def deny(self, request, pk=None):
        return self._decide(request, False)
