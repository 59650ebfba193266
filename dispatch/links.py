"""What dispatch needs from calls, provided by calls when the apps load.

Calls imports dispatch (it asks dispatch to attach and release units), so dispatch cannot import calls
back. The three things dispatch must know about calls are this small interface, which
`calls.apps.CallsConfig.ready` fills in with `register`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Protocol


class CallLinks(Protocol):
    def open_call_ids(self, units: Iterable[Any]) -> dict[str, list[str]]:
        """Unit id → ids of the open calls it is assigned to (000's `assignedCalls`), in one query."""

    def find_call(self, community: Any, call_id: Any) -> Any | None:
        """A call of the community by ID, or None (a malformed ID is None too)."""

    def release_unit(self, unit: Any, by: Any) -> None:
        """Detach a unit that goes off duty from every open call it is on or points at."""


_links: CallLinks | None = None


def register(links: CallLinks) -> None:
    global _links
    _links = links


def calls() -> CallLinks:
    if _links is None:  # the calls app is always installed; this is a start-up order error
        raise RuntimeError("calls has not registered its links with dispatch (calls.apps.CallsConfig.ready)")
    return _links
