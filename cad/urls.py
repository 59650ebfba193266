"""URL map. Each app contributes `<app>/api/urls.py` (mounted under /api/) and, where the game server
needs it, `<app>/api/fivem_urls.py` (under /fivem/). Paths carry no trailing slash, as in the seeds."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from cad.core.media import MediaView
from cad.core.views import healthz

api_patterns = [
    path("", include("cad.core.api.urls")),
    path("", include("calls.api.urls")),
    path("", include("dispatch.api.urls")),
    path("", include("characters.api.urls")),
    path("", include("records.api.urls")),
    path("", include("lookups.api.urls")),
    path("", include("bolos.api.urls")),
    path("", include("announcements.api.urls")),
    path("", include("postals.api.urls")),
]

# SnailyCAD scripts are configured with a base URL ending in /v1 (`https://cad.example.com/v1/911-calls`):
# 001's routes answer there too, served by the same views as under /api/.
snailycad_patterns = [
    path("", include("calls.api.snailycad_urls")),
    path("", include("dispatch.api.snailycad_urls")),
    path("", include("bolos.api.snailycad_urls")),
]

fivem_patterns = [
    path("", include("calls.api.fivem_urls")),
    path("", include("dispatch.api.fivem_urls")),
    path("", include("characters.api.fivem_urls")),
    path("", include("records.api.fivem_urls")),
    path("", include("lookups.api.fivem_urls")),
    path("", include("bolos.api.fivem_urls")),
    path("", include("cad.realtime.fivem_urls")),
    path("", include("postals.api.fivem_urls")),
]

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("api/schema", SpectacularAPIView.as_view(), name="schema"),
    # Swagger UI from our own static files (sidecar), its script a separate file: the CSP allows no inline script.
    path("api/docs", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema")),
    path("api/", include(api_patterns)),
    path("fivem/", include(fivem_patterns)),
    # A namespace keeps reverse() on the /api/ spelling of these routes.
    path("v1/", include((snailycad_patterns, "v1"))),
    path("", include("calls.api.emergency_urls")),
    path("", include("maps.urls")),
    path("", include("accounts.urls")),
    path("", include("characters.urls")),
    path("", include("calls.urls")),
    path("", include("administration.urls")),
    path("", include("maps.page_urls")),
    path("", include("mdt.urls")),
    path("", include("records.urls_pages")),
    path(f"{settings.MEDIA_URL.strip('/')}/<path:path>", MediaView.as_view(), name="media"),
    path("", include("web.urls")),
    path("", include("board.urls")),
]
