"""Call filters shared by API lists and HTML lists (001's 911-call list parameters, spelled as 001 does)."""

from __future__ import annotations

from django.db.models import Q
from django_filters import rest_framework as filters

from cad.core.filtersets import FilterSet

from .choices import OPEN_STATUSES, CallApproval, CallOrigin, CallStatus
from .models import Call


class CallFilterSet(FilterSet):
    includeEnded = filters.BooleanFilter(method="_noop", label="Include closed and cancelled calls")  # noqa: N815
    query = filters.CharFilter(method="filter_query", max_length=100)
    department = filters.UUIDFilter(field_name="department_id")
    division = filters.UUIDFilter(field_name="division_id")
    assignedUnit = filters.UUIDFilter(method="filter_assigned_unit")  # noqa: N815
    status = filters.ChoiceFilter(choices=CallStatus.choices)
    origin = filters.ChoiceFilter(choices=CallOrigin.choices)
    approval = filters.ChoiceFilter(choices=CallApproval.choices)

    class Meta:
        model = Call
        fields: list[str] = []

    def _noop(self, queryset, name, value):
        return queryset  # applied in filter_queryset: ended calls are hidden unless asked for

    def filter_query(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        match = (Q(title__icontains=value) | Q(call_type__icontains=value) | Q(location__icontains=value)
                 | Q(description__icontains=value) | Q(caller__icontains=value) | Q(postal__iexact=value))
        digits = value.lstrip("#")
        if digits.isdigit():
            match |= Q(number=int(digits))
        return queryset.filter(match)

    def filter_assigned_unit(self, queryset, name, value):
        return queryset.filter(assignments__unit_id=value).distinct()

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        if not self.form.cleaned_data.get("includeEnded") and not self.form.cleaned_data.get("status"):
            queryset = queryset.filter(status__in=OPEN_STATUSES)
        return queryset
