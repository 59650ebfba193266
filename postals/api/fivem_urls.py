"""004-style /fivem/* routes of postals (token auth, snake_case)."""

from django.urls import path

from . import views

urlpatterns = [
    path("postal", views.FivemPostalView.as_view(), name="fivem-postal"),
]
