from django.urls import include, path
from django.views.generic import RedirectView

from . import views

urlpatterns = [
    path("account", views.account, name="account"),
    path("account/password", views.account_password, name="account-password"),
    path("account/volume", views.account_volume, name="account-volume"),
    path("account/discord/unlink", views.discord_unlink, name="discord-unlink"),
    path("invite/<str:secret>", views.invite, name="invite"),
    path("invite/<str:secret>/accept", views.invite_accept, name="invite-accept"),
    # allauth serves the Discord redirect and callback under /accounts/; its own password pages are
    # not part of the product: sign-in is /login, accounts come from invites, settings are /account.
    path("accounts/login/", views.to_sign_in),
    path("accounts/signup/", views.to_sign_in),
    path("accounts/3rdparty/", RedirectView.as_view(pattern_name="account")),
    path("accounts/", include("allauth.urls")),
]
