from django.urls import path

from . import pages

urlpatterns = [
    path("map", pages.map_page, name="map"),
    path("map/state", pages.map_state, name="map-state"),
]
