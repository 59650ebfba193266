"""004's /fivem/* routes of the characters app (token auth, snake_case)."""

from django.urls import path

from . import fivem_views as views

urlpatterns = [
    path("player-connect", views.PlayerConnectView.as_view(), name="fivem-player-connect"),
    path("create-character", views.CreateCharacterView.as_view(), name="fivem-create-character"),
    path("vehicles", views.VehicleRegisterView.as_view(), name="fivem-vehicles"),
    path("vehicles/<str:plate>", views.VehicleByPlateView.as_view(), name="fivem-vehicle"),
    path("vehicles/<str:plate>/stolen", views.VehicleStolenView.as_view(), name="fivem-vehicle-stolen"),
]
