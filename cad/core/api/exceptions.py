"""Every API error is JSON: {"error": "<sentence>"} and, for 400, "fields": {name: [messages]}."""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError, InterfaceError, OperationalError
from django.http import Http404
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from cad.core import errors
from cad.core.errors import Conflict  # noqa: F401  (views raise it too)
from cad.core.ratelimit import RateLimited
from cad.core.tenancy import UnscopedQueryError

logger = logging.getLogger(__name__)


class ConflictError(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "Conflict."
    default_code = "conflict"

    def __init__(self, detail: str, **extra):
        super().__init__(detail)
        self.extra = extra


def api_exception(exc: errors.DomainError) -> exceptions.APIException:
    """The DRF exception a domain error answers as (the one mapping for REST)."""
    if isinstance(exc, errors.Invalid):
        return exceptions.ValidationError(exc.detail)
    if isinstance(exc, errors.NotFound):
        return exceptions.NotFound(exc.message)
    if isinstance(exc, errors.Forbidden):
        return exceptions.PermissionDenied(exc.message)
    if isinstance(exc, errors.Conflict):
        return ConflictError(exc.message, **exc.extra)
    return exceptions.ValidationError([exc.message])


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "Request body too large."
    default_code = "payload_too_large"


# The database went away (restart, failover, network): the request did nothing it could not retry. A 503
# the client can wait out, never a 500 or a hang; the next request opens a fresh connection.
DatabaseUnavailable = (OperationalError, InterfaceError)
UNAVAILABLE_MESSAGE = "The database is unavailable; try again shortly."
UNAVAILABLE_RETRY_AFTER = 5


# Redis (cache, token lookups) restarting: the same, for as long as the restart takes.
BrokerUnavailable = (RedisConnectionError, RedisTimeoutError)
BROKER_UNAVAILABLE_MESSAGE = "The cache is unavailable; try again shortly."


class ServiceUnavailable(exceptions.APIException):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = UNAVAILABLE_MESSAGE
    default_code = "unavailable"

    def __init__(self, detail: str | None = None):
        super().__init__(detail)
        self.wait = UNAVAILABLE_RETRY_AFTER  # DRF turns `wait` into Retry-After


class NotFound(exceptions.NotFound):
    """404 for missing rows and for another community's rows alike: never tell them apart."""


def _flatten(detail) -> dict[str, list[str]]:
    if isinstance(detail, dict):
        out: dict[str, list[str]] = {}
        for key, value in detail.items():
            if isinstance(value, dict):
                for sub, msgs in _flatten(value).items():
                    out[f"{key}.{sub}"] = msgs
            elif isinstance(value, list) and value and isinstance(value[0], dict):
                for i, item in enumerate(value):
                    for sub, msgs in _flatten(item).items():
                        out[f"{key}[{i}].{sub}"] = msgs
            else:
                out[key] = [str(v) for v in (value if isinstance(value, list) else [value])]
        return out
    if isinstance(detail, list):
        return {"non_field_errors": [str(v) for v in detail]}
    return {"non_field_errors": [str(detail)]}


def _camel(name: str) -> str:
    from djangorestframework_camel_case.util import camelize

    return next(iter(camelize({name: None}).keys()))


def validation_error_body(detail, *, camel: bool = True) -> dict:
    fields = _flatten(detail)
    if camel:
        fields = {("non_field_errors" if k == "non_field_errors" else _camel(k)): v for k, v in fields.items()}
    parts = []
    for name, messages in fields.items():
        msg = " ".join(messages)
        parts.append(msg if name == "non_field_errors" else f"{name}: {msg}")
    return {"error": "Invalid input. " + " ".join(parts), "fields": fields}


def exception_handler(exc, context):
    if isinstance(exc, errors.DomainError):
        exc = api_exception(exc)
    elif isinstance(exc, RequestDataTooBig):
        exc = PayloadTooLarge()
    elif isinstance(exc, SuspiciousOperation):
        exc = exceptions.ParseError("Malformed request.")
    elif isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(exc.message_dict if hasattr(exc, "error_dict") else exc.messages)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound("Not found.")
    elif isinstance(exc, RateLimited):
        exc = _throttled(exc)
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, DataError | OverflowError):
        # The last line of defence: input a parser, field or filter let through and the database refused
        # (a number past its column's range). Bad input, not a server fault; the statement changed nothing.
        logger.warning("Database refused a value: %s", exc)
        exc = exceptions.ValidationError({"non_field_errors": ["A value is out of the range the database can store."]})
    elif isinstance(exc, DatabaseUnavailable):
        exc = ServiceUnavailable()
    elif isinstance(exc, BrokerUnavailable):
        exc = ServiceUnavailable(BROKER_UNAVAILABLE_MESSAGE)
    elif isinstance(exc, UnscopedQueryError):
        raise exc  # a programming error: let it surface as a 500 (and fail the test that hit it)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        view = context.get("view")
        response.data = validation_error_body(exc.detail, camel=getattr(view, "camel_case", True))
    else:
        detail = getattr(exc, "detail", None)
        if isinstance(detail, dict):  # simplejwt's {"detail", "code", "messages"}: its sentence, not a repr
            detail = detail.get("detail") or next(iter(detail.values()), None)
        if isinstance(detail, list):
            detail = " ".join(str(d) for d in detail)
        message = str(detail) if detail is not None else "Error."
        response.data = {"error": message, **getattr(exc, "extra", {})}
    return response


def _throttled(exc: RateLimited) -> exceptions.Throttled:
    throttled = exceptions.Throttled(wait=exc.retry_after, detail=exc.message)
    throttled.extra = {"retry_after": exc.retry_after}  # camelCased to retryAfter by /api's renderer
    return throttled


def error_response(status_code: int, message: str, **extra) -> Response:
    return Response({"error": message, **extra}, status=status_code)
