"""The active-character switcher of the navigation bar (004: the active character sets the callsign
and department the CAD knows a player by), on every page that acts in a community."""

from __future__ import annotations


def character_switcher(request) -> dict:
    community = getattr(request, "community", None)
    user = getattr(request, "user", None)
    if community is None or user is None or not user.is_authenticated:
        return {}

    def build() -> dict:
        # Called only when a template shows the switcher (the page shell), never for fragments.
        from .models import Character
        from .services import active_character

        characters = list(Character.objects.for_community(community).filter(user=user).live()
                          .order_by("last_name", "first_name")[:50])
        return {"characters": characters, "active": active_character(user, community) if characters else None}

    return {"character_switcher": build}
