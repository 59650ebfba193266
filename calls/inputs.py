"""What a call is made of, as clean typed values: `CallInput` for a new call, `CHANGE_CLEANERS` for a partial
update (through `cad.core.updates`). Every edge builds one from its wire (each dialect's serializer, the
Sonoran handlers, the board's form and command line, the /911 page); `calls.services` then checks only
what needs the database (call types, units, the community of a department).

The field rules live here once: text within its column, coordinates as numbers, and every dialect's
spelling of priority, status and origin read through `calls.choices` (so an edge may pass 000's "high",
003's "1" or 002's 1 and the value object holds 1). A bad value is `Invalid` naming the field.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, fields
from typing import Any

from cad.core.errors import Invalid
from cad.core.models import Department, Division
from cad.core.updates import Cleaner

from .choices import CallOrigin, CallStatus, parse_origin, parse_priority, parse_status
from .models import Call


def _invalid(name: str, message: str) -> Invalid:
    return Invalid({name: [message]})


def _text(name: str) -> Cleaner:
    limit = getattr(Call._meta.get_field(name), "max_length", None)

    def clean(value: Any) -> str:
        if value is None:  # scripts send null for text they do not have
            return ""
        if not isinstance(value, str):
            raise _invalid(name, "Text.")
        if limit and len(value) > limit:
            raise _invalid(name, f"At most {limit} characters.")
        return value

    return clean


def _number(name: str) -> Cleaner:
    def clean(value: Any) -> float | None:
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise _invalid(name, "A number.")
        return float(value)

    return clean


def _parsed(name: str, parser: Callable[[Any], Any], *, optional: bool = False) -> Cleaner:
    def clean(value: Any) -> Any:
        if value is None and optional:
            return None
        try:
            return parser(value)
        except ValueError as exc:
            raise _invalid(name, str(exc)) from None

    return clean


def _object(value: Any) -> dict:
    if not isinstance(value, dict):
        raise _invalid("metadata", "An object.")
    return value


def _as_is(value: Any) -> Any:
    return value


TEXT_FIELDS = ("call_type", "situation_code", "title", "code", "location", "block", "postal", "caller")

# The fields a call's update may change, each with its rule (`cad.core.updates.clean_changes`). The call
# type (by name or ID) and the department/division are resolved or checked against the call's community
# by the service.
CHANGE_CLEANERS: dict[str, Cleaner] = {
    **{name: _text(name) for name in TEXT_FIELDS},
    "description": _text("description"),
    "x": _number("x"), "y": _number("y"), "z": _number("z"),
    "priority": _parsed("priority", parse_priority),
    "status": _parsed("status", parse_status),
    "origin": _parsed("origin", parse_origin),
    "metadata": _object,
    "call_type_id": _as_is, "department": _as_is, "division": _as_is,
}


@dataclass(frozen=True, kw_only=True, slots=True)
class NoteInput:
    """A note given with a new call: 000's text, or 002's {label, type, content}."""

    text: str
    label: str = ""
    kind: str = "text"


def _notes(value: Iterable[Any]) -> tuple[NoteInput, ...]:
    notes = tuple(value)
    if not all(isinstance(note, NoteInput) for note in notes):
        raise _invalid("notes", "Each note is a NoteInput.")
    return notes


def _unit_refs(value: Iterable[Any]) -> tuple[str, ...]:
    return tuple(str(ref).strip() for ref in value)


# `CallInput`'s own rules where they differ from an update's: a new call may leave priority unset (the
# call type's default applies) and metadata null.
_CREATE_CLEANERS: dict[str, Cleaner] = {
    **CHANGE_CLEANERS,
    "priority": _parsed("priority", parse_priority, optional=True),
    "metadata": lambda value: {} if value is None else _object(value),
    "notes": _notes,
    "unit_refs": _unit_refs,
}


@dataclass(frozen=True, kw_only=True, slots=True)
class CallInput:
    """A new call. `call_type` is a name (a configured type's, case-insensitive, or free text),
    `call_type_id` a configured type's ID (wins over the name); `unit_refs` name units to put on the call by
    ID, by name or by a game API id (002's "STEAM:1234"); unknown ones are reported, not fatal."""

    call_type: str = ""
    call_type_id: uuid.UUID | str | None = None
    situation_code: str = ""
    title: str = ""
    code: str = ""
    location: str = ""
    block: str = ""
    postal: str = ""
    x: float | None = None
    y: float | None = None
    z: float | None = None
    caller: str = ""
    description: str = ""
    origin: str = CallOrigin.CALLER
    priority: int | None = None
    status: str = CallStatus.PENDING
    metadata: dict = field(default_factory=dict)
    notes: tuple[NoteInput, ...] = ()
    unit_refs: tuple[str, ...] = ()
    department: Department | None = None
    division: Division | None = None

    def __post_init__(self) -> None:
        # Frozen: the cleaned values are set once, here, so a built CallInput is always a clean one.
        for f in fields(self):
            object.__setattr__(self, f.name, _CREATE_CLEANERS[f.name](getattr(self, f.name)))
