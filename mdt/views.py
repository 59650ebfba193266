"""The MDT page and its panels. Views parse, call a domain service and render; a domain error becomes a
message in the panel (400), never a 500. An action posted without htmx goes back to /mdt with its
outcome as a message (web.fragments), never to a bare panel."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET, require_POST

from cad.core.choices import Role
from cad.core.errors import DomainError, NotFound
from cad.core.forms import service_errors
from calls import services as call_services
from calls.models import Call
from calls.selectors import call_queryset
from characters.models import Character, Vehicle
from dispatch import services as dispatch_services
from dispatch.selectors import locations
from lookups import selectors as lookup_selectors
from lookups import services as lookup_services
from records import selectors as record_selectors
from records import services as record_services
from web.access import community_object_or_404, page
from web.fragments import fragment_of
from web.sounds import sound_settings

from . import forms, selectors

STATUS_KEYS = "123456789"


def _unit_context(request, *, message: str = "", error: str = "") -> dict:
    character, unit = selectors.officer(request.user, request.community)
    codes = selectors.status_codes(request.community)
    current = unit.status_code_id if unit is not None else None
    return {
        "character": character, "unit": unit, "message": message, "error": error,
        "status_buttons": [{"code": c, "key": STATUS_KEYS[i] if i < len(STATUS_KEYS) else "",
                            "current": c.pk == current} for i, c in enumerate(codes)],
        "responder": character is not None and character.type in ("leo", "ems", "fd"),
    }


def _call_context(request, *, message: str = "", error: str = "") -> dict:
    character, unit = selectors.officer(request.user, request.community)
    call = selectors.my_call(request.community, unit)
    mine = None
    if call is not None:
        mine = next((a for a in call.assignments.all() if a.unit_id == unit.pk), None)
    return {
        "unit": unit, "call": call, "my_assignment": mine,
        "others": [a for a in call.assignments.all() if a.unit_id != unit.pk] if call is not None else [],
        "open_calls": selectors.attachable_calls(request.community, unit), "message": message, "error": error,
    }


@require_GET
@page(Role.OFFICER)
def mdt(request):
    return render(request, "mdt/mdt.html", {
        "live": True, "lookup_form": forms.LookupForm(), **_unit_context(request), **sound_settings(request.community),
        "call_panel": _call_context(request),
        "recent": selectors.recent_lookups(request.community, request.user),
        "bolos": selectors.bolos(request.community),
    })


# --- my unit ------------------------------------------------------------------------------------------
def _unit_panel(request, status: int = 200, **extra) -> HttpResponse:
    return TemplateResponse(request, "mdt/_unit.html", _unit_context(request, **extra), status=status)


@require_GET
@page(Role.OFFICER)
def unit_panel(request):
    return _unit_panel(request)


def _responder_or_error(request):
    character, unit = selectors.officer(request.user, request.community)
    if character is None:
        return None, None, "Pick your active LEO, EMS or FD character first (Characters)."
    if character.type not in ("leo", "ems", "fd"):
        return None, None, f"{character.full_name} is a {character.get_type_display()} character: pick a LEO, EMS or FD one."
    return character, unit, ""


@fragment_of("mdt")
@require_POST
@page(Role.OFFICER)
def duty(request):
    form = forms.DutyForm(request.POST)
    character, _unit, error = _responder_or_error(request)
    if error or not form.is_valid():
        return _unit_panel(request, 400, error=error or "Say on or off duty.")
    try:
        dispatch_services.duty_set(character=character, on=form.cleaned_data["on"], by=request.user)
    except DomainError as exc:
        return _unit_panel(request, 400, error=exc.message)
    return _unit_panel(request, message="On duty." if form.cleaned_data["on"] else "Off duty.")


@fragment_of("mdt")
@require_POST
@page(Role.OFFICER)
def status(request):
    form = forms.StatusForm(request.POST)
    _character, unit, error = _responder_or_error(request)
    if not error and unit is None:
        error = "Go on duty first."
    if error or not form.is_valid():
        return _unit_panel(request, 400, error=error or "Choose a status.")
    try:
        dispatch_services.unit_set_status(unit=unit, status=form.cleaned_data["status"], by=request.user)
    except DomainError as exc:
        return _unit_panel(request, 400, error=exc.message)
    return _unit_panel(request, message=f"Status {form.cleaned_data['status']}.")


@fragment_of("mdt")
@require_POST
@page(Role.OFFICER)
def panic(request):
    character, unit, error = _responder_or_error(request)
    if error:
        return _unit_panel(request, 400, error=error)
    coords, postal = None, ""
    if unit is not None:
        keys = {str(unit.pk), str(unit.character_id), unit.external_id}
        here = [p for p in locations(request.community.pk) if p["unitId"] in keys or p.get("odId") == str(unit.pk)]
        if here:
            coords = {"x": here[-1]["x"], "y": here[-1]["y"], "z": here[-1]["z"]}
            postal = here[-1].get("postal") or ""
    try:
        call = call_services.panic_trigger(community=request.community, character=character, coords=coords,
                                           postal=postal, source="web")
    except DomainError as exc:
        return _unit_panel(request, 400, error=exc.message)
    return _unit_panel(request, message=f"Panic sent (call #{call.number}). Help is on the way.")


# --- my call ------------------------------------------------------------------------------------------
def _call_panel(request, status: int = 200, **extra) -> HttpResponse:
    panel = _call_context(request, **extra)
    return TemplateResponse(request, "mdt/_call.html", {"call_panel": panel, "message": panel["message"],
                                                        "error": panel["error"]}, status=status)


@require_GET
@page(Role.OFFICER)
def call_panel(request):
    return _call_panel(request)


def _call_action(request, call_id, action) -> HttpResponse:
    call = community_object_or_404(call_queryset(request.community), pk=call_id)
    _character, unit, error = _responder_or_error(request)
    if not error and unit is None:
        error = "Go on duty first."
    if error:
        return _call_panel(request, 400, error=error)
    try:
        message = action(call, unit)
    except DomainError as exc:
        return _call_panel(request, 400, error=exc.message)
    return _call_panel(request, message=message)


@fragment_of("mdt")
@require_POST
@page(Role.OFFICER)
def call_attach(request, call_id):
    def attach(call: Call, unit) -> str:
        call_services.call_assign_unit(call=call, unit=unit, by=request.user)
        return f"Attached to call #{call.number}."
    return _call_action(request, call_id, attach)


@fragment_of("mdt")
@require_POST
@page(Role.OFFICER)
def call_progress(request, call_id):
    form = forms.ProgressForm(request.POST)
    if not form.is_valid():
        return _call_panel(request, 400, error="Say en route or on scene.")

    def progress(call: Call, unit) -> str:
        call_services.call_unit_progress(call=call, unit=unit, state=form.cleaned_data["state"], by=request.user)
        return dict(form.fields["state"].choices)[form.cleaned_data["state"]] + "."
    return _call_action(request, call_id, progress)


@fragment_of("mdt")
@require_POST
@page(Role.OFFICER)
def call_clear(request, call_id):
    def clear(call: Call, unit) -> str:
        if not call.assignments.filter(unit=unit).exists():
            raise NotFound("You are not on this call.")
        call_services.call_remove_unit(call=call, unit=unit, by=request.user, cleared=True)
        return f"Cleared from call #{call.number}."
    return _call_action(request, call_id, clear)


@fragment_of("mdt")
@require_POST
@page(Role.OFFICER)
def call_close(request, call_id):
    form = forms.CloseForm(request.POST)
    disposition = form.cleaned_data["disposition"] if form.is_valid() else ""

    def close(call: Call, unit) -> str:
        if not call.assignments.filter(unit=unit).exists():
            raise NotFound("Only a unit on the call closes it from the MDT.")
        call_services.call_close(call=call, by=request.user, disposition=disposition)
        return f"Call #{call.number} closed."
    return _call_action(request, call_id, close)


# --- lookups ------------------------------------------------------------------------------------------
@require_GET
@page(Role.OFFICER)
def lookup(request):
    form = forms.LookupForm(request.GET)
    if not form.is_valid():
        return render(request, "mdt/_results.html", {"form": form}, status=400)
    with service_errors(form, field_map={"query": "q"}):
        result = lookup_services.lookup_search(community=request.community, query=form.cleaned_data["q"],
                                               user=request.user)
    if form.errors:
        return render(request, "mdt/_results.html", {"form": form}, status=400)
    bolos = selectors.person_bolos(request.community, result["civilians"])
    for card in result["civilians"]:
        card["bolo"] = bolos.get(card["id"])
    return render(request, "mdt/_results.html", {
        "form": form, "query": form.cleaned_data["q"], "people": result["civilians"],
        "vehicles": result["vehicles"], "recent": selectors.recent_lookups(request.community, request.user),
    })


@require_GET
@page(Role.OFFICER)
def recent(request):
    return render(request, "mdt/_recent.html", {"recent": selectors.recent_lookups(request.community, request.user)})


@require_GET
@page(Role.OFFICER)
def bolos(request):
    return render(request, "mdt/_bolos.html", {"bolos": selectors.bolos(request.community)})


def _character(request, character_id) -> Character:
    return community_object_or_404(Character.objects.for_community(request.community).live()
                                   .select_related("department"), pk=character_id)


def _person(request, person: Character, *, status: int = 200, message: str = "", **forms_given) -> HttpResponse:
    profile = lookup_selectors.civilian_profile(request.community, person)
    profile["bolo"] = selectors.person_bolos(request.community, [profile]).get(profile["id"])
    return TemplateResponse(request, "mdt/_person.html", {
        "person": person, "profile": profile, "message": message,
        "history": record_selectors.person_history(request.community, person),
        "citation_form": forms_given.get("citation_form") or forms.CitationForm(),
        "arrest_form": forms_given.get("arrest_form") or forms.ArrestForm(reports=_my_reports(request)),
        "warrant_form": forms_given.get("warrant_form") or forms.WarrantForm(),
        "open_form": next((name for name, f in forms_given.items() if f is not None and f.errors), ""),
        "dmv_points": request.community.dmv_enabled and request.community.dmv_points_enabled,
    }, status=status)


@require_GET
@page(Role.OFFICER)
def person(request, character_id):
    return _person(request, _character(request, character_id))


@require_GET
@page(Role.OFFICER)
def person_history(request, character_id):
    """The person's reports, citations and arrests alone, re-rendered live while their record is open."""
    person = _character(request, character_id)
    return render(request, "mdt/_history.html", {
        "person": person, "history": record_selectors.person_history(request.community, person)})


def _my_reports(request) -> list:
    """The officer's latest reports, which an arrest can be linked to."""
    return list(record_selectors.reports_of_user(request.community, request.user).order_by("-created_at")[:20])


def _write(request, character_id, form_class, form_name, create) -> HttpResponse:
    subject = _character(request, character_id)
    form = form_class(request.POST, **({"reports": _my_reports(request)} if form_class is forms.ArrestForm else {}))
    officer_character, _unit, error = _responder_or_error(request)
    if error and form.is_valid():
        form.add_error(None, error)
    if form.is_valid() and not form.errors:
        with service_errors(form, field_map={"issued_by": "non_field_errors", "arrested_by": "non_field_errors", "character_id": "non_field_errors"}):
            message = create(subject, officer_character, form.cleaned_data)
        if not form.errors:
            return _person(request, subject, message=message)
    return _person(request, subject, status=400, **{form_name: form})


@fragment_of("mdt")
@require_POST
@page(Role.OFFICER)
def person_citation(request, character_id):
    def create(subject, officer, data) -> str:
        citation = record_services.citation_create(
            community=request.community, character=subject, issued_by=officer, violation=data["violation"],
            fine_amount=data["fine_amount"], points=data["points"], created_by=request.user)
        return f"Citation written: {citation.violation}, ${citation.fine_amount}, {citation.points} points."
    return _write(request, character_id, forms.CitationForm, "citation_form", create)


@fragment_of("mdt")
@require_POST
@page(Role.OFFICER)
def person_arrest(request, character_id):
    def create(subject, officer, data) -> str:
        arrest = record_services.arrest_create(
            community=request.community, character=subject, arrested_by=officer, charges=data["charges"],
            jail_time_min=data["jail_time_min"], fine_amount=data["fine_amount"], report=data["report"],
            created_by=request.user)
        return f"Arrest recorded: {arrest.title}, {arrest.jail_time_min} minutes, ${arrest.fine_amount}."
    return _write(request, character_id, forms.ArrestForm, "arrest_form", create)


@fragment_of("mdt")
@require_POST
@page(Role.OFFICER)
def person_warrant(request, character_id):
    def create(subject, officer, data) -> str:
        warrant = record_services.warrant_create(
            community=request.community, character=subject, title=data["title"], description=data["description"],
            issued_by=officer, created_by=request.user)
        return f"Warrant issued: {warrant.title}."
    return _write(request, character_id, forms.WarrantForm, "warrant_form", create)


@require_GET
@page(Role.OFFICER)
def vehicle(request, vehicle_id):
    row = community_object_or_404(Vehicle.objects.for_community(request.community).live()
                                  .select_related("owner"), pk=vehicle_id)
    if row is None:
        raise Http404
    return render(request, "mdt/_vehicle.html", {"profile": lookup_selectors.vehicle_profile(request.community, row)})
