"""The one plate rule. A plate is its letters and digits, upper-cased (004): "ab-c 12" is ABC12.

- `plate_key(raw)`: the form plates are stored, compared and searched in; never fails (junk is dropped,
  None is ""). BOLOs, lookups and records' involved vehicles match on it.
- `clean_plate(raw)`: a plate to register: letters, digits, spaces and dashes only, 2 to 8 characters
  once spaces and dashes are dropped; anything else is `Invalid`.
"""

from __future__ import annotations

import re
from typing import Any

from cad.core.errors import Invalid

PLATE_RE = re.compile(r"^[A-Z0-9]{2,8}$")
_NOT_PLATE = re.compile(r"[^A-Z0-9]")
_SEPARATORS = re.compile(r"[\s-]+")


def plate_key(raw: Any) -> str:
    return _NOT_PLATE.sub("", str(raw or "").upper())


def clean_plate(raw: Any, *, field: str = "plate") -> str:
    if not isinstance(raw, str):
        raise Invalid({field: ["Must be a string."]})
    plate = _SEPARATORS.sub("", raw).upper()
    if not PLATE_RE.match(plate):
        raise Invalid({field: ["2 to 8 letters and digits."]})
    return plate
