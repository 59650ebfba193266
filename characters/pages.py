"""The civilian's pages: /characters (also `/` for a civilian) and a character with its vehicles,
licences and weapons (Call 911 is the calls app's page, /911). Every member has these pages for their own characters; another
member's character, or another community's, is simply not found."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.db.models import Prefetch
from django.forms import BaseForm
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from cad.core.choices import Role
from cad.core.errors import DomainError
from cad.core.forms import service_errors
from web.access import community_object_or_404, page

from . import forms, selectors, services
from .choices import FIRST_RESPONDER_TYPES
from .models import Character, DrivingLicense, LicensePointEntry, Vehicle, Weapon, WeaponLicenseApplication


def _mine(request):
    return Character.objects.for_community(request.community).filter(user=request.user).live()


def _my_character(request, pk) -> Character:
    return community_object_or_404(_mine(request).select_related("department"), pk=pk)


def _my_vehicle(request, pk) -> Vehicle:
    return community_object_or_404(Vehicle.objects.for_community(request.community).filter(
        owner__user=request.user, owner__archived_at__isnull=True).live().select_related("owner"), pk=pk)


def _submit(request, form: BaseForm, act: Callable[[dict[str, Any]], Any], done: Callable[[Any], str] | str, *,
            character: Callable[[Any], Any] | Any,
            check: Callable[[BaseForm], bool] | None = None) -> HttpResponse | None:
    """A civilian action: a valid form (and `check`, which may add an error) runs the service `act` on
    its cleaned data, then a success message (`done`, or `done(result)`) and a redirect to the character's
    page (`character`: its ID, or `character(result)`). None when the form or the service (through
    `service_errors`) refused: the caller renders the form again with its errors, status 400."""
    if not form.is_valid() or (check is not None and not check(form)):
        return None
    with service_errors(form):
        result = act(form.cleaned_data)
        messages.success(request, done(result) if callable(done) else done)
        return redirect("character", pk=character(result) if callable(character) else character)
    return None


def _check_type(request, form) -> bool:
    if form.cleaned_data.get("type") in FIRST_RESPONDER_TYPES and not request.role.at_least(Role.OFFICER):
        form.add_error("type", "Only officers and above play leo, ems or fd characters.")
        return False
    return True


# --- the list ----------------------------------------------------------------------------------------
@page(Role.CIVILIAN)
def character_list(request):
    active = services.active_character(request.user, request.community)
    characters = list(_mine(request).select_related("department").order_by("last_name", "first_name"))
    return render(request, "characters/list.html", {"characters": characters, "active": active})


# --- create ------------------------------------------------------------------------------------------
@page(Role.CIVILIAN)
def character_new(request):
    form = forms.CharacterForm(request.POST or None, community=request.community, role=request.role)
    if request.method == "POST" and (done := _submit(
            request, form, lambda data: services.character_create(community=request.community, user=request.user,
                                                                  **data),
            lambda character: f"{character.full_name} created.", character=lambda character: character.pk,
            check=lambda form: _check_type(request, form))):
        return done
    return render(request, "characters/new.html", {"form": form}, status=400 if form.errors else 200)


# --- one character ------------------------------------------------------------------------------------
@page(Role.CIVILIAN)
def character_detail(request, pk):
    return _render_detail(request, _my_character(request, pk))


def _points_window(community):
    return timezone.now() - timedelta(days=community.dmv_point_expiry_days)


def _render_detail(request, character: Character, status: int = 200, **bound):
    community = request.community
    initial = {name: getattr(character, name) for name in
               ("first_name", "last_name", "date_of_birth", "gender", "address", "phone", "type", "callsign",
                "rank")}
    initial["department"] = character.department_id
    licenses = []
    if community.dmv_enabled:
        window = _points_window(community)
        licenses = list(DrivingLicense.objects.for_community(community).filter(
            character=character).live().select_related("license_class").prefetch_related(
            Prefetch("point_entries", to_attr="counting",
                     queryset=LicensePointEntry.objects.filter(issued_at__gte=window).order_by("issued_at"))))
        for lic in licenses:
            for entry in lic.counting:
                entry.expires_at = entry.issued_at + timedelta(days=community.dmv_point_expiry_days)
    context = {
        "character": character,
        "active": services.active_character(request.user, community),
        "edit_form": forms.CharacterForm(initial=initial, community=community, role=request.role),
        "mugshot_form": forms.MugshotForm(),
        "vehicle_form": forms.VehicleForm(),
        "weapon_form": forms.WeaponForm(),
        "application_form": forms.WeaponLicenseApplicationForm(),
        "license_form": forms.LicenseForm(community=community),
        "vehicles": list(Vehicle.objects.for_community(community).filter(owner=character).live()
                         .order_by("plate")),
        "licenses": licenses,
        "may_self_register": community.dmv_enabled and community.dmv_self_register and not licenses,
        "weapons": list(Weapon.objects.for_community(community).filter(owner=character).live()
                        .order_by("serial_number")) if community.weapons_enabled else [],
        "applications": list(WeaponLicenseApplication.objects.for_community(community).filter(
            character=character).order_by("-created_at")) if community.weapons_enabled else [],
        "weapons_license": selectors.weapons_license_statuses([character]).get(character.pk)
        if community.weapons_enabled else None,
        **bound,
    }
    return render(request, "characters/detail.html", context, status=status)


@require_POST
@page(Role.CIVILIAN)
def character_edit(request, pk):
    character = _my_character(request, pk)
    form = forms.CharacterForm(request.POST, community=request.community, role=request.role)
    return _submit(request, form, lambda data: services.character_update(character=character, **data),
                   "Character saved.", character=character.pk, check=lambda form: _check_type(request, form)) \
        or _render_detail(request, character, status=400, edit_form=form)


@require_POST
@page(Role.CIVILIAN)
def character_archive(request, pk):
    character = _my_character(request, pk)
    services.character_archive(character=character, by=request.user)
    messages.success(request, f"{character.full_name} archived; records about them stay.")
    return redirect("characters")


@require_POST
@page(Role.CIVILIAN)
def character_switch(request):
    """The active-character switcher of the navigation bar."""
    try:
        character = _my_character(request, request.POST.get("character") or "")
    except Http404:
        messages.error(request, "Choose one of your characters.")
        return _back(request)
    return _activate(request, character)


@require_POST
@page(Role.CIVILIAN)
def character_activate(request, pk):
    """004: the active character sets the callsign and department the CAD knows the player by."""
    return _activate(request, _my_character(request, pk))


def _activate(request, character):
    try:
        services.character_activate(character=character, user=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"You now play {character.full_name}.")
    return _back(request)


def _back(request):
    target = request.POST.get("next") or ""
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        target = "characters"
    return redirect(target)


@require_POST
@page(Role.CIVILIAN)
def character_mugshot(request, pk):
    character = _my_character(request, pk)
    form = forms.MugshotForm(request.POST, request.FILES)
    return _submit(request, form, lambda data: services.character_set_mugshot(
        character=character, upload=data["mugshot"], by=request.user), "Mugshot saved.", character=character.pk) \
        or _render_detail(request, character, status=400, mugshot_form=form)


# --- vehicles ----------------------------------------------------------------------------------------
@require_POST
@page(Role.CIVILIAN)
def vehicle_register(request, pk):
    character = _my_character(request, pk)
    form = forms.VehicleForm(request.POST)
    return _submit(request, form, lambda data: services.vehicle_register(community=request.community,
                                                                         owner=character, **data),
                   lambda vehicle: f"{vehicle.plate} registered.", character=character.pk) \
        or _render_detail(request, character, status=400, vehicle_form=form)


@page(Role.CIVILIAN)
def vehicle_edit(request, pk):
    vehicle = _my_vehicle(request, pk)
    initial = {name: getattr(vehicle, name) for name in ("plate", "make", "model", "color", "year", "vin")}
    form = forms.VehicleForm(request.POST or None, initial=initial)
    if request.method == "POST" and (done := _submit(
            request, form, lambda data: services.vehicle_update(vehicle=vehicle, by=request.user, role=request.role,
                                                                **data),
            lambda vehicle: f"{vehicle.plate} saved.", character=lambda vehicle: vehicle.owner_id)):
        return done
    return render(request, "characters/vehicle_edit.html", {"vehicle": vehicle, "form": form},
                  status=400 if form.errors else 200)


@require_POST
@page(Role.CIVILIAN)
def vehicle_stolen(request, pk):
    vehicle = _my_vehicle(request, pk)
    stolen = request.POST.get("stolen")
    if stolen not in ("true", "false"):
        return HttpResponseBadRequest("stolen: true or false.")
    services.vehicle_mark_stolen(vehicle=vehicle, stolen=stolen == "true", by=request.user, role=request.role)
    messages.success(request, f"{vehicle.plate} marked {'stolen' if stolen == 'true' else 'recovered'}.")
    return redirect("character", pk=vehicle.owner_id)


@require_POST
@page(Role.CIVILIAN)
def vehicle_deregister(request, pk):
    vehicle = _my_vehicle(request, pk)
    services.vehicle_deregister(vehicle=vehicle, by=request.user)
    messages.success(request, f"{vehicle.plate} deregistered.")
    return redirect("character", pk=vehicle.owner_id)


# --- licences and weapons ----------------------------------------------------------------------------
@require_POST
@page(Role.CIVILIAN)
def license_register(request, pk):
    """Self-registration of a driving licence, where the community allows it (004's DMV)."""
    character = _my_character(request, pk)
    form = forms.LicenseForm(request.POST, community=request.community)

    def self_register_allowed(form) -> bool:
        if not request.community.dmv_self_register:
            form.add_error(None, "Only admins issue driving licences in this community.")
        return request.community.dmv_self_register

    return _submit(request, form, lambda data: services.license_issue(
        character=character, license_class=data["license_class"], by=request.user), "Driving licence registered.",
        character=character.pk, check=self_register_allowed) \
        or _render_detail(request, character, status=400, license_form=form)


@require_POST
@page(Role.CIVILIAN)
def weapon_register(request, pk):
    character = _my_character(request, pk)
    form = forms.WeaponForm(request.POST)
    return _submit(request, form, lambda data: services.weapon_register(community=request.community, owner=character,
                                                                        by=request.user, **data),
                   lambda weapon: f"Weapon {weapon.serial_number} registered.", character=character.pk) \
        or _render_detail(request, character, status=400, weapon_form=form)


@require_POST
@page(Role.CIVILIAN)
def weapon_license_apply(request, pk):
    character = _my_character(request, pk)
    form = forms.WeaponLicenseApplicationForm(request.POST)
    return _submit(request, form, lambda data: services.weapon_license_apply(character=character, notes=data["notes"]),
                   "Weapons licence application sent.", character=character.pk) \
        or _render_detail(request, character, status=400, application_form=form)

