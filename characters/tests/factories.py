"""Small builders for characters tests (services only, so they exercise the real rules)."""

from __future__ import annotations

from characters import services


def make_character(community, user=None, first="John", last="Smith", **kw):
    return services.character_create(community=community, user=user, first_name=first, last_name=last, **kw)


def enable_dmv(community, *, points=True, self_register=True):
    community.dmv_enabled = True
    community.dmv_points_enabled = points
    community.dmv_self_register = self_register
    community.save()
    return community


def enable_weapons(community):
    community.weapons_enabled = True
    community.save()
    return community
