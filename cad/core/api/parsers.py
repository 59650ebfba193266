"""JSON parsers that turn every malformed body into a 400, never a 500.

The stock parsers catch ValueError only; a deeply nested document raises RecursionError, and
`NaN`/`Infinity` parse into floats that no JSON column accepts.
"""

from __future__ import annotations

import json

from django.conf import settings
from djangorestframework_camel_case.parser import CamelCaseJSONParser as _CamelCaseJSONParser
from djangorestframework_camel_case.settings import api_settings as camel_settings
from djangorestframework_camel_case.util import underscoreize
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser


def _reject_constant(name: str):
    raise ValueError(f"{name} is not valid JSON")


def loads_strict(raw: bytes | str):
    """json.loads that refuses NaN/Infinity and reports nesting bombs as ValueError."""
    try:
        return json.loads(raw, parse_constant=_reject_constant)
    except RecursionError:
        raise ValueError("JSON nested too deeply") from None


def _parse(stream, parser_context) -> object:
    encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
    try:
        return loads_strict(stream.read().decode(encoding))
    except (ValueError, UnicodeDecodeError) as exc:
        raise ParseError(f"JSON parse error - {exc}") from None


class StrictJSONParser(JSONParser):
    """/fivem/* and other snake_case routes."""

    def parse(self, stream, media_type=None, parser_context=None):
        return _parse(stream, parser_context)


class CamelCaseJSONParser(_CamelCaseJSONParser):
    """/api/*: camelCase on the wire, snake_case in serializers."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return underscoreize(_parse(stream, parser_context), **camel_settings.JSON_UNDERSCOREIZE)
        except RecursionError:
            raise ParseError("JSON parse error - nested too deeply") from None
