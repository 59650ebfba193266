"""FilterSets shared by the units API list (000's `GET /api/dispatch/units`) and HTML lists."""

from __future__ import annotations

import django_filters
from django.db.models import Q

from cad.core.filtersets import FilterSet

from .choices import UnitJob, UnitState
from .models import Unit


class UnitFilterSet(FilterSet):
    """`job`, `state` (canonical), `department` (ID) and `query` (callsign, character or user name)."""

    job = django_filters.ChoiceFilter(choices=UnitJob.choices)
    state = django_filters.ChoiceFilter(choices=UnitState.choices)
    department = django_filters.UUIDFilter(field_name="department_id")
    query = django_filters.CharFilter(method="filter_query", max_length=100)

    class Meta:
        model = Unit
        fields: list[str] = []

    def filter_query(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(character__first_name__icontains=value)
                               | Q(character__last_name__icontains=value) | Q(user__username__icontains=value))
