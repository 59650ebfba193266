"""Who may open a page, decided by the same rules as the API.

A page works in the user's active community (the one picked in the switcher; their first membership
until they pick). `cad.core.access.role_in` gives the role held there (superusers are admins of every
community) and `Role.at_least` compares roles, exactly as for the API and the sockets; only the
answers differ: a signed-out visitor is sent to /login, a role that may not gets 403,
another community's object 404 (`community_object_or_404`).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest

from cad.core import access
from cad.core.choices import Role
from cad.core.models import Community, Membership, Profile


class NoCommunity(PermissionDenied):
    """The user belongs to no community (yet): there is nothing a community page can show."""


def memberships(user) -> list[Membership]:
    """The user's memberships, for the switcher: only these communities are ever listed."""
    if not getattr(user, "is_authenticated", False):
        return []
    return list(Membership.objects.filter(user=user).select_related("community").order_by("community__name"))


def active_community_id(user, rows: list[Membership]) -> uuid.UUID | None:
    active = Profile.objects.filter(user=user).values_list("active_community_id", flat=True).first()
    ids = [m.community_id for m in rows]
    if active is not None and (active in ids or user.is_superuser):
        return active
    return ids[0] if ids else None


def page_community(request: HttpRequest) -> tuple[Community, Role]:
    """The community and role the page acts in (raises NoCommunity / PermissionDenied)."""
    rows = memberships(request.user)
    request.memberships = rows
    wanted = active_community_id(request.user, rows)
    if wanted is None:
        raise NoCommunity("You are not a member of any community yet.")
    community = Community.objects.filter(pk=wanted).first()
    role = access.role_in(request.user, community) if community is not None else None
    if role is None:
        raise PermissionDenied("You are not a member of this community.")
    return community, role


def has_role(request: HttpRequest, minimum: Role | str) -> bool:
    role = getattr(request, "role", None)
    return role is not None and Role(role).at_least(minimum)


def require_role(request: HttpRequest, minimum: Role | str) -> None:
    """For an action inside a page that needs more than the page itself (403 otherwise)."""
    if not has_role(request, minimum):
        raise PermissionDenied(f"Requires the {Role(minimum).label} role.")


def page(minimum: Role | str = Role.OFFICER) -> Callable:
    """Decorator for page views: signed in, a member of the active community, role ≥ `minimum`.

    Sets `request.community`, `request.role` and `request.memberships` for the view and the templates.
    """
    minimum = Role(minimum)

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
            request.community, request.role = page_community(request)
            require_role(request, minimum)
            return view(request, *args, **kwargs)

        wrapped.minimum_role = minimum
        return wrapped

    return decorator


def community_object_or_404(queryset: QuerySet, **lookup):
    """One row of the request's community or 404 (another community's row is simply not found).

    `queryset` must already be scoped (`Model.objects.for_community(request.community)`); a malformed
    ID is a 404 too, never a 500."""
    try:
        return queryset.get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("Not found.") from exc
    except Exception as exc:  # django.core.exceptions.ValidationError for a malformed UUID
        from django.core.exceptions import ValidationError

        if isinstance(exc, ValidationError):
            raise Http404("Not found.") from exc
        raise
