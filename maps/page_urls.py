from django.urls import path

from . import pages

urlpatterns = [
    path("map", pages.map_page, name="map"),
    path("map/state", pages.map_state, name="map-state"),
    path("map/background", pages.background, name="map-background"),
    path("map/background/<uuid:tileset_id>/archive", pages.background_archive, name="map-background-archive"),
]
