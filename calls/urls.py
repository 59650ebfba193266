from django.urls import path

from . import pages

urlpatterns = [
    path("911", pages.call_911, name="call-911"),
    path("911/mine", pages.my_calls, name="my-911-calls"),
]
