"""The live map page (/map), the JSON it refreshes itself from, and the map-background panel of the settings page."""

from __future__ import annotations

from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cad.core.choices import Role
from cad.core.forms import service_errors
from postals.selectors import active_postal_table
from web.access import community_object_or_404, page
from web.fragments import fragment_of

from . import selectors, services
from .forms import BackgroundForm


@require_GET
@page(Role.OFFICER)
def map_page(request):
    return render(request, "maps/map.html", {
        "live": True,
        "map_config": selectors.map_config(request.community),
        "has_postals": active_postal_table(request.community) is not None,
    })


@require_GET
@page(Role.OFFICER)
def map_state(request):
    """GET /map/state: units, positions, calls with coordinates, recent panics and the tile layer."""
    response = JsonResponse(selectors.live_map_state(request.community))
    response["Cache-Control"] = "no-store"
    return response


# --- the map background, for the community settings page -------------------------------------------------
# A plain form POST (no htmx) is sent back to the settings page that manages the map (fragment_of), with
# the outcome as a message; htmx gets the panel.
def _background(request, *, status: int = 200, form=None, message: str = "") -> HttpResponse:
    error = ""
    if form is not None and form.errors:
        error = " ".join(str(m) for messages in form.errors.values() for m in messages)
    return TemplateResponse(request, "maps/_background.html", {
        "form": form or BackgroundForm(), "message": message, "error": error,
        "active": selectors.active_tileset(request.community), "latest": selectors.latest_upload(request.community),
    }, status=status)


@fragment_of("settings-game")
@require_http_methods(["GET", "POST"])
@page(Role.ADMIN)
def background(request):
    """GET/POST /map/background: the upload form and the state of the community's map background (a partial
    the settings page includes; see templates/maps/background_include.html)."""
    if request.method == "GET":
        return _background(request)
    form = BackgroundForm(request.POST, request.FILES)
    if form.is_valid():
        with service_errors(form):
            tileset = services.map_images_upload(community=request.community, files=form.cleaned_data["files"],
                                                 by=request.user)
        if not form.errors:
            kind = "pictures" if tileset.kind == "pictures" else "tile archive"
            return _background(request, message=f"Received the {kind}; the tiles are being cut. The map switches "
                                                  "to them when they are ready.")
    return _background(request, status=400, form=form)


@fragment_of("settings-game")
@require_POST
@page(Role.ADMIN)
def background_archive(request, tileset_id):
    tileset = community_object_or_404(selectors.tilesets(request.community), pk=tileset_id)
    services.tileset_archive(tileset=tileset, by=request.user)
    return _background(request, message="The map is back to the grid with postal labels.")
