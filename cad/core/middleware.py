"""JSON, never HTML, for errors on API paths that happen outside DRF (unknown URL, crash, a Host
header not in ALLOWED_HOSTS), and a 400 for input no view can use: a body charset Python cannot decode
with, or a NUL character in the path or a query parameter (PostgreSQL refuses NUL in text).

It is the first middleware, so it also sees the error responses the others produce."""

from __future__ import annotations

import codecs
import logging

from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.http import HttpResponseBadRequest, JsonResponse

logger = logging.getLogger(__name__)

API_PREFIXES = ("/api/", "/fivem/", "/emergency/")


def is_api_path(path: str) -> bool:
    return path.startswith(API_PREFIXES) or path in ("/api", "/fivem", "/emergency")


class ApiErrorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        refused = _refuse_unusable_input(request)
        if refused is not None:
            return refused
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
        from cad.core.api import exceptions as api_exceptions

        if is_api_path(request.path) and isinstance(
                exception, api_exceptions.DatabaseUnavailable + api_exceptions.BrokerUnavailable):
            # Outside DRF (002's /emergency, SSE): the same 503 as cad.core.api.exceptions answers inside it.
            message = (api_exceptions.UNAVAILABLE_MESSAGE if isinstance(exception, api_exceptions.DatabaseUnavailable)
                       else api_exceptions.BROKER_UNAVAILABLE_MESSAGE)
            response = JsonResponse({"error": message}, status=503)
            response["Retry-After"] = str(api_exceptions.UNAVAILABLE_RETRY_AFTER)
            return response
        if is_api_path(request.path) and isinstance(exception, RequestDataTooBig):
            return JsonResponse({"error": "Request body too large."}, status=413)
        if is_api_path(request.path) and isinstance(exception, SuspiciousOperation):
            return JsonResponse({"error": "Malformed request."}, status=400)
        if is_api_path(request.path):
            logger.exception("Unhandled error on %s %s", request.method, request.path)
            return JsonResponse({"error": "Internal server error."}, status=500)
        return None


def _bad_request(request, message: str, field: str | None = None):
    # Pages get Django's text; so does 002's /emergency, whose routes answer every error in plain text.
    if not is_api_path(request.path) or request.path.startswith("/emergency/"):
        return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
    body = {"error": f"Invalid input. {field}: {message}" if field else message}
    if field:
        body["fields"] = {field: [message]}
    return JsonResponse(body, status=400)


def _refuse_unusable_input(request):
    charset = request.content_params.get("charset") if request.content_type else None
    if charset:
        try:
            usable = codecs.lookup(charset)._is_text_encoding
        except LookupError:
            usable = False
        if not usable:
            return _bad_request(request, f"Cannot decode a body in charset '{charset[:40]}'; send UTF-8.")
    if "\x00" in request.path:
        return _bad_request(request, "NUL characters are not allowed.", "path")
    try:
        params = list(request.GET.lists())
    except SuspiciousOperation:  # too many fields: raised here, outside any view's error handling
        return _bad_request(request, "Malformed query string.")
    for name, values in params:
        if "\x00" in name or any("\x00" in v for v in values):
            return _bad_request(request, "NUL characters are not allowed.", name.replace("\x00", "") or "query")
    return None


def _is_json(response) -> bool:
    ctype = response.get("Content-Type", "")
    return "json" in ctype or "text/plain" in ctype
