"""JSON columns that give back the numbers a client sent.

PostgreSQL's jsonb keeps a number as `numeric` and prints it in full: a float written as `1.5e+300`
(Python's spelling of anything from 1e16 up) comes back as a 301-digit integer, which Python and Lua read
as an integer, not the float that was sent. `numeric` keeps the number of decimals it was given, so the
encoder here writes such a float as its digits followed by `.0` (the exact decimal of Python's shortest
repr): jsonb prints it back with the `.0`, every JSON reader parses a float, and it is the same double.
Floats below 1e16 and every integer are written as json.dumps writes them (they already round-trip).
Models set `encoder=FloatKeepingEncoder` on JSON fields that hold what clients send.
"""

from __future__ import annotations

import json
import math
import secrets
from decimal import Decimal

from django.core.serializers.json import DjangoJSONEncoder


def _exact_float(value: float) -> str:
    return f"{Decimal(repr(value)):f}.0"


class FloatKeepingEncoder(DjangoJSONEncoder):
    def encode(self, o) -> str:
        wide: dict[str, str] = {}
        nonce = secrets.token_hex(8)

        def swap(value):
            kind = type(value)
            if kind is float and math.isfinite(value) and "e+" in repr(value):
                token = f"float:{nonce}:{len(wide)}"
                wide[json.dumps(token)] = _exact_float(value)
                return token
            if kind is dict:
                return {key: swap(sub) for key, sub in value.items()}
            if kind is list or kind is tuple:
                return [swap(sub) for sub in value]
            return value

        text = super().encode(swap(o))
        for quoted, digits in wide.items():  # the nonce makes each token unique in this document
            text = text.replace(quoted, digits, 1)
        return text
