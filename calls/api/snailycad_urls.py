"""001's /911-calls routes, mounted under /api/ and, for SnailyCAD scripts whose base URL ends in /v1, under /v1/."""

from django.urls import path

from . import views

calls_911 = views.Calls911ViewSet

urlpatterns = [
    path("911-calls", calls_911.as_view({"get": "list", "post": "create"}), name="911-calls"),
    path("911-calls/<str:pk>", calls_911.as_view({"get": "retrieve", "put": "update"}), name="911-call-detail"),
    path("911-calls/<str:pk>/approve", calls_911.as_view({"post": "approve"}), name="911-call-approve"),
    path("911-calls/<str:pk>/decline", calls_911.as_view({"post": "decline"}), name="911-call-decline"),
    path("911-calls/<str:pk>/end", calls_911.as_view({"put": "end"}), name="911-call-end"),
]
