"""The three ways in: session cookie (web UI), JWT Bearer (simplejwt), community API token.

An API token is accepted as `x-api-key` (000 §2), as `snaily-cad-api-token` (SnailyCAD's header, 001),
as `Authorization: Bearer cad_...` (004's /fivem/*) and, on /emergency/* (002), as `{id, key}` in the
body (handled by that view).
"""

from __future__ import annotations

from rest_framework import authentication, exceptions
from rest_framework_simplejwt.authentication import JWTAuthentication as _JWTAuthentication
from rest_framework_simplejwt.exceptions import InvalidToken

from cad.core.access import ServicePrincipal
from cad.core.models import ApiToken
from cad.core.services import token_authenticate

# The request headers (as META keys) that carry a community API token as their whole value.
API_TOKEN_HEADERS = ("x-api-key", "snaily-cad-api-token")
_META_KEYS = tuple("HTTP_" + name.upper().replace("-", "_") for name in API_TOKEN_HEADERS)


def raw_api_token(request) -> str | None:
    for meta_key in _META_KEYS:
        key = request.META.get(meta_key)
        if key and key.strip():
            return key.strip()
    header = request.META.get("HTTP_AUTHORIZATION", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip().startswith(ApiToken.PREFIX):
        return value.strip()
    return None


class ApiTokenAuthentication(authentication.BaseAuthentication):
    def authenticate(self, request):
        raw = raw_api_token(request)
        if raw is None:
            return None
        token = token_authenticate(raw)
        if token is None:
            raise exceptions.AuthenticationFailed("Invalid or revoked API token.")
        return ServicePrincipal(token), token

    def authenticate_header(self, request):
        return 'Bearer realm="api"'


BAD_BEARER = ("The Bearer token is neither a community API token nor a valid sign-in token; it may have "
              "expired: sign in again (POST /api/auth/token) or check the token.")


class _UsersWithProfile:
    """What simplejwt reads a token's user through (`user_model.objects.get(...)`, `user_model.DoesNotExist`):
    the users with their profile, in that one query, since the request's community is the one the profile
    names (cad.core.api.views.resolve_community) and every API request resolves it."""

    def __init__(self, model) -> None:
        self.objects = model.objects.select_related("profile")
        self.DoesNotExist = model.DoesNotExist


class JWTAuthentication(_JWTAuthentication):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user_model = _UsersWithProfile(self.user_model)

    def get_user(self, validated_token):
        user = super().get_user(validated_token)
        if "profile" in user._state.fields_cache:  # read with the user (None: the user has no profile row)
            profile = user._state.fields_cache["profile"]
            user.picked_community_id = profile.active_community_id if profile is not None else None
        return user

    def authenticate(self, request):
        if raw_api_token(request) is not None:
            return None
        try:
            return super().authenticate(request)
        except (InvalidToken, exceptions.AuthenticationFailed) as exc:
            # simplejwt's own detail is a dict of its attempts; a caller needs one sentence.
            raise exceptions.AuthenticationFailed(BAD_BEARER, code=getattr(exc, "default_code", None)) from None


class SessionAuthentication(authentication.SessionAuthentication):
    """Session cookie with CSRF enforced on unsafe methods, as DRF does."""
