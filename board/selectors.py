"""What the board shows, each region in a fixed number of queries whatever the number of calls or units."""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from announcements.selectors import active_announcements
from bolos.selectors import active_bolos
from cad.core.models import CallType, StatusCode
from calls.choices import ENDED_STATUSES, OPEN_STATUSES, CallApproval, CallOrigin
from calls.models import Call, CallAssignment, CallNote
from calls.selectors import active_panics
from dispatch.choices import UnitJob
from dispatch.models import Unit
from dispatch.selectors import active_dispatchers, active_tones

# Minutes a call may stay in a status before the queue flags it overdue.
OVERDUE_MINUTES = {"pending": 2, "assigned": 5, "enroute": 10, "on-scene": 30}
CHIP_LIMIT = 3  # assigned units shown on a queue row before "+N more"
GROUP_ORDER = (("police", "Police"), ("fire", "Fire"), ("ems", "EMS"), ("tow", "Tow"))


def _assignments() -> Prefetch:
    return Prefetch("assignments", queryset=CallAssignment.objects.all_communities()
                    .select_related("unit").order_by("assigned_at"))


def _board_calls(community) -> QuerySet[Call]:
    return (Call.objects.for_community(community).filter(archived_at__isnull=True)
            .exclude(approval=CallApproval.PENDING).select_related("panic").prefetch_related(_assignments()))


def queue_calls(community) -> list[Call]:
    """Every open call: most urgent first, then oldest first (two queries)."""
    return list(_board_calls(community).filter(status__in=OPEN_STATUSES).order_by("priority", "created_at"))


def queue_call(community, call_id) -> Call | None:
    """One call as the queue shows it, or None when it is not (or no longer) on the queue."""
    return _board_calls(community).filter(status__in=OPEN_STATUSES, pk=call_id).first()


def closed_calls(community, *, limit: int = 6) -> list[Call]:
    return list(_board_calls(community).filter(status__in=ENDED_STATUSES).order_by("-closed_at")[:limit])


def incident(community, call_id) -> Call | None:
    """The selected call in full: narrative, units, attached people and vehicles."""
    return (Call.objects.for_community(community).filter(pk=call_id, archived_at__isnull=True)
            .exclude(approval=CallApproval.PENDING)
            .select_related("panic", "scene_commander", "created_by")
            .prefetch_related(
                Prefetch("assignments", queryset=CallAssignment.objects.all_communities()
                         .select_related("unit", "unit__status_code").order_by("assigned_at")),
                Prefetch("notes", queryset=CallNote.objects.all_communities().order_by("created_at")),
                "attached_civilians", "attached_vehicles")
            .first())


@dataclass
class UnitGroup:
    key: str
    label: str
    units: list[Unit] = field(default_factory=list)


def unit_groups(community) -> list[UnitGroup]:
    """On-duty units by department type (Police, Fire, EMS, Tow), callsign order, with their current call."""
    groups = OrderedDict((key, UnitGroup(key, label)) for key, label in GROUP_ORDER)
    units = (Unit.objects.for_community(community).filter(on_duty=True)
             .select_related("status_code", "current_call", "department", "character").order_by("name"))
    for unit in units:
        groups.get(unit.job, groups[UnitJob.POLICE]).units.append(unit)
    return list(groups.values())


def assignable_units(community) -> list[Unit]:
    return list(Unit.objects.for_community(community).filter(on_duty=True).only("id", "name", "state", "job")
                .order_by("name"))


def status_codes(community) -> list[StatusCode]:
    return list(StatusCode.objects.for_community(community).filter(archived_at__isnull=True)
                .order_by("position", "code"))


def with_current_codes(groups: list[UnitGroup], codes: list[StatusCode]) -> list[UnitGroup]:
    """`unit.current_code_id`: its status code, else the first code that means its state (what the
    units column's status picker shows as selected)."""
    by_meaning: dict[str, StatusCode] = {}
    for code in codes:
        by_meaning.setdefault(code.meaning, code)
    for group in groups:
        for unit in group.units:
            fallback = by_meaning.get(unit.state)
            unit.current_code_id = unit.status_code_id or (fallback.pk if fallback else None)  # type: ignore[attr-defined]
    return groups


def call_types(community) -> list[CallType]:
    return list(CallType.objects.for_community(community).filter(archived_at__isnull=True).order_by("name"))


def is_overdue(call: Call, now: datetime) -> bool:
    minutes = OVERDUE_MINUTES.get(call.status)
    since = call.last_activity_at or call.created_at
    return minutes is not None and (now - since).total_seconds() > minutes * 60


def decorate(calls: list[Call], community, now: datetime | None = None) -> list[Call]:
    """Attributes the row template reads (no queries).

    Set on the instances the way `.annotate()` sets its values, so the stubs do not know them."""
    now = now or timezone.now()
    for call in calls:
        units = list(call.assignments.all())
        call.chips = units[:CHIP_LIMIT]  # type: ignore[attr-defined]
        call.more_units = max(0, len(units) - CHIP_LIMIT)  # type: ignore[attr-defined]
        call.unassigned = not units  # type: ignore[attr-defined]
        call.is_911 = call.origin == CallOrigin.CALLER  # type: ignore[attr-defined]
        call.is_panic = _has_panic(call)  # type: ignore[attr-defined]
        call.is_signal100 = bool(community.signal100 and community.signal100_call_id == call.pk)  # type: ignore[attr-defined]
        call.overdue = call.status in OVERDUE_MINUTES and is_overdue(call, now)  # type: ignore[attr-defined]
    return calls


def _has_panic(call: Call) -> bool:
    try:
        return call.panic is not None
    except Call.panic.RelatedObjectDoesNotExist:
        return False


def header(community, user) -> dict:
    dispatchers = list(active_dispatchers(community))
    return {
        "announcements": list(active_announcements(community)),
        "dispatchers": dispatchers,
        "i_am_active": any(d.user_id == user.pk for d in dispatchers),
        "tones": list(active_tones(community).order_by("type")),
    }


def bolos(community, user) -> list:
    rows = list(active_bolos(community).prefetch_related("viewed_by"))
    for bolo in rows:
        bolo.viewed_by_me = any(u.pk == user.pk for u in bolo.viewed_by.all())  # type: ignore[attr-defined]
    return rows


def panics(community) -> list:
    return list(active_panics(community).select_related("call"))


def attach_candidates(community, query: str) -> tuple[list, list]:
    """People (by licence number, or first and last name) and vehicles (by plate) matching what a
    dispatcher typed to attach to a call; at most a few of each, exact matches first."""
    from django.db.models import Q, Value
    from django.db.models.functions import Concat

    from characters.models import Character
    from characters.selectors import vehicle_for_plate

    text = " ".join(query.split())
    if not text:
        return [], []
    people = list(Character.objects.for_community(community).filter(archived_at__isnull=True)
                  .annotate(full=Concat("first_name", Value(" "), "last_name"))
                  .filter(Q(license_number__iexact=text) | Q(full__iexact=text))[:5])
    vehicle = vehicle_for_plate(community, text)
    return people, [vehicle] if vehicle is not None else []
