"""002's Sonoran-compatible routes, mounted at the site root (`/emergency/*`, `/general/get_version`)."""

from django.urls import path

from . import emergency

urlpatterns = [
    *[path(f"emergency/{name}", emergency.emergency, {"operation": name}, name=f"emergency-{name.replace('_', '-')}")
      for name in emergency.OPERATIONS],
    path("general/get_version", emergency.get_version, name="general-get-version"),
]
