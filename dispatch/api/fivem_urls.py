from django.urls import path

from . import views

urlpatterns = [
    path("duty", views.FivemDutyView.as_view(), name="fivem-duty"),
    path("livemap", views.FivemLivemapView.as_view(), name="fivem-livemap"),
    path("sounds", views.FivemSoundsView.as_view(), name="fivem-sounds"),
    path("unit", views.FivemUnitView.as_view(), name="fivem-unit"),
    path("status-codes", views.FivemStatusCodesView.as_view(), name="fivem-status-codes"),
]
