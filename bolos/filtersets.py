"""FilterSets shared by the BOLO API list (001's `GET /api/bolos`) and HTML lists."""

from __future__ import annotations

import django_filters

from cad.core.filtersets import FilterSet

from .choices import BoloType
from .models import Bolo
from .selectors import bolo_search, not_expired

# 001 writes VEHICLE/PERSON/OTHER, 004 and the UI vehicle/person/other: accept both.
_TYPE_CHOICES = [*BoloType.choices, *[(value.upper(), label) for value, label in BoloType.choices]]


class BoloFilterSet(FilterSet):
    """`query` (text across reason, description, subject and vehicle), `type` (any case) and `includeAll`
    (false: only active, unexpired BOLOs; true: deactivated and expired ones too)."""

    query = django_filters.CharFilter(method="filter_query", max_length=200)
    type = django_filters.ChoiceFilter(choices=_TYPE_CHOICES, method="filter_type")
    includeAll = django_filters.BooleanFilter(method="filter_include_all")  # noqa: N815 - 001's query name

    class Meta:
        model = Bolo
        fields: list[str] = []

    def filter_query(self, queryset, name, value):
        # The queryset is already scoped to one community (API view or HTML list): search within it.
        return bolo_search(None, query=value, qs=queryset) if value.strip() else queryset

    def filter_type(self, queryset, name, value):
        return queryset.filter(type=value.lower())

    def filter_include_all(self, queryset, name, value):
        return queryset  # applied in `qs`, which also covers the parameter being absent

    @property
    def qs(self):
        queryset = super().qs
        if not (getattr(self.form, "cleaned_data", None) or {}).get("includeAll"):
            queryset = queryset.filter(not_expired(), is_active=True)
        return queryset
