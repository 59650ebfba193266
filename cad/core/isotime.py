"""One way to write a moment on the wire: ISO 8601 in UTC, milliseconds, `Z` (`2026-01-15T14:32:00.000Z`),
as 003's examples do. Events, payloads and stamps use `iso()`; DRF's own datetime fields follow
`REST_FRAMEWORK["DATETIME_FORMAT"]`. Dates (a date of birth) are `YYYY-MM-DD`."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import overload

from django.utils import timezone


@overload
def iso(value: datetime | date | float | int) -> str: ...
@overload
def iso(value: None) -> None: ...
@overload
def iso(value: datetime | date | float | int | None) -> str | None: ...


def iso(value: datetime | date | float | int | None) -> str | None:
    """A datetime (naive ones are taken as UTC), epoch seconds, or a date; None stays None."""
    if value is None:
        return None
    if isinstance(value, int | float):
        value = datetime.fromtimestamp(value, UTC)
    elif not isinstance(value, datetime):
        return value.isoformat()
    elif timezone.is_naive(value):
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def now_iso() -> str:
    return iso(timezone.now())
