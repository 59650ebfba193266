from __future__ import annotations

from rest_framework import permissions

from cad.core.choices import Role


class HasCommunityRole(permissions.BasePermission):
    """The caller's role in the request's community meets the view's requirement for this action.

    Views declare `minimum_role` (default officer) and optionally `action_roles`
    ({"destroy": Role.ADMIN, "list": Role.CIVILIAN, "POST": Role.DISPATCHER}) keyed by viewset action
    or HTTP method.
    """

    message = "Your role in this community does not allow this."

    def has_permission(self, request, view) -> bool:
        role = getattr(request, "role", None)
        if role is None:
            return False
        return Role(role).at_least(view.required_role())
