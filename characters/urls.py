from django.urls import path

from . import pages

urlpatterns = [
    path("characters", pages.character_list, name="characters"),
    path("characters/new", pages.character_new, name="character-new"),
    path("characters/active", pages.character_switch, name="character-switch"),
    path("characters/<uuid:pk>", pages.character_detail, name="character"),
    path("characters/<uuid:pk>/edit", pages.character_edit, name="character-edit"),
    path("characters/<uuid:pk>/archive", pages.character_archive, name="character-archive"),
    path("characters/<uuid:pk>/activate", pages.character_activate, name="character-activate"),
    path("characters/<uuid:pk>/mugshot", pages.character_mugshot, name="character-mugshot"),
    path("characters/<uuid:pk>/vehicles", pages.vehicle_register, name="vehicle-register"),
    path("characters/<uuid:pk>/license", pages.license_register, name="license-register"),
    path("characters/<uuid:pk>/weapons", pages.weapon_register, name="weapon-register"),
    path("characters/<uuid:pk>/weapon-license", pages.weapon_license_apply, name="weapon-license-apply"),
    path("vehicles/<uuid:pk>/edit", pages.vehicle_edit, name="vehicle-edit"),
    path("vehicles/<uuid:pk>/stolen", pages.vehicle_stolen, name="vehicle-stolen"),
    path("vehicles/<uuid:pk>/deregister", pages.vehicle_deregister, name="vehicle-deregister"),
]
