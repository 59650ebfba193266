"""Every list is bounded, one way: DRF's limit/offset pagination with each dialect's names and wrappers.

- Parameters: `limit` and `offset` (000's spelling, also DRF's), or SnailyCAD's `take` and `skip`.
  Without them a page holds `page_size` rows (the view's, else API_PAGE_SIZE); more than `max_page_size`
  (the view's, else API_MAX_PAGE_SIZE) or a value that is not a whole number is a 400 naming the bounds.
- Body: a list stays the plain array the dialects document, with the total in `X-Total-Count` and the
  neighbouring pages in `Link`; a view that sets `page_wrapper = "calls"` answers 001's
  `{"totalCount": N, "calls": [...]}` instead.

`DialectPagination` is DRF's default pagination class (settings), so every `ListModelMixin` list is
paged; views that build their list themselves call `paginated(view, request, rows, serialize)`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django.conf import settings
from rest_framework import exceptions
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.response import Response

LIMIT_NAMES = ("limit", "take")
OFFSET_NAMES = ("offset", "skip")
MAX_OFFSET = 2**62  # inside every database's OFFSET range (a bigint), beyond any table


def _setting(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


class DialectPagination(LimitOffsetPagination):
    limit_query_param = "limit"
    offset_query_param = "offset"

    def paginate_queryset(self, queryset, request, view=None):
        self.view = view
        self.default_limit = getattr(view, "page_size", None) or _setting("API_PAGE_SIZE", 100)
        self.max_limit = getattr(view, "max_page_size", None) or _setting("API_MAX_PAGE_SIZE", 500)
        self.wrapper = getattr(view, "page_wrapper", None)
        return super().paginate_queryset(queryset, request, view)

    def _whole_number(self, request, names: Sequence[str], default: int, minimum: int, maximum: int) -> int:
        name = next((n for n in names if n in request.query_params), None)
        if name is None:
            return default
        raw = request.query_params.get(name, "").strip()
        if not raw.isascii() or not raw.isdigit() or len(raw) > 19 or not minimum <= int(raw) <= maximum:
            bounds = f"from {minimum} to {maximum}"
            raise exceptions.ValidationError({name: [f"A whole number {bounds}."]})
        return int(raw)

    def get_limit(self, request):
        return self._whole_number(request, LIMIT_NAMES, self.default_limit, 1, self.max_limit)

    def get_offset(self, request):
        return self._whole_number(request, OFFSET_NAMES, 0, 0, MAX_OFFSET)

    def get_paginated_response(self, data):
        if self.wrapper:
            return Response({"total_count": self.count, self.wrapper: data})
        links = [f'<{url}>; rel="{rel}"' for rel, url in (("next", self.get_next_link()),
                                                          ("prev", self.get_previous_link())) if url]
        headers = {"X-Total-Count": str(self.count)}
        if links:
            headers["Link"] = ", ".join(links)
        return Response(data, headers=headers)

    def get_paginated_response_schema(self, schema):
        wrapper = getattr(getattr(self, "view", None), "page_wrapper", None)
        if wrapper:
            return {"type": "object", "required": ["total_count", wrapper],
                    "properties": {"total_count": {"type": "integer"}, wrapper: schema}}
        return schema

    def get_schema_operation_parameters(self, view):
        limit = getattr(view, "page_size", None) or _setting("API_PAGE_SIZE", 100)
        maximum = getattr(view, "max_page_size", None) or _setting("API_MAX_PAGE_SIZE", 500)
        return [
            {"name": "limit", "in": "query", "required": False,
             "description": f"Rows per page (SnailyCAD: `take`), 1 to {maximum}; default {limit}.",
             "schema": {"type": "integer", "minimum": 1, "maximum": maximum}},
            {"name": "offset", "in": "query", "required": False,
             "description": "Rows to skip (SnailyCAD: `skip`).",
             "schema": {"type": "integer", "minimum": 0, "maximum": MAX_OFFSET}},
        ]


def page_parameters(page_size: int | None = None, max_page_size: int | None = None) -> list:
    """The paging query parameters, as drf-spectacular `OpenApiParameter`s, for views that page with
    `paginated` outside DRF's list machinery."""
    from drf_spectacular.types import OpenApiTypes
    from drf_spectacular.utils import OpenApiParameter

    limit = page_size or _setting("API_PAGE_SIZE", 100)
    maximum = max_page_size or _setting("API_MAX_PAGE_SIZE", 500)
    return [
        OpenApiParameter("limit", OpenApiTypes.INT, description=f"Rows per page (SnailyCAD: `take`), 1 to "
                         f"{maximum}; default {limit}."),
        OpenApiParameter("offset", OpenApiTypes.INT, description="Rows to skip (SnailyCAD: `skip`)."),
    ]


def paginated(view, request, rows, serialize: Callable[[Any], Any]) -> Response:
    """A bounded page of `rows` (a queryset or a list), serialized by `serialize(page)`, in the view's
    dialect (plain array, or `page_wrapper`)."""
    paginator = getattr(view, "paginator", None) or DialectPagination()
    page = paginator.paginate_queryset(rows, request, view=view)
    return paginator.get_paginated_response(serialize(page))
