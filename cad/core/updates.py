"""One way for a service to take a partial update: a table of cleaners, one per field it lets change.

    clean = clean_changes(changes, {"make": text("make", 60), "year": _year, ...})

Each given field is cleaned by its cleaner (which raises `Invalid` for bad input, naming the field); a
field the table does not list is `Invalid` ("Cannot be changed."), all of them at once. Cleaners run in
the order the changes were given, so the first bad field answers. The service then sets the clean
values, saves `update_fields=[*clean, ...]` and publishes.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from cad.core.errors import Invalid

Cleaner = Callable[[Any], Any]


def clean_changes(changes: Mapping[str, Any], cleaners: Mapping[str, Cleaner]) -> dict[str, Any]:
    unknown = sorted(set(changes) - set(cleaners))
    if unknown:
        raise Invalid({name: ["Cannot be changed."] for name in unknown})
    return {name: cleaners[name](value) for name, value in changes.items()}


def apply(row: Any, clean: Mapping[str, Any]) -> list[str]:
    """Set the clean values on `row`; returns the field names (for `save(update_fields=...)`)."""
    for name, value in clean.items():
        setattr(row, name, value)
    return list(clean)
