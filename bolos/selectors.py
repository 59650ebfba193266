"""Reads of BOLOs shared by the API, the UI and other apps (lookups shows an active BOLO on a plate)."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone

from cad.core.isotime import iso
from characters.plates import plate_key

from .models import Bolo


def not_expired(now: datetime | None = None) -> Q:
    return Q(expires_at__isnull=True) | Q(expires_at__gt=now or timezone.now())


def active_bolos(community, *, now: datetime | None = None) -> QuerySet[Bolo]:
    """Active (not deactivated) and not expired, newest first. (Lists that show `viewed_by` add
    `.prefetch_related("viewed_by")`.)"""
    return Bolo.objects.for_community(community).filter(not_expired(now), is_active=True).order_by("-created_at", "-id")


def bolo_search(community, *, query: str, qs: QuerySet[Bolo] | None = None) -> QuerySet[Bolo]:
    """Text search across reason, description, subject name and vehicle fields (000's search).
    Every whitespace-separated term must match somewhere; `qs` (already scoped) narrows instead of the
    community's BOLOs."""
    qs = Bolo.objects.for_community(community) if qs is None else qs
    terms = [t for t in (query or "").split() if t]
    fields = ("reason", "description", "subject_first_name", "subject_last_name", "subject_description",
              "subject_license", "vehicle_plate", "vehicle_make", "vehicle_model", "vehicle_color",
              "vehicle_description")
    for term in terms[:8]:
        match = Q()
        for name in fields:
            match |= Q(**{f"{name}__icontains": term})
        plate = plate_key(term)
        if plate:
            match |= Q(vehicle_plate__contains=plate)
        qs = qs.filter(match)
    return qs


def active_bolo_for_plate(community, plate: str) -> Bolo | None:
    """The newest active, unexpired BOLO on `plate` (case, spaces and dashes ignored), or None."""
    plate = plate_key(plate)
    if not plate:
        return None
    return active_bolos(community).filter(vehicle_plate=plate).first()


def bolo_summary(bolo: Bolo) -> dict:
    """A compact snake_case dict of a BOLO for plate lookups and vehicle details (both dialects:
    /api/* camelizes it, /fivem/* sends it as written)."""
    return {
        "id": str(bolo.id),
        "type": bolo.type,
        "reason": bolo.reason,
        "description": bolo.description,
        "priority": bolo.priority,
        "plate": bolo.vehicle_plate,
        "vehicle_make": bolo.vehicle_make,
        "vehicle_model": bolo.vehicle_model,
        "vehicle_color": bolo.vehicle_color,
        "subject_name": bolo.subject_name,
        "is_stolen_vehicle": bolo.stolen_vehicle_id is not None,
        "created_by_name": bolo.created_by_name,
        "created_at": iso(bolo.created_at),
        "expires_at": iso(bolo.expires_at),
    }
