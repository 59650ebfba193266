"""Reads of postals. The nearest-postal index is built once per community and revision and kept in
this process; every `REVISION_CHECK_SECONDS` a lookup asks the database (one indexed row) whether the
table was replaced, so another process's upload reaches this one within that time."""

from __future__ import annotations

import logging
import threading
import time

from .index import PostalIndex
from .models import PostalTable

logger = logging.getLogger(__name__)

REVISION_CHECK_SECONDS = 5.0

# community id → (check again after (monotonic), revision or None, index or None)
_indexes: dict[str, tuple[float, object, PostalIndex | None]] = {}
_build_lock = threading.Lock()


def active_postal_table(community) -> PostalTable | None:
    return PostalTable.objects.for_community(community).live().first()


def forget_postal_index(community_id) -> None:
    _indexes.pop(str(community_id), None)


def _cached(community_id: str) -> tuple[bool, PostalIndex | None]:
    memo = _indexes.get(community_id)
    if memo is not None and memo[0] > time.monotonic():
        return True, memo[2]
    return False, None


def postal_index(community_id) -> PostalIndex | None:
    """The community's index, or None when it has no postal table."""
    community_id = str(community_id)
    fresh, index = _cached(community_id)
    if fresh:
        return index
    revision = (PostalTable.objects.for_community(community_id).live()
                .values_list("revision", flat=True).first())
    memo = _indexes.get(community_id)
    if memo is not None and memo[1] == revision:
        index = memo[2]
    elif revision is None:
        index = None
    else:
        with _build_lock:  # one build per process, however many threads ask at once
            memo = _indexes.get(community_id)
            if memo is not None and memo[1] == revision:
                index = memo[2]
            else:
                entries = (PostalTable.objects.for_community(community_id).filter(revision=revision)
                           .values_list("entries", flat=True).first()) or []
                index = PostalIndex((e["x"], e["y"], e["code"]) for e in entries)
    _indexes[community_id] = (time.monotonic() + REVISION_CHECK_SECONDS, revision, index)
    return index


def _postal_index_outside_request(community_id: str) -> PostalIndex | None:
    # The ingest app runs outside Django's request cycle: treat the lookup as a request of its own.
    from django.db import close_old_connections

    close_old_connections()
    try:
        return postal_index(community_id)
    finally:
        close_old_connections()


async def apostal_index(community_id) -> PostalIndex | None:
    """`postal_index` for the async ingest path: no thread hop while the memo is fresh. A database
    hiccup keeps the last index (or none) rather than failing position reports."""
    from asgiref.sync import sync_to_async

    community_id = str(community_id)
    fresh, index = _cached(community_id)
    if fresh:
        return index
    try:
        return await sync_to_async(_postal_index_outside_request)(community_id)
    except Exception:  # noqa: BLE001 - positions must keep flowing; the next check retries
        logger.exception("postal index refresh failed for community %s", community_id)
        memo = _indexes.get(community_id)
        index = memo[2] if memo else None
        _indexes[community_id] = (time.monotonic() + REVISION_CHECK_SECONDS, memo[1] if memo else None, index)
        return index


def nearest_postal(community, x: float, y: float) -> tuple[str, float] | None:
    """(code, distance in game units) of the postal nearest to (x, y); None without a postal table."""
    index = postal_index(getattr(community, "pk", community))
    return index.nearest(x, y) if index is not None else None


def postal_code_at(community, x, y) -> str:
    """The nearest code for a record that has coordinates but no postal; "" when unknown."""
    if type(x) not in (int, float) or type(y) not in (int, float):
        return ""
    found = nearest_postal(community, float(x), float(y))
    return found[0] if found else ""
