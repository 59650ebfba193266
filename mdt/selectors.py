"""Reads composed for the MDT page. Each is a fixed number of queries."""

from __future__ import annotations

from collections.abc import Sequence

from django.db.models import Q

from bolos.models import Bolo
from bolos.selectors import active_bolos
from cad.core.models import StatusCode
from calls.models import Call
from calls.selectors import call_of_unit, open_calls
from characters.services import active_character
from dispatch.selectors import unit_for_character
from lookups.models import LookupHistory


def officer(user, community) -> tuple:
    """(character, unit): the user's active character in the community and its on-duty unit."""
    character = active_character(user, community)
    unit = unit_for_character(character) if character is not None else None
    return character, unit


def status_codes(community) -> list[StatusCode]:
    return list(StatusCode.objects.for_community(community).live()
                .order_by("position", "name"))


def my_call(community, unit) -> Call | None:
    return call_of_unit(community, unit)


def attachable_calls(community, unit, *, limit: int = 10) -> list[Call]:
    """Open calls the officer could attach to (not the ones they are on), most urgent first."""
    qs = open_calls(community).order_by("priority", "-created_at")
    if unit is not None:
        qs = qs.exclude(assignments__unit=unit)
    return list(qs[:limit])


def recent_lookups(community, user, *, limit: int = 8) -> list[LookupHistory]:
    return list(LookupHistory.objects.for_community(community).filter(user=user).order_by("-created_at")[:limit])


def bolos(community, *, limit: int = 20) -> list[Bolo]:
    return list(active_bolos(community)[:limit])


def person_bolos(community, cards: Sequence[dict]) -> dict[str, dict]:
    """{card id: newest active person BOLO naming that person} in one query."""
    names = {(c["first_name"].lower(), c["last_name"].lower()): c["id"] for c in cards}
    if not names:
        return {}
    match = Q()
    for first, last in names:
        match |= Q(subject_first_name__iexact=first, subject_last_name__iexact=last)
    out: dict[str, dict] = {}
    for bolo in active_bolos(community).filter(match):
        card_id = names.get((bolo.subject_first_name.lower(), bolo.subject_last_name.lower()))
        if card_id and card_id not in out:
            out[card_id] = {"id": str(bolo.pk), "reason": bolo.reason or bolo.description}
    return out
