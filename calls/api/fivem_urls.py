"""/fivem/* call routes (004)."""

from django.urls import path

from . import fivem_views as views

urlpatterns = [
    path("calls", views.CallsView.as_view(), name="fivem-calls"),
    path("calls/<str:pk>", views.CallDetailView.as_view(), name="fivem-call"),
    path("calls/<str:pk>/close", views.CloseView.as_view(), name="fivem-call-close"),
    path("calls/<str:pk>/detach", views.DetachView.as_view(), name="fivem-call-detach"),
    path("poll-calls", views.PollCallsView.as_view(), name="fivem-poll-calls"),
    path("respond", views.RespondView.as_view(), name="fivem-respond"),
    path("on-scene", views.OnSceneView.as_view(), name="fivem-on-scene"),
    path("unit-status", views.UnitStatusView.as_view(), name="fivem-unit-status"),
    path("scene-command", views.SceneCommandView.as_view(), name="fivem-scene-command"),
    path("panic", views.PanicView.as_view(), name="fivem-panic"),
]
