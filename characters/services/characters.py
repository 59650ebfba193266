"""Characters: create, update, archive, and which one a user plays (`character_activate`,
`active_character`). SSN (123-45-6789) and DL number (DL-12345) are unique in the community."""

from __future__ import annotations

import random
import re
from datetime import date, datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from cad.core import access, updates
from cad.core.errors import Conflict, Forbidden, Invalid
from cad.core.models import Community, Department
from cad.events import publish

from ..choices import CharacterType
from ..models import ActiveCharacter, Character
from ..payloads import activated_payload, character_payload
from .common import archive, choice_cleaner, in_community, live_character, text_cleaner, user_pk

SSN_RE = re.compile(r"^\d{3}-\d{2}-\d{4}$")
LICENSE_NUMBER_RE = re.compile(r"^[A-Z0-9][A-Z0-9-]{0,15}$")
_GENERATE_ATTEMPTS = 12


def _flags(value: Any) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(f, str) and 0 < len(f.strip()) <= 40 for f in value):
        raise Invalid({"flags": ["A list of short strings, e.g. [\"armed_and_dangerous\"]."]})
    seen: list[str] = []
    for f in value:
        f = f.strip()
        if f not in seen:
            seen.append(f)
    if len(seen) > 30:
        raise Invalid({"flags": ["At most 30 flags."]})
    return seen


def _date_of_birth(value: Any) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value)
        except ValueError:
            raise Invalid({"date_of_birth": ["Use YYYY-MM-DD."]}) from None
    if not isinstance(value, date):
        raise Invalid({"date_of_birth": ["Use YYYY-MM-DD."]})
    if value > timezone.localdate() or value.year < 1850:
        raise Invalid({"date_of_birth": ["Not a plausible date of birth."]})
    return value


def _ssn(value: Any) -> str | None:
    if value in (None, ""):
        return None
    if not isinstance(value, str) or not SSN_RE.match(value.strip()):
        raise Invalid({"ssn": ["Use the 123-45-6789 format."]})
    return value.strip()


def _license_number(value: Any) -> str | None:
    if value in (None, ""):
        return None
    if not isinstance(value, str) or not LICENSE_NUMBER_RE.match(value.strip().upper()):
        raise Invalid({"license_number": ["Up to 16 letters, digits and dashes, e.g. DL-12345."]})
    return value.strip().upper()


def _random_ssn() -> str:
    return f"{random.randint(100, 899):03d}-{random.randint(1, 99):02d}-{random.randint(1, 9999):04d}"


def _random_license_number(attempt: int) -> str:
    digits = 5 + attempt // 4  # DL-12345; widen only when the 5-digit space is crowded
    return f"DL-{random.randint(10 ** (digits - 1), 10 ** digits - 1)}"


def _field_rules(community_id: Any) -> dict[str, updates.Cleaner]:
    """A character's fields and their rules, for a new character and a change alike (identity numbers
    apart: they are generated when missing)."""
    return {
        "first_name": text_cleaner("first_name", 60, required=True),
        "last_name": text_cleaner("last_name", 60, required=True),
        "type": choice_cleaner("type", CharacterType),
        "date_of_birth": _date_of_birth,
        "gender": text_cleaner("gender", 20),
        "address": text_cleaner("address", 200),
        "phone": text_cleaner("phone", 32),
        "callsign": text_cleaner("callsign", 32),
        "rank": text_cleaner("rank", 60),
        "flags": _flags,
        "department": in_community("department_id", community_id),
    }


def _ensure_unique_identity(community_id: Any, *, ssn: str | None, license_number: str | None,
                            exclude: Any = None) -> None:
    qs = Character.objects.filter(community_id=community_id)
    if exclude is not None:
        qs = qs.exclude(pk=exclude)
    if ssn and qs.filter(ssn=ssn).exists():
        raise Conflict(f"SSN {ssn} is already in use in this community")
    if license_number and qs.filter(license_number=license_number).exists():
        raise Conflict(f"License number {license_number} is already in use in this community")


def character_create(
    *, community: Community, user: Any = None, first_name: str, last_name: str,
    type: str = CharacterType.CIVILIAN, date_of_birth: date | str | None = None, gender: str = "",
    address: str = "", phone: str = "", ssn: str | None = None, license_number: str | None = None,
    callsign: str = "", department: Department | None = None, rank: str = "", flags: list[str] | None = None,
) -> Character:
    """A new character. SSN (123-45-6789) and DL number (DL-12345) are generated when not given; both are
    unique in the community (a given one that clashes is 409; generated ones retry on a race)."""
    fields = updates.clean_changes(dict(
        first_name=first_name, last_name=last_name, type=type or CharacterType.CIVILIAN,
        date_of_birth=date_of_birth, gender=gender, address=address, phone=phone, callsign=callsign, rank=rank,
        flags=flags, department=department,
    ), _field_rules(community.pk))
    user = access.person(user)  # a game server (API token) owns no characters
    given_ssn, given_dl = _ssn(ssn), _license_number(license_number)
    _ensure_unique_identity(community.pk, ssn=given_ssn, license_number=given_dl)

    for attempt in range(_GENERATE_ATTEMPTS):
        candidate_ssn = given_ssn or _random_ssn()
        candidate_dl = given_dl or _random_license_number(attempt)
        taken = Character.objects.filter(community=community).filter(
            Q(ssn=candidate_ssn) | Q(license_number=candidate_dl))
        if taken.exists():
            _ensure_unique_identity(community.pk, ssn=given_ssn, license_number=given_dl)
            continue
        try:
            with transaction.atomic():
                character = Character.objects.create(community=community, user=user, ssn=candidate_ssn,
                                                     license_number=candidate_dl, **fields)
                publish(community.pk, "character-created", character_payload(character))
                return character
        except IntegrityError:
            # Someone took the same number between the check and the insert: a given one is a clash,
            # a generated one is drawn again.
            _ensure_unique_identity(community.pk, ssn=given_ssn, license_number=given_dl)
    raise Conflict("Could not allocate a unique SSN and license number; try again")


def character_update(*, character: Character, **changes: Any) -> Character:
    """Change the given fields (those `_field_rules` lists, and the identity numbers). SSN / license number
    clashes are 409."""
    clean = updates.clean_changes(changes, {
        **_field_rules(character.community_id),
        "ssn": lambda value: _ssn(value) or character.ssn,
        "license_number": lambda value: _license_number(value) or character.license_number,
    })
    _ensure_unique_identity(character.community_id, ssn=clean.get("ssn"), license_number=clean.get("license_number"),
                            exclude=character.pk)
    fields = updates.apply(character, clean)
    try:
        with transaction.atomic():
            character.save(update_fields=[*fields, "updated_at"])
    except IntegrityError:
        raise Conflict("SSN or license number is already in use in this community") from None
    publish(character.community_id, "character-updated", character_payload(character))
    return character


@transaction.atomic
def character_archive(*, character: Character, by: Any = None) -> Character:
    """Archive (never delete): records keep pointing at it; it stops being anyone's active character."""
    if archive(character, "character-archived", character_payload):
        ActiveCharacter.objects.filter(community_id=character.community_id, character=character).delete()
    return character


def character_activate(*, character: Character, user: Any) -> Character:
    """Make `character` the user's active character in its community (the user must own it)."""
    if user_pk(user) is None or character.user_id != user.pk:
        raise Forbidden("You can only play your own characters.")
    live_character(character)
    for _ in range(3):
        try:
            with transaction.atomic():
                ActiveCharacter.objects.update_or_create(community_id=character.community_id, user=user,
                                                         defaults={"character": character})
                publish(character.community_id, "character-activated", activated_payload(character, user))
                return character
        except IntegrityError:  # two activations raced on the (community, user) row: the retry updates it
            continue
    raise Conflict("Could not switch the active character; try again")


def active_character(user: Any, community: Any) -> Character | None:
    """The user's active character in the community; a user with a single live character plays that one."""
    if user_pk(user) is None or community is None:
        return None
    row = (ActiveCharacter.objects.for_community(community).filter(user=user, character__archived_at__isnull=True)
           .select_related("character", "character__department").first())
    if row is not None:
        return row.character
    only = list(Character.objects.for_community(community).filter(user=user).live()
                .select_related("department")[:2])
    return only[0] if len(only) == 1 else None
