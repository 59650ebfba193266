"""The board's pages and actions. Views translate: a form in, a service call, a fragment out.

Every action answers an htmx request with the fragment it changed (422 with the form and its errors on
bad input, nothing changed) and a plain form post with a redirect back to the board. Other boards learn
about the change from the service's events, never from this response.
"""

from __future__ import annotations

import json
import uuid

from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from bolos.models import Bolo
from bolos.services import bolo_mark_viewed
from cad.core.choices import Role
from cad.core.errors import DomainError, Invalid, NotFound
from cad.core.forms import add_domain_error
from calls import services as calls
from calls.inputs import CallInput
from calls.models import Call, PanicAlert
from dispatch import services as units_service
from dispatch.choices import UnitState
from dispatch.models import Unit
from web.access import community_object_or_404, has_role, page, require_role
from web.sounds import sound_settings

from . import selectors
from .commands import run_command
from .forms import (
    AopForm,
    AssignForm,
    AttachForm,
    CallStatusForm,
    CloseCallForm,
    EditCallForm,
    NewCallForm,
    NoteForm,
    ToneForm,
    UnitStatusForm,
)
from .suggestions import nearest_units

UNIT_PLACEHOLDER = uuid.UUID(int=0)  # the shared unit-status picker's address, filled in by board.js
INVALID = 422  # htmx swaps it (see htmx-config in web/base.html); the form shows its errors


def _call(request, call_id) -> Call:
    return community_object_or_404(Call.objects.for_community(request.community).live(),
                                   pk=call_id)


def _unit(request, unit_id) -> Unit:
    return community_object_or_404(Unit.objects.for_community(request.community), pk=unit_id)


def _can_dispatch(request) -> bool:
    return has_role(request, Role.DISPATCHER)


def _back(request, call_id=None):
    url = reverse("dispatch")
    return redirect(f"{url}?call={call_id}" if call_id else url)


# -- reads ---------------------------------------------------------------------------------------------
@require_GET
@page(Role.OFFICER)
def board(request):
    community = request.community
    now = timezone.now()
    selected = None
    wanted = request.GET.get("call")
    if wanted:
        selected = selectors.incident(community, wanted) if _is_uuid(wanted) else None
        if selected is None:
            raise Http404("No such call.")
    codes = selectors.status_codes(community)
    header = selectors.header(community, request.user)
    context = {
        "live": True,
        "now": now,
        "queue": selectors.call_rows(selectors.queue_calls(community), community, now, dispatch=header["dispatch"]),
        "closed": selectors.call_rows(selectors.closed_calls(community), community, now, dispatch=header["dispatch"]),
        "groups": selectors.unit_groups(community, codes),
        "bolos": selectors.bolos(community, request.user),
        "panics": selectors.panics(community),
        "call_types": selectors.call_types(community),
        "status_codes": codes,
        "unit_states": UnitState.choices,
        "unit_placeholder": UNIT_PLACEHOLDER,
        **sound_settings(community),
        "new_call_form": NewCallForm(),
        "can_dispatch": _can_dispatch(request),
        "is_admin": has_role(request, Role.ADMIN),
        "tone_form": ToneForm(),
        **header,
        "aop_form": AopForm(initial={"aop": header["dispatch"].area_of_play}),
        **(_incident_context(request, selected) if selected else {}),
    }
    return render(request, "board/board.html", context)


def _is_uuid(value) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


def _incident_context(request, call: Call, **forms) -> dict:
    community = request.community
    assigned_ids = {a.unit_id for a in call.assignments.all()}
    return {
        "call": call,
        "call_flags": selectors.call_row(call, community, timezone.now()),
        "assignable": [u for u in selectors.assignable_units(community) if u.pk not in assigned_ids],
        "note_form": forms.get("note_form") or NoteForm(),
        "assign_form": forms.get("assign_form") or AssignForm(),
        "status_form": forms.get("status_form") or CallStatusForm(initial={"status": call.status}),
        "close_form": forms.get("close_form") or CloseCallForm(),
        "attach_form": forms.get("attach_form") or AttachForm(),
        "edit_form": forms.get("edit_form") or EditCallForm(initial={
            "call_type": call.call_type, "title": call.title, "location": call.location, "postal": call.postal,
            "priority": call.priority, "caller": call.caller, "description": call.description,
            "version": call.updated_at}),
        "edit_open": "edit_form" in forms,
        "close_open": "close_form" in forms,
        "can_dispatch": _can_dispatch(request),
        "is_admin": has_role(request, Role.ADMIN),
        "my_units": _my_unit_ids(request),
        "now": timezone.now(),
    }


def _my_unit_ids(request) -> set:
    return set(Unit.objects.for_community(request.community).filter(user=request.user, on_duty=True)
               .values_list("pk", flat=True))


def _render_incident(request, call_id, status: int = 200, **forms):
    call = selectors.incident(request.community, call_id)
    if call is None:
        raise Http404("No such call.")
    return render(request, "board/parts/incident.html", _incident_context(request, call, **forms), status=status)


@require_GET
@page(Role.OFFICER)
def incident(request, call_id):
    if not request.htmx:
        return _back(request, call_id)
    return _render_incident(request, call_id)


@require_GET
@page(Role.OFFICER)
def queue_row(request, call_id):
    call = selectors.queue_call(request.community, call_id)
    if call is None:
        if not Call.objects.for_community(request.community).filter(pk=call_id).exists():
            raise Http404("No such call.")
        return HttpResponse(status=204)  # closed, cancelled or deleted: the page removes its row
    now = timezone.now()
    return render(request, "board/parts/queue_row.html", {
        "row": selectors.call_rows([call], request.community, now)[0], "now": now})


# -- the board's regions, each re-rendered alone (htmx refreshes one on its events) -------------------------
def _queue(request):
    now = timezone.now()
    calls_ = selectors.call_rows(selectors.queue_calls(request.community), request.community, now)
    return render(request, "board/parts/queue.html", {"queue": calls_, "now": now})


def _closed(request, status: int = 200):
    now = timezone.now()
    rows = selectors.call_rows(selectors.closed_calls(request.community), request.community, now)
    return render(request, "board/parts/closed.html", {"closed": rows, "now": now,
                                                       "is_admin": has_role(request, Role.ADMIN)}, status=status)


def _units(request, status: int = 200):
    codes = selectors.status_codes(request.community)
    return render(request, "board/parts/units.html", {
        "groups": selectors.unit_groups(request.community, codes), "can_dispatch": _can_dispatch(request), "now": timezone.now()},
        status=status)


def _header(request, aop_form=None, tone_form=None, status: int = 200):
    header = selectors.header(request.community, request.user)
    return render(request, "board/parts/header.html", {
        **header, "can_dispatch": _can_dispatch(request),
        "aop_form": aop_form or AopForm(initial={"aop": header["dispatch"].area_of_play}),
        "tone_form": tone_form or ToneForm()}, status=status)


def _panics(request):
    return render(request, "board/parts/panics.html", {"panics": selectors.panics(request.community),
                                                       "can_dispatch": _can_dispatch(request)})


def _bolos(request):
    return render(request, "board/parts/bolos.html", {"bolos": selectors.bolos(request.community, request.user)})


PARTS = {"queue": _queue, "closed": _closed, "units": _units, "header": _header, "panics": _panics,
         "bolos": _bolos}  # /dispatch/<name> (board/urls.py)


@require_GET
@page(Role.OFFICER)
def part(request, name: str):
    return PARTS[name](request)


@require_GET
@page(Role.OFFICER)
def suggestions(request, call_id):
    call = _call(request, call_id)
    return render(request, "board/parts/suggestions.html", {
        "call": call, "suggestions": nearest_units(call), "can_dispatch": _can_dispatch(request)})


# -- call actions ----------------------------------------------------------------------------------------
@require_POST
@page(Role.DISPATCHER)
def call_create(request):
    form = NewCallForm(request.POST)
    if form.is_valid():
        try:
            call = calls.call_create(community=request.community, by_user=request.user,
                                     data=CallInput(**form.cleaned_data))
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            if request.htmx:
                response = _render_incident(request, call.pk)
                response["HX-Trigger"] = json.dumps({"board:call-created": {"callId": str(call.pk)}})
                return response
            return _back(request, call.pk)
    response = render(request, "board/parts/new_call_form.html",
                      {"new_call_form": form, "call_types": selectors.call_types(request.community)}, status=INVALID)
    response["HX-Retarget"] = "#new-call-form-holder"
    response["HX-Reswap"] = "innerHTML"
    return response


def _call_action(request, call_id, form_class, form_name, action, *, minimum=Role.DISPATCHER):
    """Validate `form_class`, run `action(call, cleaned)`, answer with the incident panel."""
    require_role(request, minimum)
    call = _call(request, call_id)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            action(call, form.cleaned_data)
        except NotFound as exc:
            raise Http404(exc.message) from exc
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            return _render_incident(request, call.pk) if request.htmx else _back(request, call.pk)
    return _render_incident(request, call.pk, status=INVALID, **{form_name: form})


@require_POST
@page(Role.DISPATCHER)
def call_note(request, call_id):
    return _call_action(request, call_id, NoteForm, "note_form", lambda call, data: calls.call_add_note(
        call=call, text=data["text"], by_user=request.user))


@require_POST
@page(Role.DISPATCHER)
def call_assign(request, call_id):
    def assign(call, data):
        calls.call_assign_units(call=call, units=[_unit(request, data["unit"])], by=request.user)

    return _call_action(request, call_id, AssignForm, "assign_form", assign)


@require_POST
@page(Role.OFFICER)
def call_attach_self(request, call_id):
    """An officer attaches their own on-duty unit; dispatchers assign others with Assign."""
    call = _call(request, call_id)
    unit = Unit.objects.for_community(request.community).filter(user=request.user, on_duty=True).first()
    if unit is None:
        return HttpResponse("You have no unit on duty.", status=409, content_type="text/plain")
    try:
        calls.call_assign_units(call=call, units=[unit], by=request.user)
    except DomainError as exc:
        return HttpResponse(exc.message, status=409, content_type="text/plain")
    return _render_incident(request, call.pk) if request.htmx else _back(request, call.pk)


@require_POST
@page(Role.DISPATCHER)
def call_attach(request, call_id):
    """Attach a person (licence number or full name) or a vehicle (plate) to the call; exactly one match
    is attached, several or none are a form error naming the problem."""
    def attach(call, data):
        people, vehicles = selectors.attach_candidates(request.community, data["query"])
        matches = [("person", p) for p in people] + [("vehicle", v) for v in vehicles]
        if not matches:
            raise Invalid({"query": ["No person or vehicle matches that name, licence number or plate."]})
        if len(matches) > 1:
            raise Invalid({"query": ["Several people or vehicles match; use the licence number or the plate."]})
        kind, row = matches[0]
        if kind == "person":
            calls.call_attach_civilian(call=call, civilian=row, by=request.user)
        else:
            calls.call_attach_vehicle(call=call, vehicle=row, by=request.user)

    return _call_action(request, call_id, AttachForm, "attach_form", attach)


@require_POST
@page(Role.DISPATCHER)
def call_unassign(request, call_id, unit_id):
    call = _call(request, call_id)
    unit = _unit(request, unit_id)
    try:
        calls.call_remove_unit(call=call, unit=unit, by=request.user)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    except DomainError as exc:
        return HttpResponse(exc.message, status=409, content_type="text/plain")
    return _render_incident(request, call.pk) if request.htmx else _back(request, call.pk)


@require_POST
@page(Role.DISPATCHER)
def call_status(request, call_id):
    return _call_action(request, call_id, CallStatusForm, "status_form", lambda call, data: calls.call_set_status(
        call=call, status=data["status"], by=request.user))


@require_POST
@page(Role.DISPATCHER)
def call_close(request, call_id):
    return _call_action(request, call_id, CloseCallForm, "close_form", lambda call, data: calls.call_close(
        call=call, disposition=data["disposition"], notes=data["notes"], by=request.user))


@require_POST
@page(Role.DISPATCHER)
def call_edit(request, call_id):
    def edit(call, data):
        version = data.pop("version")
        calls.call_update(call=call, by=request.user, if_unchanged_since=version, **data)

    return _call_action(request, call_id, EditCallForm, "edit_form", edit)


@require_POST
@page(Role.DISPATCHER)
def call_scene_command(request, call_id, unit_id):
    call = _call(request, call_id)
    unit = _unit(request, unit_id)
    take = request.POST.get("take", "1") != "0"
    try:
        calls.call_scene_command(call=call, unit=unit, take=take, by=request.user)
    except DomainError as exc:
        return HttpResponse(exc.message, status=409, content_type="text/plain")
    return _render_incident(request, call.pk) if request.htmx else _back(request, call.pk)


@require_POST
@page(Role.ADMIN)
def call_delete(request, call_id):
    """Admins remove a closed call from the board: an archive (the row and its history stay)."""
    call = _call(request, call_id)
    try:
        calls.call_archive(call=call, by=request.user, reason="Deleted from the dispatch board.")
    except DomainError as exc:
        return HttpResponse(exc.message, status=409, content_type="text/plain")
    return _closed(request) if request.htmx else _back(request)


# -- units, panics, header, BOLOs ---------------------------------------------------------------------
@require_POST
@page(Role.DISPATCHER)
def unit_status(request, unit_id):
    unit = _unit(request, unit_id)
    form = UnitStatusForm(request.POST)
    if form.is_valid():
        try:
            units_service.unit_set_status(unit=unit, status=form.cleaned_data["status"], by=request.user)
        except DomainError as exc:
            return HttpResponse(exc.message, status=INVALID, content_type="text/plain")
        return _units(request) if request.htmx else _back(request)
    return HttpResponse("Choose a status.", status=INVALID, content_type="text/plain")


@require_POST
@page(Role.DISPATCHER)
def panic_acknowledge(request, panic_id):
    panic = community_object_or_404(PanicAlert.objects.for_community(request.community), pk=panic_id)
    calls.panic_acknowledge(panic=panic, by=request.user)
    return _panics(request) if request.htmx else _back(request, panic.call_id)


@require_POST
@page(Role.DISPATCHER)
def aop(request):
    form = AopForm(request.POST)
    if form.is_valid():
        try:
            units_service.aop_set(community=request.community, aop=form.cleaned_data["aop"], by=request.user)
        except DomainError as exc:
            add_domain_error(form, exc, field_map={"aop": "aop"})
    if not request.htmx:
        return _back(request)
    if form.errors:
        return _header(request, aop_form=form, status=INVALID)
    return _header(request)


@require_POST
@page(Role.DISPATCHER)
def tone(request):
    """Sound a tone (001): the active LEO and/or EMS-Fire tone now says the description."""
    form = ToneForm(request.POST)
    if form.is_valid():
        try:
            units_service.tone_set(community=request.community, description=form.cleaned_data["description"],
                                   leo=form.cleaned_data["leo"], ems_fd=form.cleaned_data["ems_fd"], by=request.user)
        except DomainError as exc:
            add_domain_error(form, exc, field_map={"leoTone": "leo", "emsFdTone": "ems_fd"})
    if not request.htmx:
        return _back(request)
    if form.errors:
        return _header(request, tone_form=form, status=INVALID)
    return _header(request)


@require_POST
@page(Role.DISPATCHER)
def signal100(request):
    value = request.POST.get("value") == "1"
    units_service.signal100_set(community=request.community, value=value, by=request.user)
    return _header(request) if request.htmx else _back(request)


@require_POST
@page(Role.DISPATCHER)
def active_dispatcher(request):
    value = request.POST.get("value") == "1"
    units_service.dispatcher_set_active(community=request.community, user=request.user, value=value)
    return _header(request) if request.htmx else _back(request)


@require_POST
@page(Role.OFFICER)
def bolo_viewed(request, bolo_id):
    bolo = community_object_or_404(Bolo.objects.for_community(request.community), pk=bolo_id)
    bolo_mark_viewed(bolo=bolo, user=request.user)
    return _bolos(request) if request.htmx else _back(request)


@require_POST
@page(Role.DISPATCHER)
def command(request):
    """The command line: one line in, one result line out (and the call it touched, if any)."""
    result = run_command(request, request.POST.get("line", ""))
    return render(request, "board/parts/command_result.html", {"result": result},
                  status=200 if result.ok else INVALID)
