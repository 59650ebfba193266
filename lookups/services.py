"""The one state change of lookups: a smart search, recorded in the searcher's history."""

from __future__ import annotations

from django.db import connection, transaction

from cad.core.errors import Invalid
from cad.core.models import ApiToken, Community

from . import selectors
from .choices import LookupType
from .models import LookupHistory


def lookup_search(*, community: Community, query: str, type: str | None = None, user=None,
                  token: ApiToken | None = None) -> dict:
    """000 §4 smart search. With no `type` the query's shape decides (every fitting type is searched and
    the results merged); an explicit `type` wins. Returns {civilians, vehicles, detected_types} and
    records a LookupHistory row for the caller."""
    if not isinstance(query, str) or not query.strip():
        raise Invalid({"query": ["This field is required."]})
    query = " ".join(query.split())
    if len(query) > selectors.MAX_QUERY:
        raise Invalid({"query": [f"At most {selectors.MAX_QUERY} characters."]})
    if type:
        if type not in LookupType.values:
            raise Invalid({"type": [f'"{type}" is not allowed; use one of: {", ".join(LookupType.values)}.']})
        types = [type]
    else:
        types = selectors.detect_types(query)
    civilians, vehicles = selectors.smart_search(community, query, types)
    _remember(community=community, user=user, token=token, type=types[0], detected_types=types, query=query,
              result_count=len(civilians) + len(vehicles))
    return {
        "civilians": selectors.civilian_cards(community, civilians),
        "vehicles": selectors.vehicle_cards(community, vehicles),
        "detected_types": types,
    }


def lookup_record(*, community: Community, type: str, query: str, result_count: int, user=None,
                  token: ApiToken | None = None) -> LookupHistory:
    """History of a lookup made elsewhere (004's /fivem/lookup/*)."""
    return _remember(community=community, user=user, token=token, type=type, detected_types=[type],
                     query=query[:200], result_count=result_count)


def _remember(*, community, user, token, **fields) -> LookupHistory:
    """Insert a history row. On PostgreSQL, outside any caller's transaction, the commit does not wait for
    the WAL flush (`synchronous_commit = off` for this one transaction): a crash may lose the last few
    history rows, never a record, and the officer does not wait on a disk sync for a search."""
    row = LookupHistory(community=community, user=user if getattr(user, "pk", None) else None, token=token,
                        **fields)
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit TO OFF")
            row.save(force_insert=True)
    else:
        row.save(force_insert=True)
    return row
