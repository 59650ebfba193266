"""The one router of /api/*: DRF's SimpleRouter without trailing slashes that routes only the methods a
viewset serves. SimpleRouter maps PUT and PATCH to `update`/`partial_update` whenever the viewset has them,
even when its `http_method_names` refuses one, so the route existed and answered 405 (PUT
/api/communities/:id; PATCH /api/suspects/:id, which now serves the partial update PUT is); the route list
and the schema must say what is served."""

from __future__ import annotations

from rest_framework.routers import SimpleRouter


class Router(SimpleRouter):
    def __init__(self) -> None:
        super().__init__(trailing_slash=False)

    def get_method_map(self, viewset, method_map):
        allowed = set(getattr(viewset, "http_method_names", ()))
        return {method: action for method, action in super().get_method_map(viewset, method_map).items()
                if method in allowed}
