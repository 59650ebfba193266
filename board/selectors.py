"""What the board shows, each region in a fixed number of queries whatever the number of calls or units."""

from __future__ import annotations

import uuid
from collections import OrderedDict, defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, TypedDict

from django.db.models import Prefetch, QuerySet
from django.urls import reverse
from django.utils import timezone

from announcements.models import Announcement
from announcements.selectors import active_announcements
from bolos.models import Bolo
from bolos.selectors import active_bolos
from cad.core.models import CallType, StatusCode
from calls.choices import ENDED_STATUSES, OPEN_STATUSES, CallApproval, CallOrigin
from calls.models import Call, CallAssignment, CallNote, PanicAlert
from calls.selectors import active_panics
from dispatch.choices import UnitJob, UnitState
from dispatch.models import ActiveDispatcher, DispatchState, Tone, Unit

if TYPE_CHECKING:
    from characters.models import Character, Vehicle
from dispatch.selectors import active_dispatchers, active_tones, dispatch_state

CHIP_LIMIT = 3  # assigned units shown on a queue row before "+N more"
GROUP_ORDER = (("police", "Police"), ("fire", "Fire"), ("ems", "EMS"), ("tow", "Tow"))


def _board_calls(community) -> QuerySet[Call]:
    # A row never shows a call's long text or metadata: loading (and, for the JSON, decoding) what no row
    # reads was a good part of a 200-call render. Assigned callsigns come with the rows (`call_rows`).
    return (Call.objects.for_community(community).live()
            .exclude(approval=CallApproval.PENDING).select_related("panic")
            .defer("description", "closing_notes", "metadata"))


def queue_calls(community) -> list[Call]:
    """Every open call: most urgent first, then oldest first (one query; `call_rows` adds a second)."""
    return list(_board_calls(community).filter(status__in=OPEN_STATUSES).order_by("priority", "created_at"))


def queue_call(community, call_id) -> Call | None:
    """One call as the queue shows it, or None when it is not (or no longer) on the queue."""
    return _board_calls(community).filter(status__in=OPEN_STATUSES, pk=call_id).first()


def closed_calls(community, *, limit: int = 6) -> list[Call]:
    return list(_board_calls(community).filter(status__in=ENDED_STATUSES).order_by("-closed_at")[:limit])


def incident(community, call_id) -> Call | None:
    """The selected call in full: narrative, units, attached people and vehicles."""
    return (Call.objects.for_community(community).filter(pk=call_id).live()
            .exclude(approval=CallApproval.PENDING)
            .select_related("panic", "scene_commander", "created_by")
            .prefetch_related(
                Prefetch("assignments", queryset=CallAssignment.objects.all_communities()
                         .select_related("unit", "unit__status_code").order_by("assigned_at")),
                Prefetch("notes", queryset=CallNote.objects.all_communities().order_by("created_at")),
                "attached_civilians", "attached_vehicles")
            .first())


@dataclass(frozen=True, slots=True)
class UnitRow:
    """A unit as the units column shows it. Plain values read in one query: 300 units as model instances
    (with their character, status code and call) were a third of the page's render.

    `code` is the status picker's value for the unit: its status code, else the first code that means its
    state, else the state itself when the community has no codes."""

    id: uuid.UUID
    callsign: str
    person: str
    state: str
    state_label: str
    status_code: str
    call_number: int | None
    since: datetime  # when its status last changed
    code: str


@dataclass
class UnitGroup:
    key: str
    label: str
    rows: list[UnitRow] = field(default_factory=list)


def unit_groups(community, codes: list[StatusCode]) -> list[UnitGroup]:
    """On-duty units by department type (Police, Fire, EMS, Tow), callsign order, with their current call."""
    by_meaning: dict[str, str] = {}
    for code in codes:
        by_meaning.setdefault(code.meaning, code.code)
    labels = dict(UnitState.choices)
    groups = OrderedDict((key, UnitGroup(key, label)) for key, label in GROUP_ORDER)
    units = (Unit.objects.for_community(community).filter(on_duty=True).order_by("name")
             .values_list("id", "name", "job", "state", "status_code__code", "current_call__number",
                          "character__first_name", "character__last_name", "status_changed_at"))
    for pk, name, job, state, code, number, first, last, since in units:
        row = UnitRow(id=pk, callsign=name, person=f"{first or ''} {last or ''}".strip(), state=state,
                      state_label=labels.get(state, state), status_code=code or "", call_number=number,
                      since=since,
                      code=code or by_meaning.get(state, "" if codes else state))
        groups.get(job, groups[UnitJob.POLICE]).rows.append(row)
    return list(groups.values())


def assignable_units(community) -> list[Unit]:
    return list(Unit.objects.for_community(community).filter(on_duty=True).only("id", "name", "state", "job")
                .order_by("name"))


def status_codes(community) -> list[StatusCode]:
    return list(StatusCode.objects.for_community(community).live()
                .order_by("position", "code"))


def call_types(community) -> list[CallType]:
    return list(CallType.objects.for_community(community).live().order_by("name"))


def overdue_at(call: Call, thresholds: dict) -> datetime | None:
    """When the call becomes overdue in its current status: its status change plus the community's
    threshold for that status (`Community.overdue_minutes`); None when that status has none."""
    minutes = thresholds.get(call.status) if isinstance(thresholds, dict) else None
    if not isinstance(minutes, int) or isinstance(minutes, bool):
        return None
    return call.status_changed_at + timedelta(minutes=minutes)


@dataclass(frozen=True, slots=True)
class CallRow:
    """A call as a queue or closed-calls row shows it, with the flags worked out once (no queries)."""

    call: Call
    chips: list[str]  # the first CHIP_LIMIT assigned callsigns
    more_units: int
    unassigned: bool
    is_911: bool
    is_panic: bool
    is_signal100: bool
    overdue: bool
    overdue_at: datetime | None  # the page flags the row itself once this passes
    incident_url: str  # the incident fragment (htmx)
    page_url: str  # the board with this call selected (a link that works without script)


class _CallUrls:
    """The two addresses every row links to, reversed once per render rather than twice per row
    (`{% url %}` for 200 rows was a tenth of the queue's render)."""

    def __init__(self) -> None:
        self._incident = reverse("board-incident", args=[_PLACEHOLDER])
        self._page = reverse("dispatch") + "?call="

    def incident(self, call_id) -> str:
        return self._incident.replace(str(_PLACEHOLDER), str(call_id))

    def page(self, call_id) -> str:
        return f"{self._page}{call_id}"


_PLACEHOLDER = uuid.UUID(int=0)


def _signal100_call(community, dispatch: DispatchState | None) -> uuid.UUID | None:
    """The call Signal 100 is declared for, if it is on and for a call."""
    dispatch = dispatch or dispatch_state(community)
    return dispatch.signal100_call_id if dispatch.signal100 else None


def call_row(call: Call, community, now: datetime, *, names: list[str] | None = None,
             urls: _CallUrls | None = None, dispatch: DispatchState | None = None) -> CallRow:
    """`names`: the assigned callsigns in assignment order, else read from the call's (prefetched)
    assignments. `dispatch`: the community's dispatch state when the caller has read it already."""
    urls = urls or _CallUrls()
    signal100_call_id = _signal100_call(community, dispatch)
    due = overdue_at(call, community.overdue_minutes) if call.status in OPEN_STATUSES else None
    if names is None:
        names = [a.unit.name for a in call.assignments.all()]
    return CallRow(
        call=call, chips=names[:CHIP_LIMIT], more_units=max(0, len(names) - CHIP_LIMIT), unassigned=not names,
        is_911=call.origin == CallOrigin.CALLER, is_panic=_has_panic(call),
        is_signal100=signal100_call_id is not None and signal100_call_id == call.pk,
        overdue=due is not None and now > due, overdue_at=due, incident_url=urls.incident(call.pk),
        page_url=urls.page(call.pk))


def call_rows(calls: list[Call], community, now: datetime | None = None, *,
              dispatch: DispatchState | None = None) -> list[CallRow]:
    """The rows for these calls, with their assigned callsigns read in one query."""
    now = now or timezone.now()
    urls = _CallUrls()
    dispatch = dispatch or dispatch_state(community)
    names: dict[uuid.UUID, list[str]] = defaultdict(list)
    if calls:
        assigned = (CallAssignment.objects.for_community(community).filter(call__in=[c.pk for c in calls])
                    .order_by("assigned_at").values_list("call_id", "unit__name"))
        for call_id, name in assigned:
            names[call_id].append(name)
    return [call_row(call, community, now, names=names[call.pk], urls=urls, dispatch=dispatch) for call in calls]


def _has_panic(call: Call) -> bool:
    try:
        return call.panic is not None
    except Call.panic.RelatedObjectDoesNotExist:
        return False


class Header(TypedDict):
    """The board's header region (announcements, dispatchers, tones, area of play and Signal 100)."""

    announcements: list[Announcement]
    dispatchers: list[ActiveDispatcher]
    i_am_active: bool
    tones: list[Tone]
    dispatch: DispatchState


def header(community, user) -> Header:
    dispatchers = list(active_dispatchers(community))
    return {
        "announcements": list(active_announcements(community)),
        "dispatchers": dispatchers,
        "i_am_active": any(d.user_id == user.pk for d in dispatchers),
        "tones": list(active_tones(community).order_by("type")),
        "dispatch": dispatch_state(community),
    }


@dataclass(frozen=True, slots=True)
class BoloRow:
    bolo: Bolo
    viewed_by_me: bool


def bolos(community, user) -> list[BoloRow]:
    return [BoloRow(bolo, any(u.pk == user.pk for u in bolo.viewed_by.all()))
            for bolo in active_bolos(community).prefetch_related("viewed_by")]


def panics(community) -> list[PanicAlert]:
    return list(active_panics(community).select_related("call"))


def attach_candidates(community, query: str) -> tuple[list[Character], list[Vehicle]]:
    """People (by licence number, or first and last name) and vehicles (by plate) matching what a
    dispatcher typed to attach to a call; at most a few of each, exact matches first."""
    from django.db.models import Q, Value
    from django.db.models.functions import Concat

    from characters.models import Character
    from characters.selectors import vehicle_for_plate

    text = " ".join(query.split())
    if not text:
        return [], []
    people = list(Character.objects.for_community(community).live()
                  .annotate(full=Concat("first_name", Value(" "), "last_name"))
                  .filter(Q(license_number__iexact=text) | Q(full__iexact=text))[:5])
    vehicle = vehicle_for_plate(community, text)
    return people, [vehicle] if vehicle is not None else []
