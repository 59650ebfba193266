from django.urls import path

from . import views

urlpatterns = [
    path("dispatch", views.DispatchStateView.as_view(), name="dispatch-state"),
    path("dispatch/units", views.UnitListView.as_view(), name="dispatch-units"),
    path("dispatch/units/search", views.UnitSearchView.as_view(), name="dispatch-units-search"),
    path("dispatch/locations", views.LocationListView.as_view(), name="dispatch-locations"),
    path("dispatch/location/<str:unit_id>", views.LocationDeleteView.as_view(), name="dispatch-location"),
    path("dispatch/duty", views.DutyView.as_view(), name="dispatch-duty"),
    path("dispatch/aop", views.AopView.as_view(), name="dispatch-aop"),
    path("dispatch/signal-100", views.Signal100View.as_view(), name="dispatch-signal-100"),
    path("dispatch/dispatchers-state", views.DispatchersStateView.as_view(), name="dispatch-dispatchers-state"),
    path("dispatch/active-dispatcher", views.ActiveDispatcherView.as_view(), name="dispatch-active-dispatcher"),
    path("dispatch/radio-channel/<str:unit_id>", views.RadioChannelView.as_view(), name="dispatch-radio-channel"),
    path("dispatch/tones", views.ToneListView.as_view(), name="dispatch-tones"),
    path("dispatch/tones/<str:tone_id>", views.ToneDeleteView.as_view(), name="dispatch-tone"),
]
