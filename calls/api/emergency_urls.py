"""002's Sonoran-compatible route, mounted at the site root (`/emergency/*`)."""

from django.urls import path

from . import emergency

urlpatterns = [
    path("emergency/new_dispatch", emergency.new_dispatch, name="emergency-new-dispatch"),
]
