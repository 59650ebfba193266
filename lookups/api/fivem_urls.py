from django.urls import path

from . import fivem_views as views

urlpatterns = [
    path("lookup/player", views.FivemPlayerLookupView.as_view(), name="fivem-lookup-player"),
    path("lookup/plate/<str:plate>", views.FivemPlateLookupView.as_view(), name="fivem-lookup-plate"),
]
