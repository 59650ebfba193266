"""/api/* routes of calls, exactly as 000 and 001 spell them (no trailing slash)."""

from django.urls import include, path

from . import views

calls = views.CallViewSet
board = views.Dispatch911ViewSet

urlpatterns = [
    # 000 §1
    path("calls/pending", calls.as_view({"get": "pending"}), name="calls-pending"),
    path("calls", calls.as_view({"post": "create"}), name="calls"),
    path("calls/<str:pk>", calls.as_view({"get": "retrieve", "put": "update", "delete": "destroy"}),
         name="call-detail"),
    path("calls/<str:pk>/status", calls.as_view({"patch": "set_status"}), name="call-status"),
    path("calls/<str:pk>/attach-civilian", calls.as_view({"patch": "attach_civilian"}), name="call-attach-civilian"),
    path("calls/<str:pk>/attach-vehicle", calls.as_view({"patch": "attach_vehicle"}), name="call-attach-vehicle"),
    path("calls/<str:pk>/notes", calls.as_view({"post": "add_note"}), name="call-notes"),
    path("calls/<str:pk>/assign-unit", calls.as_view({"put": "assign_unit"}), name="call-assign-unit"),
    # 000 §2, the 911 board
    path("dispatch/911", board.as_view({"get": "list"}), name="dispatch-911"),
    path("dispatch/911/markers", board.as_view({"get": "markers"}), name="dispatch-911-markers"),
    path("dispatch/911/<str:call_id>/assign", board.as_view({"post": "assign"}), name="dispatch-911-assign"),
    path("dispatch/911/<str:call_id>/close", board.as_view({"post": "close"}), name="dispatch-911-close"),
    # CDE CAD's FiveM 911 and panic scripts
    path("fivem/911", views.CdeFivem911View.as_view(), name="cde-fivem-911"),
    path("civilian/fivem-911-call", views.CdeFivem911View.as_view(), name="cde-civilian-fivem-911-call"),
    path("fivem/panic", views.CdePanicView.as_view(), name="cde-fivem-panic"),
    # 001 (also served under /v1/)
    path("", include("calls.api.snailycad_urls")),
]
