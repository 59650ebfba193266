"""001's dispatch routes (AOP, Signal 100, dispatchers, unit search, radio, tones), mounted under /api/ and,
for SnailyCAD scripts whose base URL ends in /v1, under /v1/."""

from django.urls import path

from . import views

urlpatterns = [
    path("dispatch", views.DispatchStateView.as_view(), name="dispatch-state"),
    path("dispatch/units/search", views.UnitSearchView.as_view(), name="dispatch-units-search"),
    path("dispatch/aop", views.AopView.as_view(), name="dispatch-aop"),
    path("dispatch/signal-100", views.Signal100View.as_view(), name="dispatch-signal-100"),
    path("dispatch/dispatchers-state", views.DispatchersStateView.as_view(), name="dispatch-dispatchers-state"),
    path("dispatch/active-dispatcher", views.ActiveDispatcherView.as_view(), name="dispatch-active-dispatcher"),
    path("dispatch/radio-channel/<str:unit_id>", views.RadioChannelView.as_view(), name="dispatch-radio-channel"),
    path("dispatch/tones", views.ToneListView.as_view(), name="dispatch-tones"),
    path("dispatch/tones/<uuid:tone_id>", views.ToneDeleteView.as_view(), name="dispatch-tone"),
]
