"""Call enums and the lossless mappings between the dialects' spellings."""

from typing import NamedTuple

from django.db import models


class CallStatus(models.TextChoices):
    """000's lifecycle; 003/004 `active` maps to `assigned`."""

    PENDING = "pending", "Pending"
    ASSIGNED = "assigned", "Assigned"
    ENROUTE = "enroute", "En route"
    ON_SCENE = "on-scene", "On scene"
    CLOSED = "closed", "Closed"
    CANCELLED = "cancelled", "Cancelled"

    @property
    def color(self) -> str:
        return STATUS_COLORS[self.value]


STATUS_COLORS = {"pending": "#f59e0b", "assigned": "#3b82f6", "enroute": "#6366f1", "on-scene": "#ef4444",
                 "closed": "#6b7280", "cancelled": "#9ca3af"}
OPEN_STATUSES = (CallStatus.PENDING, CallStatus.ASSIGNED, CallStatus.ENROUTE, CallStatus.ON_SCENE)
ENDED_STATUSES = (CallStatus.CLOSED, CallStatus.CANCELLED)


class CallPriority(models.IntegerChoices):
    """Canonical scale: 1 high, 2 normal/medium, 3 low (002 and 004 integers; 003 "1"/"2"/"3")."""

    HIGH = 1, "High"
    NORMAL = 2, "Normal"
    LOW = 3, "Low"


PRIORITY_TO_WORD = {1: "high", 2: "normal", 3: "low"}  # 000
WORD_TO_PRIORITY = {"high": 1, "normal": 2, "medium": 2, "low": 3}


class CallOrigin(models.TextChoices):
    """002's ORIGIN enum (integers 0-3 in that dialect)."""

    CALLER = "CALLER", "Caller (911)"
    RADIO_DISPATCH = "RADIO DISPATCH", "Radio dispatch"
    OBSERVED = "OBSERVED", "Observed"
    WALK_UP = "WALK_UP", "Walk-up"


ORIGIN_FROM_INT = {0: CallOrigin.CALLER, 1: CallOrigin.RADIO_DISPATCH, 2: CallOrigin.OBSERVED, 3: CallOrigin.WALK_UP}


class CallApproval(models.TextChoices):
    """001's 911-call approval (community setting `call911_approval`): `none` never needed it."""

    NONE = "none", "Not needed"
    PENDING = "pending", "Awaiting approval"
    APPROVED = "approved", "Approved"
    DECLINED = "declined", "Declined"


class CallerStatus(NamedTuple):
    """What the person who called 911 is told about their call: a code, the words, and a tone (ok, warn,
    danger, muted: the colour beside the words)."""

    code: str
    label: str
    tone: str


_CALLER_STATUS = {
    "pending": CallerStatus("received", "Received, waiting for a unit", "warn"),
    "assigned": CallerStatus("assigned", "Unit assigned", "ok"),
    "enroute": CallerStatus("enroute", "Unit en route", "ok"),
    "on-scene": CallerStatus("on-scene", "Unit on scene", "ok"),
    "closed": CallerStatus("closed", "Closed", "muted"),
    "cancelled": CallerStatus("cancelled", "Cancelled", "muted"),
}
CALLER_STATUS_CODES = ("awaiting-approval", "declined", *(s.code for s in _CALLER_STATUS.values()))


def caller_status(*, status: str, approval: str, archived: bool) -> CallerStatus:
    """The caller's view of a call (the /911 page and `my-911-call-updated`): nothing of the board's own
    words, only whether dispatch took it, whether help is coming, and whether it is over."""
    if approval == CallApproval.PENDING:
        return CallerStatus("awaiting-approval", "Awaiting approval", "warn")
    if approval == CallApproval.DECLINED:
        return CallerStatus("declined", "Declined", "danger")
    if archived and status not in ENDED_STATUSES:
        return _CALLER_STATUS["closed"]  # deleted or expired while open: over, as far as the caller knows
    return _CALLER_STATUS.get(status, _CALLER_STATUS["pending"])


class AssignmentState(models.TextChoices):
    ASSIGNED = "assigned", "Assigned"
    ENROUTE = "enroute", "En route"
    ON_SCENE = "on_scene", "On scene"


# Status spellings: 003 and 004 say `active` where 000 says `assigned`; 002 uses integers.
STATUS_ALIASES = {"active": CallStatus.ASSIGNED, "on_scene": CallStatus.ON_SCENE, "onscene": CallStatus.ON_SCENE,
                  "en-route": CallStatus.ENROUTE, "ended": CallStatus.CLOSED, "canceled": CallStatus.CANCELLED}
STATUS_FROM_INT = {0: CallStatus.PENDING, 1: CallStatus.ASSIGNED, 2: CallStatus.CLOSED}  # 002
STATUS_TO_ACTIVE_DIALECT = {CallStatus.ASSIGNED: "active"}  # 003 and 004 output
ALLOWED_STATUS_TEXT = ", ".join(s.value for s in CallStatus) + " (or active)"
ALLOWED_PRIORITY_TEXT = "low, normal, high (or 1, 2, 3)"


def parse_priority(value) -> int:
    """Any dialect's priority (000 word, 003 string digit, 002/004 integer) → canonical 1-3."""
    if isinstance(value, bool):
        raise ValueError(f'"{value}" is not a priority; use one of: {ALLOWED_PRIORITY_TEXT}.')
    if isinstance(value, int) and value in (1, 2, 3):
        return value
    if isinstance(value, str):
        text = value.strip().lower()
        if text in WORD_TO_PRIORITY:
            return WORD_TO_PRIORITY[text]
        if text in ("1", "2", "3"):
            return int(text)
    raise ValueError(f'"{value}" is not a priority; use one of: {ALLOWED_PRIORITY_TEXT}.')


def parse_status(value) -> CallStatus:
    """000's lifecycle or 003/004's `active` → CallStatus."""
    if isinstance(value, str):
        text = value.strip().lower()
        if text in CallStatus.values:
            return CallStatus(text)
        if text in STATUS_ALIASES:
            return STATUS_ALIASES[text]
    raise ValueError(f'"{value}" is not a call status; use one of: {ALLOWED_STATUS_TEXT}.')


def parse_origin(value) -> CallOrigin:
    """002's integers 0-3 or the enum names (CALLER, RADIO DISPATCH, OBSERVED, WALK_UP)."""
    if isinstance(value, int) and not isinstance(value, bool) and value in ORIGIN_FROM_INT:
        return ORIGIN_FROM_INT[value]
    if isinstance(value, str):
        text = value.strip().upper().replace("_", " ")
        if text.isdigit() and int(text) in ORIGIN_FROM_INT:
            return ORIGIN_FROM_INT[int(text)]
        for origin in CallOrigin:
            if text == origin.value.replace("_", " "):
                return origin
    allowed = ", ".join(o.value for o in CallOrigin)
    raise ValueError(f'"{value}" is not a call origin; use one of: {allowed} (or 0-3).')


def status_for_dialect(status: str) -> str:
    """The status as 003 and 004 spell it (`assigned` → `active`)."""
    return STATUS_TO_ACTIVE_DIALECT.get(status, status)
