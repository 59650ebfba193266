"""Base views: resolve the request's community once, check the caller's role, scope every query.

The community of a request comes from, in order: `communityId` in the query or body (000), the
`X-Community-Id` header, the API token (scoped to one community), or the user's active community
(their only membership, or the one they picked). A caller who is not a member gets 403; any object
of another community is 404, because querysets are built with `for_community(request.community)`.
"""

from __future__ import annotations

import uuid

from rest_framework import exceptions, mixins, viewsets
from rest_framework.renderers import JSONRenderer
from rest_framework.views import APIView

from cad.core import access
from cad.core.access import TOKEN_ROLE
from cad.core.choices import Role
from cad.core.models import ApiToken, Community, Membership, Profile

from .parsers import StrictJSONParser
from .permissions import HasCommunityRole
from .throttles import FivemTokenThrottle


def _requested_community_id(request) -> str | None:
    value = request.query_params.get("communityId") or request.query_params.get("community_id")
    if not value:
        data = request.data if isinstance(getattr(request, "data", None), dict) else {}
        value = data.get("community_id") or data.get("communityId")
    if not value:
        value = request.headers.get("X-Community-Id")
    return str(value).strip() if value else None


def _picked_community_id(user):
    """The community the user last picked: read with the user by this request's JWT sign-in (one query less
    on every API request; `authentication.JWTAuthentication.get_user`), else looked up."""
    picked = getattr(user, "picked_community_id", _UNREAD)
    if picked is not _UNREAD:
        return picked
    return Profile.objects.filter(user=user).values_list("active_community_id", flat=True).first()


_UNREAD = object()


def resolve_community(request, wanted: str | None = None) -> tuple[Community, Role]:
    """The community and role of a request, or 400/401/403. `wanted` overrides what the request says."""
    user = request.user
    token = request.auth if isinstance(request.auth, ApiToken) else None
    wanted = wanted or _requested_community_id(request)
    if wanted is not None:
        try:
            uuid.UUID(wanted)
        except ValueError:
            raise exceptions.ValidationError({"communityId": ["Not a valid community ID."]}) from None

    if token is not None:
        if wanted is not None and wanted != str(token.community_id):
            raise exceptions.PermissionDenied("This API token belongs to another community.")
        # The token is cached briefly; its community's settings must not be, so read them fresh.
        return Community.objects.get(pk=token.community_id), TOKEN_ROLE

    if not user or not user.is_authenticated:
        raise exceptions.NotAuthenticated()

    memberships = Membership.objects.filter(user=user).select_related("community")
    if wanted is not None:
        community = Community.objects.filter(pk=wanted).first()
        role = access.role_in(user, community) if community is not None else None
        if role is None:
            raise exceptions.PermissionDenied("You are not a member of this community.")
        return community, role

    active_id = _picked_community_id(user)
    rows = list(memberships.filter(community_id=active_id)) if active_id is not None else []
    if not rows:  # two rows tell "the only one" from "several, say which"
        rows = list(memberships[:2])
    if len(rows) == 1:
        return rows[0].community, access.user_role(is_superuser=user.is_superuser, membership_role=rows[0].role)
    if not rows:
        raise exceptions.PermissionDenied("You are not a member of any community.")
    raise exceptions.ValidationError({"communityId": ["You belong to several communities; say which one."]})


# Routes take a UUID or do not match: a malformed ID is the JSON 404 of an unknown path, never a 500.
# Routers set `lookup_value_regex = UUID_PATTERN` (any case, dashes optional, as UUIDField accepts);
# `path()` routes say `<uuid:pk>`.
UUID_PATTERN = "[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}"


class CommunityScopedMixin:
    """Resolves the community and role before the permission check; `minimum_role` / `action_roles`
    gate access."""

    permission_classes = [HasCommunityRole]
    minimum_role: Role = Role.OFFICER
    action_roles: dict[str, Role] = {}

    def check_permissions(self, request):
        # No permission can be judged before the caller's community and role are known.
        if request.user is None or not request.user.is_authenticated:
            raise exceptions.NotAuthenticated()
        request.community, request.role = resolve_community(request, self.requested_community_id(request))
        self.community = request.community
        super().check_permissions(request)

    def requested_community_id(self, request) -> str | None:
        """Overridden by views whose URL names the community itself."""
        return None

    def required_role(self) -> Role:
        action = getattr(self, "action", None)
        if action and action in self.action_roles:
            return self.action_roles[action]
        method = self.request.method.upper()
        if method in self.action_roles:
            return self.action_roles[method]
        if method in ("GET", "HEAD", "OPTIONS") and "read" in self.action_roles:
            return self.action_roles["read"]
        return self.minimum_role

    def get_queryset(self):
        queryset = super().get_queryset()
        if getattr(self, "swagger_fake_view", False):  # schema generation has no request community
            return queryset.none().all_communities() if hasattr(queryset, "all_communities") else queryset.none()
        return queryset.for_community(self.request.community)

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["community"] = getattr(self.request, "community", None)
        return context

    def validate_with(self, serializer_class, data=None, *, instance=None, partial: bool = False) -> dict:
        """`data` (default: the request body) validated by `serializer_class` in this request's context;
        bad input is a 400 naming the fields (in the view's dialect)."""
        serializer = serializer_class(instance, data=self.request.data if data is None else data, partial=partial,
                                      context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)


class FivemMixin:
    """004's /fivem/* dialect: snake_case JSON as written, `id` only, community from the Bearer token."""

    renderer_classes = [JSONRenderer]
    parser_classes = [StrictJSONParser]
    throttle_classes = [FivemTokenThrottle]
    camel_case = False


class CommunityAPIView(CommunityScopedMixin, APIView):
    """A plain endpoint in the community of the request (for actions that are not CRUD)."""

    def get_queryset(self):  # APIView has no queryset; subclasses that need one build it explicitly.
        raise NotImplementedError

    def get_serializer_context(self):
        return {"request": self.request, "view": self, "community": self.request.community}


class CommunityViewSet(CommunityScopedMixin, viewsets.ModelViewSet):
    """CRUD over one community's rows. Set `queryset`, `serializer_class`, `filterset_class`."""

    http_method_names = ["get", "post", "put", "patch", "delete", "head", "options"]


class CommunityReadOnlyViewSet(CommunityScopedMixin, viewsets.ReadOnlyModelViewSet):
    pass


class CommunityGenericViewSet(CommunityScopedMixin, viewsets.GenericViewSet):
    """For viewsets composed from mixins and @action methods."""


__all__ = [
    "CommunityAPIView",
    "CommunityGenericViewSet",
    "CommunityReadOnlyViewSet",
    "CommunityScopedMixin",
    "CommunityViewSet",
    "FivemMixin",
    "mixins",
    "resolve_community",
    "TOKEN_ROLE",
]
