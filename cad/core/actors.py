"""Who did something: services receive `by` as a user, an API token's ServicePrincipal, a Unit, or None."""

from __future__ import annotations

from django.contrib.auth import get_user_model


def person(by):
    """The user behind `by`, for `created_by`-style foreign keys; None for a game server, a unit or nobody."""
    return by if isinstance(by, get_user_model()) and by.pk is not None else None
