from django.urls import include, path

from . import views

urlpatterns = [
    path("dispatch/units", views.UnitListView.as_view(), name="dispatch-units"),
    path("dispatch/locations", views.LocationListView.as_view(), name="dispatch-locations"),
    path("dispatch/location/<str:unit_id>", views.LocationDeleteView.as_view(), name="dispatch-location"),
    path("dispatch/duty", views.DutyView.as_view(), name="dispatch-duty"),
    # 001 (also served under /v1/)
    path("", include("dispatch.api.snailycad_urls")),
]
