"""JSON parsers that turn every malformed body into a 400, never a 500.

The stock parsers catch ValueError only; a deeply nested document raises RecursionError, and
`NaN`/`Infinity` parse into floats that no JSON column accepts. Past the syntax, a document may hold
values that parse in Python but that PostgreSQL (or another client) cannot store or read back: a NUL
character, a lone UTF-16 surrogate (`"\ud800"`), a number too big for a float (`1e999`) or for a
64-bit integer. Every JSON body of every route is checked for those here, once, and the offending
value is named by its path (`metadata.note`) in a 400.
"""

from __future__ import annotations

import json
import math
import re

from django.conf import settings
from djangorestframework_camel_case.parser import CamelCaseJSONParser as _CamelCaseJSONParser
from djangorestframework_camel_case.settings import api_settings as camel_settings
from djangorestframework_camel_case.util import underscoreize
from rest_framework.exceptions import ParseError, ValidationError
from rest_framework.parsers import JSONParser


def _reject_constant(name: str):
    raise ValueError(f"{name} is not valid JSON")


INT_LIMIT = 2**63  # a bigint column's range; no field of this API holds more
_UNSTORABLE_TEXT = re.compile("[\x00\ud800-\udfff]")


class UnstorableValue(ValueError):
    """A well-formed JSON value that cannot be stored or read back; `path` names where it is."""

    def __init__(self, path: str, message: str):
        super().__init__(f"{path}: {message}" if path else message)
        self.path, self.message = path, message


def _text_problem(text: str) -> str | None:
    found = _UNSTORABLE_TEXT.search(text)
    if found is None:
        return None
    if found.group() == "\x00":
        return "NUL characters are not allowed."
    return "Text must be valid Unicode (a lone surrogate such as \\ud800 is not)."


def check_storable(value, path: str = "") -> None:
    """Raise UnstorableValue for the first NUL, lone surrogate, non-finite number or out-of-range
    integer anywhere in `value` (keys included)."""
    stack = [(path, value)]
    while stack:
        where, item = stack.pop()
        kind = type(item)
        if kind is str:
            problem = _text_problem(item)
            if problem:
                raise UnstorableValue(where, problem)
        elif kind is dict:
            for key, sub in item.items():
                problem = _text_problem(key)
                if problem:
                    raise UnstorableValue(where, f"a key: {problem}")
                stack.append((f"{where}.{key}" if where else key, sub))
        elif kind is list:
            stack.extend((f"{where}[{i}]", sub) for i, sub in enumerate(item))
        elif kind is float:
            if not math.isfinite(item):
                raise UnstorableValue(where, "This number is out of range.")
        elif kind is int and not -INT_LIMIT <= item < INT_LIMIT:
            raise UnstorableValue(where, "This number is out of range.")


def loads_strict(raw: bytes | str):
    """json.loads that refuses NaN/Infinity, reports nesting bombs as ValueError and values no
    database column can hold as UnstorableValue (a ValueError)."""
    try:
        data = json.loads(raw, parse_constant=_reject_constant)
    except RecursionError:
        raise ValueError("JSON nested too deeply") from None
    check_storable(data)
    return data


def _parse(stream, parser_context) -> object:
    encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
    try:
        return loads_strict(stream.read().decode(encoding))
    except UnstorableValue as exc:
        raise ValidationError({exc.path or "non_field_errors": [exc.message]}) from None
    except (ValueError, UnicodeDecodeError, LookupError) as exc:
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
