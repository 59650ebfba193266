"""The live map page (/map) and the JSON it refreshes itself from."""

from __future__ import annotations

from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from cad.core.choices import Role
from web.access import page

from . import selectors


@require_GET
@page(Role.OFFICER)
def map_page(request):
    return render(request, "maps/map.html", {
        "live": True,
        "map_config": selectors.map_config(request.community),
    })


@require_GET
@page(Role.OFFICER)
def map_state(request):
    """GET /map/state: units, positions, calls with coordinates, recent panics and the tile layer."""
    response = JsonResponse(selectors.live_map_state(request.community))
    response["Cache-Control"] = "no-store"
    return response
