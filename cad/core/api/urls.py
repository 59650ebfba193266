from django.urls import path

from cad.core.api.routers import Router

from . import community_views as views

router = Router()
router.register("communities", views.CommunitySettingsViewSet, basename="community")
router.register(r"values/(?P<kind>[a-z-]+)", views.ValueListViewSet, basename="value")
router.register("tokens", views.ApiTokenViewSet, basename="api-token")

urlpatterns = [
    path("auth/token", views.TokenObtainView.as_view(), name="auth-token"),
    path("auth/token/refresh", views.TokenRefreshView.as_view(), name="auth-token-refresh"),
    path("me", views.MeView.as_view(), name="me"),
    path("communities/<uuid:pk>/activate", views.ActiveCommunityView.as_view(), name="community-activate"),
    *router.urls,
]
