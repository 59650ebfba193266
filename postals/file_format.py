"""Reading the common nearest-postal JSON (DevBlocky/nearest-postal's `new-postals.json` and its many
copies): `[{"code": "2000", "x": 2325.43, "y": 5147.21}, ...]`. Shared by the API and the settings page."""

from __future__ import annotations

import json
import math

from cad.core.errors import Invalid

MAX_POSTALS = 20_000  # the base map has about 1,700; add-on maps add a few hundred each
MAX_CODE = 16


class PostalFileError(Invalid):
    """The upload is not a postal table; the message (on the `postals` field) says where and why."""

    def __init__(self, message: str):
        super().__init__({"postals": message})


def parse_postal_table(data) -> list[dict]:
    """Clean entries `{code: str, x: float, y: float}` from JSON text/bytes or already-parsed JSON (a list,
    or an object holding the list under `postals`)."""
    if isinstance(data, bytes | bytearray | str):
        try:
            data = json.loads(data, parse_constant=_refuse_constant)
        except (ValueError, RecursionError) as exc:
            raise PostalFileError(f"Not valid JSON: {exc}.") from None
    if isinstance(data, dict) and "postals" in data:
        data = data["postals"]
    if not isinstance(data, list) or not data:
        raise PostalFileError('Expected a non-empty list of postals: [{"code": "2000", "x": 2325.43, "y": 5147.21}].')
    if len(data) > MAX_POSTALS:
        raise PostalFileError(f"At most {MAX_POSTALS} postals.")
    entries = []
    for i, item in enumerate(data):
        if not isinstance(item, dict):
            raise PostalFileError(f"Postal {i + 1}: an object {{code, x, y}} is required.")
        code = item.get("code")
        if type(code) is int:
            code = str(code)
        if not isinstance(code, str) or not code.strip() or len(code.strip()) > MAX_CODE:
            raise PostalFileError(f"Postal {i + 1}: code must be text of 1 to {MAX_CODE} characters.")
        point = []
        for axis in ("x", "y"):
            value = item.get(axis)
            if type(value) not in (int, float) or not math.isfinite(value):
                raise PostalFileError(f"Postal {i + 1} ({code.strip()}): {axis} must be a finite number.")
            point.append(float(value))
        entries.append({"code": code.strip(), "x": point[0], "y": point[1]})
    return entries


def _refuse_constant(name: str):
    raise ValueError(f"{name} is not a number")
