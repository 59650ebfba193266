"""The field rules and write patterns every characters aggregate shares, written once: text, choices, a
row of this community, a live owner, the module switches, "archive once and say so", and "a racing write
won: name the row it clashed with"."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from cad.core import access, updates
from cad.core.errors import Conflict, Forbidden, Invalid
from cad.core.models import Community
from cad.core.tenancy import CommunityQuerySet
from cad.events import publish

DMV_DISABLED = "The DMV module is disabled for this community"
WEAPONS_DISABLED = "The weapons module is disabled for this community"


# --- module switches ------------------------------------------------------------------------------------


def require_dmv(community: Community) -> None:
    if not community.dmv_enabled:
        raise Forbidden(DMV_DISABLED)


def require_weapons(community: Community) -> None:
    if not community.weapons_enabled:
        raise Forbidden(WEAPONS_DISABLED)


# --- field rules ----------------------------------------------------------------------------------------


def text(name: str, value: Any, *, max_length: int, required: bool = False) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise Invalid({name: ["Must be a string."]})
    value = value.strip()
    if required and not value:
        raise Invalid({name: ["This field is required."]})
    if len(value) > max_length:
        raise Invalid({name: [f"At most {max_length} characters."]})
    return value


def text_cleaner(name: str, max_length: int, *, required: bool = False) -> updates.Cleaner:
    return lambda value: text(name, value, max_length=max_length, required=required)


def choice(name: str, value: Any, choices: type[models.TextChoices]) -> str:
    if value not in choices.values:
        raise Invalid({name: [f'"{value}" is not allowed; use one of: {", ".join(choices.values)}.']})
    return value


def choice_cleaner(name: str, choices: type[models.TextChoices]) -> updates.Cleaner:
    return lambda value: choice(name, value, choices)


def same_community(name: str, obj: Any, community_id: Any) -> None:
    if obj is not None and obj.community_id != community_id:
        raise Invalid({name: ["Does not exist in this community."]})


def in_community(name: str, community_id: Any) -> updates.Cleaner:
    def clean(value: Any) -> Any:
        same_community(name, value, community_id)
        return value
    return clean


def live_character(character: Any) -> None:
    if character.archived_at is not None:
        raise Invalid({"character_id": ["This character is archived."]})


def owner_cleaner(community_id: Any, *, required: bool) -> updates.Cleaner:
    """A character of this community who is not archived (`character_id` on the wire); None when optional."""
    def clean(value: Any) -> Any:
        if value is None:
            if required:
                raise Invalid({"character_id": ["This field is required."]})
            return None
        same_community("character_id", value, community_id)
        live_character(value)
        return value
    return clean


def aware(name: str, value: Any) -> datetime | None:
    """An aware datetime from a datetime or an ISO 8601 string (naive ones in the default zone); None for blank."""
    if value in (None, ""):
        return None
    if isinstance(value, str):
        try:
            parsed = parse_datetime(value)
        except ValueError:
            parsed = None
        if parsed is None:
            raise Invalid({name: ["Use an ISO 8601 date and time."]})
        value = parsed
    if not isinstance(value, datetime):
        raise Invalid({name: ["Use an ISO 8601 date and time."]})
    if timezone.is_naive(value):
        value = timezone.make_aware(value, timezone.get_default_timezone())
    return value


def user_pk(actor: Any) -> Any:
    user = access.person(actor)
    return user.pk if user is not None else None


# --- write patterns -------------------------------------------------------------------------------------


def archive(row: Any, event: str, payload: Callable[[Any], dict[str, Any]]) -> bool:
    """Archive `row` once (never delete) and publish `event`; False when it was archived already. The caller
    holds the transaction."""
    if row.archived_at is not None:
        return False
    row.archived_at = timezone.now()
    row.save(update_fields=["archived_at", "updated_at"])
    publish(row.community_id, event, payload(row))
    return True


def registered_conflict(rows: CommunityQuerySet, *, label: str, value: str, id_key: str, exclude: Any = None) -> None:
    """409 naming the live row of `rows` (those holding `value`) and its owner, if there is one."""
    rows = rows.live()
    if exclude is not None:
        rows = rows.exclude(pk=exclude)
    existing = rows.only("pk", "owner_id").first()
    if existing is not None:
        raise Conflict(f"{label} {value} is already registered", **{id_key: str(existing.pk)},
                       owner_character_id=str(existing.owner_id) if existing.owner_id else None)


@contextmanager
def clash_named_by(check: Callable[[], None]) -> Iterator[None]:
    """Around a write whose uniqueness was checked first: when a racing write wins (IntegrityError), `check()`
    raises the 409 naming the winner; anything else is re-raised."""
    try:
        yield
    except IntegrityError:
        check()
        raise


@contextmanager
def unique_update(row: Any, clean: dict[str, Any], *, unique: str,
                  conflict: Callable[[Any, str, Any], None], event: str,
                  payload: Callable[[Any], Any]) -> Iterator[None]:
    """Update `row` with its clean changes where `unique` (a field) must stay unique among the live rows:
    `conflict(community_id, value, exclude)` raises the 409 before the write and names the winner when a
    racing write takes the value first; the row is saved and `event` published only when something changed.
    The body of the `with` runs in the same transaction, after the save (a vehicle's stolen flag)."""
    if unique in clean:
        conflict(row.community_id, clean[unique], row.pk)
    # The new value is read when the clash happens: after `apply`, the row holds it.
    with clash_named_by(lambda: conflict(row.community_id, getattr(row, unique), row.pk)), transaction.atomic():
        if fields := updates.apply(row, clean):
            row.save(update_fields=[*fields, "updated_at"])
            publish(row.community_id, event, payload(row))
        yield
