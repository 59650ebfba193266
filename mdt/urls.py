from django.urls import path

from . import views

urlpatterns = [
    path("mdt", views.mdt, name="mdt"),
    path("mdt/unit", views.unit_panel, name="mdt-unit"),
    path("mdt/unit/duty", views.duty, name="mdt-duty"),
    path("mdt/unit/status", views.status, name="mdt-status"),
    path("mdt/unit/panic", views.panic, name="mdt-panic"),
    path("mdt/call", views.call_panel, name="mdt-call"),
    path("mdt/calls/<uuid:call_id>/attach", views.call_attach, name="mdt-call-attach"),
    path("mdt/calls/<uuid:call_id>/progress", views.call_progress, name="mdt-call-progress"),
    path("mdt/calls/<uuid:call_id>/clear", views.call_clear, name="mdt-call-clear"),
    path("mdt/calls/<uuid:call_id>/close", views.call_close, name="mdt-call-close"),
    path("mdt/lookup", views.lookup, name="mdt-lookup"),
    path("mdt/recent", views.recent, name="mdt-recent"),
    path("mdt/bolos", views.bolos, name="mdt-bolos"),
    path("mdt/people/<uuid:character_id>", views.person, name="mdt-person"),
    path("mdt/people/<uuid:character_id>/history", views.person_history, name="mdt-person-history"),
    path("mdt/people/<uuid:character_id>/citation", views.person_citation, name="mdt-citation"),
    path("mdt/people/<uuid:character_id>/arrest", views.person_arrest, name="mdt-arrest"),
    path("mdt/people/<uuid:character_id>/warrant", views.person_warrant, name="mdt-warrant"),
    path("mdt/vehicles/<uuid:vehicle_id>", views.vehicle, name="mdt-vehicle"),
]
