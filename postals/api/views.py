"""Postal table (admins upload and download it) and 004-style `GET /fivem/postal?x=&y=` for the resource."""

from __future__ import annotations

import math

import orjson
from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, status
from rest_framework.response import Response

from cad.core.api.views import CommunityAPIView, FivemMixin
from cad.core.choices import Role

from .. import selectors, services
from ..file_format import PostalFileError, parse_postal_table

MAX_UPLOAD_BYTES = 4 * 1024 * 1024


def _table_payload(table, *, with_postals: bool) -> dict:
    out = {"name": table.name, "size": table.size, "revision": str(table.revision), "created_at": table.created_at}
    if with_postals:
        out["postals"] = table.entries
    return out


def _entries_from(request) -> tuple[list[dict], str]:
    upload = request.FILES.get("file") if hasattr(request, "FILES") else None
    if upload is not None:
        if upload.size > MAX_UPLOAD_BYTES:
            raise PostalFileError(f"The file is larger than {MAX_UPLOAD_BYTES // (1024 * 1024)} MB.")
        return parse_postal_table(upload.read()), str(request.data.get("name") or upload.name or "")
    data = request.data
    name = str(data.get("name") or "") if isinstance(data, dict) else ""
    return parse_postal_table(data), name


class PostalTableView(CommunityAPIView):
    """GET /api/postals (the active table with its postals), PUT or POST (replace it: a JSON array, an
    object `{name, postals}`, or a multipart `file`), DELETE (archive it: postals stop being filled)."""

    action_roles = {"read": Role.OFFICER, "PUT": Role.ADMIN, "POST": Role.ADMIN, "DELETE": Role.ADMIN}

    def _active(self):
        table = selectors.active_postal_table(self.request.community)
        if table is None:
            raise exceptions.NotFound("No postal table has been uploaded for this community.")
        return table

    @extend_schema(operation_id="postal_table_get", request=None, responses=OpenApiTypes.OBJECT)
    def get(self, request):
        return Response(_table_payload(self._active(), with_postals=True))

    @extend_schema(operation_id="postal_table_put", request=OpenApiTypes.OBJECT, responses=OpenApiTypes.OBJECT)
    def put(self, request):
        entries, name = _entries_from(request)
        table = services.postal_table_replace(community=request.community, entries=entries, name=name,
                                              by=request.user)
        return Response({"success": True, "postal_table": _table_payload(table, with_postals=False)},
                        status=status.HTTP_201_CREATED)

    @extend_schema(operation_id="postal_table_post", request=OpenApiTypes.OBJECT, responses=OpenApiTypes.OBJECT)
    def post(self, request):
        return self.put(request)

    @extend_schema(operation_id="postal_table_delete", request=None, responses=OpenApiTypes.OBJECT)
    def delete(self, request):
        if services.postal_table_archive(community=request.community, by=request.user) is None:
            raise exceptions.NotFound("No postal table has been uploaded for this community.")
        return Response({"success": True})


class PostalTableFileView(CommunityAPIView):
    """GET /api/postals/file: the active table in the upload format, as a `postals.json` attachment."""

    minimum_role = Role.OFFICER

    @extend_schema(operation_id="postal_table_file_get", request=None, responses=OpenApiTypes.OBJECT)
    def get(self, request):
        table = selectors.active_postal_table(request.community)
        if table is None:
            raise exceptions.NotFound("No postal table has been uploaded for this community.")
        response = HttpResponse(orjson.dumps(table.entries), content_type="application/json")
        response["Content-Disposition"] = 'attachment; filename="postals.json"'
        return response


def _coordinate(request, name: str) -> float:
    raw = request.query_params.get(name)
    try:
        value = float(raw)
    except (TypeError, ValueError):
        raise exceptions.ValidationError({name: ["A number is required."]}) from None
    if not math.isfinite(value):
        raise exceptions.ValidationError({name: ["A finite number is required."]})
    return value


class FivemPostalView(FivemMixin, CommunityAPIView):
    """GET /fivem/postal?x=&y= → {code, distance}: the nearest postal to raw GTA V coordinates."""

    @extend_schema(operation_id="fivem_postal_get", request=None, responses=OpenApiTypes.OBJECT,
                   parameters=[OpenApiParameter("x", float, required=True), OpenApiParameter("y", float, required=True)])
    def get(self, request):
        x, y = _coordinate(request, "x"), _coordinate(request, "y")
        found = selectors.nearest_postal(request.community, x, y)
        if found is None:
            raise exceptions.NotFound("No postal table has been uploaded for this community.")
        return Response({"code": found[0], "distance": round(found[1], 2)})
