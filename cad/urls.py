"""URL map. Each app contributes `<app>/api/urls.py` (`/api/*`) and, where the game server needs it,
`<app>/api/fivem_urls.py` (`/fivem/*`). Paths carry no trailing slash, as in the seeds."""


from importlib.util import find_spec

from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.generic import TemplateView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from cad.core.views import healthz

DOMAIN_APPS = ["characters", "records", "calls", "dispatch", "bolos", "announcements", "lookups"]


def _optional(module: str):
    """Include an app's URL module if it has one (apps grow their APIs independently)."""
    try:
        found = find_spec(module) is not None
    except ModuleNotFoundError:
        found = False
    return [path("", include(module))] if found else []


api_patterns = [path("", include("cad.core.api.urls"))]
fivem_patterns: list = []
for app in DOMAIN_APPS:
    api_patterns += _optional(f"{app}.api.urls")
    fivem_patterns += _optional(f"{app}.api.fivem_urls")
fivem_patterns += _optional("cad.realtime.fivem_urls")

urlpatterns = [
    path("", TemplateView.as_view(template_name="index.html"), name="index"),
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("api/schema", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
    path("api/", include(api_patterns)),
    path("fivem/", include(fivem_patterns)),
    *_optional("calls.api.emergency_urls"),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)


