"""Reads shared by the API, the UI and other apps (lookups, records, dispatch, bolos)."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet

from cad.core import access
from cad.core.models import Membership, Profile

from .choices import WeaponsLicenseStatus
from .models import Character, DrivingLicense, Vehicle, WeaponLicenseApplication
from .plates import PLATE_RE, plate_key
from .services import active_character  # noqa: F401  (re-exported for readers)


def user_for_discord(community, discord_id: str | None):
    """The member of `community` whose profile carries this Discord ID, or None."""
    if not discord_id or community is None:
        return None
    profile = Profile.objects.filter(discord_id=str(discord_id).strip()).select_related("user").first()
    if profile is None:
        return None
    if not Membership.objects.filter(community=community, user_id=profile.user_id).exists():
        return None
    return profile.user


def character_for_discord(community, discord_id: str | None) -> Character | None:
    """The active character (004) of the member with this Discord ID, or None."""
    user = user_for_discord(community, discord_id)
    return active_character(user, community) if user is not None else None


def characters_of_user(user, community, *, include_archived: bool = False) -> QuerySet[Character]:
    """The user's characters in the community (live ones unless asked), department joined."""
    if access.person(user) is None:
        return Character.objects.for_community(community).none()
    qs = Character.objects.for_community(community).filter(user=user).select_related("department")
    return qs if include_archived else qs.live()


def live_license(character: Character) -> DrivingLicense | None:
    """The character's live driving license (uses a `licenses` prefetch when present)."""
    cache = getattr(character, "_prefetched_objects_cache", {})
    if "licenses" in cache:
        return next((lic for lic in cache["licenses"] if lic.archived_at is None), None)
    return (DrivingLicense.objects.filter(community_id=character.community_id, character=character).live()
            .select_related("license_class").first())


def vehicle_for_plate(community, plate: str) -> Vehicle | None:
    """The live registration of a plate (any spelling the game sends), owner joined; None if unknown/bad."""
    plate = plate_key(plate)
    if not PLATE_RE.match(plate):  # a malformed plate simply matches nothing
        return None
    return (Vehicle.objects.for_community(community).filter(plate=plate).live()
            .select_related("owner").first())


def weapons_license_statuses(characters) -> dict[Any, str]:
    """{character id: "approved" | "pending" | "denied" | "none"} in one query for a list of characters."""
    characters = list(characters)
    ids = [c.pk for c in characters]
    if not ids:
        return {}
    community_id = characters[0].community_id
    out = {pk: WeaponsLicenseStatus.NONE.value for pk in ids}
    seen: set = set()
    rows = (WeaponLicenseApplication.objects.filter(community_id=community_id, character_id__in=ids)
            .order_by("character_id", "-created_at").values_list("character_id", "status"))
    for character_id, status in rows:
        if character_id not in seen:
            seen.add(character_id)
            out[character_id] = status
    return out


def character_prefetches() -> list:
    """Prefetches that make `live_license` and `services.weapons_license_status` free on a list."""
    return [
        Prefetch("licenses", queryset=DrivingLicense.objects.all_communities().select_related("license_class")),
        Prefetch("weapon_license_applications", queryset=WeaponLicenseApplication.objects.all_communities()),
    ]
