"""The base of every app's FilterSet: query values a database can hold, or a 400 naming the parameter.

Query strings parse into Python values that are fine in Python and refused by PostgreSQL: an aware
datetime whose UTC offset is beyond ±15:59 (`2020-01-01T00:00:00+16:00`), a number beyond a bigint.
Checked once here, after the filters' own form fields have cleaned the values.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from decimal import Decimal

import django_filters

MAX_UTC_OFFSET = timedelta(hours=15, minutes=59)
INT_LIMIT = 2**63


def unusable_filter_value(value) -> str | None:
    if isinstance(value, datetime):
        offset = value.utcoffset()
        if offset is not None and abs(offset) > MAX_UTC_OFFSET:
            return "The UTC offset must be within ±15:59."
    elif isinstance(value, bool):
        return None
    elif isinstance(value, int | float | Decimal):
        if isinstance(value, float | Decimal) and not math.isfinite(value):
            return "This number is out of range."
        if not -INT_LIMIT < value < INT_LIMIT:
            return "This number is out of range."
    elif isinstance(value, slice):  # range filters
        return unusable_filter_value(value.start) or unusable_filter_value(value.stop)
    elif isinstance(value, list | tuple):
        return next((p for p in map(unusable_filter_value, value) if p), None)
    return None


class FilterSet(django_filters.FilterSet):
    def get_form_class(self):
        base = super().get_form_class()

        def clean(form):
            cleaned = base.clean(form)
            for name, value in list((cleaned or {}).items()):
                problem = unusable_filter_value(value)
                if problem:
                    form.add_error(name, problem)
            return cleaned

        return type(base.__name__, (base,), {"clean": clean})
