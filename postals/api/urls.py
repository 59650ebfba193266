from django.urls import path

from . import views

urlpatterns = [
    path("postals", views.PostalTableView.as_view(), name="postal-table"),
    path("postals/file", views.PostalTableFileView.as_view(), name="postal-table-file"),
]
