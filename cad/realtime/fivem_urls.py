"""`/fivem/events`: the Server-Sent Events stream of 004 (mounted under /fivem/ by cad/urls.py)."""

from django.urls import path

from . import sse

urlpatterns = [path("events", sse.events, name="fivem-events")]
