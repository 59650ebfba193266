from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("login", views.SignInView.as_view(), name="login"),
    path("logout", views.SignOutView.as_view(), name="logout"),
    path("community", views.switch_community, name="switch-community"),
]
