"""004's /fivem/reports* for the game-server resource (token auth, snake_case)."""

from django.urls import path

from . import fivem_views as views

urlpatterns = [
    path("reports", views.FivemReportView.as_view(), name="fivem-report"),
    path("reports/arrests", views.FivemArrestView.as_view(), name="fivem-arrest"),
    path("reports/citations", views.FivemCitationView.as_view(), name="fivem-citation"),
]
