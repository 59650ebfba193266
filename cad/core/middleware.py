"""JSON, never HTML, for errors on API paths that happen outside DRF (unknown URL, crash)."""

from __future__ import annotations

import logging

from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.http import JsonResponse

logger = logging.getLogger(__name__)

API_PREFIXES = ("/api/", "/fivem/", "/emergency/")


def is_api_path(path: str) -> bool:
    return path.startswith(API_PREFIXES) or path in ("/api", "/fivem", "/emergency")


class ApiErrorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if is_api_path(request.path) and response.status_code >= 400 and not _is_json(response):
            if response.status_code == 404:
                return JsonResponse({"error": f"No endpoint {request.method} {request.path}."}, status=404)
            if response.status_code == 400:
                return JsonResponse({"error": "Bad request."}, status=400)
            if response.status_code == 403:
                return JsonResponse({"error": "Forbidden."}, status=403)
            if response.status_code == 405:
                return JsonResponse({"error": f"Method {request.method} not allowed."}, status=405)
            if response.status_code >= 500:
                return JsonResponse({"error": "Internal server error."}, status=response.status_code)
        return response

    def process_exception(self, request, exception):
        if is_api_path(request.path) and isinstance(exception, RequestDataTooBig):
            return JsonResponse({"error": "Request body too large."}, status=413)
        if is_api_path(request.path) and isinstance(exception, SuspiciousOperation):
            return JsonResponse({"error": "Malformed request."}, status=400)
        if is_api_path(request.path):
            logger.exception("Unhandled error on %s %s", request.method, request.path)
            return JsonResponse({"error": "Internal server error."}, status=500)
        return None


def _is_json(response) -> bool:
    ctype = response.get("Content-Type", "")
    return "json" in ctype or "text/plain" in ctype
