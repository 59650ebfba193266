from django.urls import path

from . import views

urlpatterns = [
    path("lookup", views.LookupView.as_view(), name="lookup"),
    path("lookup/recent", views.RecentLookupsView.as_view(), name="lookup-recent"),
    path("lookup/civilian/<uuid:pk>", views.CivilianLookupView.as_view(), name="lookup-civilian"),
    path("lookup/vehicle/<uuid:pk>", views.VehicleLookupView.as_view(), name="lookup-vehicle"),
    path("lookup/reports/<str:license_number>", views.LicenseHistoryView.as_view(), name="lookup-reports"),
]
