"""FilterSets shared by the records API lists and HTML lists. Query names are camelCase on /api/*
(`?authorId=`), the snake_case twins work too."""

from __future__ import annotations

import django_filters as filters
from django.db.models import Q

from cad.core.filtersets import FilterSet

from .choices import ReportKind, ReportStatus, SuspectStatus, WarrantStatus
from .models import Arrest, Citation, Report, Suspect, Warrant


class _Base(FilterSet):
    character_id = filters.UUIDFilter(field_name="character_id")
    characterId = filters.UUIDFilter(field_name="character_id")  # noqa: N815
    created_after = filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="gte")
    createdAfter = filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="gte")  # noqa: N815
    created_before = filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="lt")
    createdBefore = filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="lt")  # noqa: N815
    q = filters.CharFilter(method="search", max_length=100)
    text_fields: tuple[str, ...] = ()  # the record's own text searched besides the person's name

    def search(self, queryset, name, value):
        for term in value.split()[:5]:
            match = Q(character__first_name__icontains=term) | Q(character__last_name__icontains=term)
            for field in self.text_fields:
                match |= Q(**{f"{field}__icontains": term})
            queryset = queryset.filter(match)
        return queryset


class ReportFilterSet(FilterSet):
    """`?status=pending` is the supervisor review queue."""

    status = filters.ChoiceFilter(choices=ReportStatus.choices)
    type = filters.ChoiceFilter(choices=ReportKind.choices)
    author_id = filters.UUIDFilter(field_name="author_id")
    authorId = filters.UUIDFilter(field_name="author_id")  # noqa: N815
    call_id = filters.UUIDFilter(field_name="call_id")
    callId = filters.UUIDFilter(field_name="call_id")  # noqa: N815
    number = filters.NumberFilter(field_name="number")
    q = filters.CharFilter(method="search", max_length=100)

    class Meta:
        model = Report
        fields: list[str] = []

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        match = Q(title__icontains=value) | Q(body__icontains=value)
        if value.lstrip("#").isdigit():
            match |= Q(number=int(value.lstrip("#")))
        return queryset.filter(match)


class ArrestFilterSet(_Base):
    arrested_by = filters.UUIDFilter(field_name="arrested_by_id")
    arrestedBy = filters.UUIDFilter(field_name="arrested_by_id")  # noqa: N815
    report_id = filters.UUIDFilter(field_name="report_id")
    reportId = filters.UUIDFilter(field_name="report_id")  # noqa: N815

    class Meta:
        model = Arrest
        fields: list[str] = []


class CitationFilterSet(_Base):
    issued_by = filters.UUIDFilter(field_name="issued_by_id")
    issuedBy = filters.UUIDFilter(field_name="issued_by_id")  # noqa: N815
    paid = filters.BooleanFilter()

    text_fields = ("violation",)

    class Meta:
        model = Citation
        fields: list[str] = []


class WarrantFilterSet(_Base):
    status = filters.ChoiceFilter(choices=WarrantStatus.choices)
    issued_by = filters.UUIDFilter(field_name="issued_by_id")
    issuedBy = filters.UUIDFilter(field_name="issued_by_id")  # noqa: N815

    text_fields = ("title",)

    class Meta:
        model = Warrant
        fields: list[str] = []


class SuspectFilterSet(FilterSet):
    status = filters.ChoiceFilter(choices=SuspectStatus.choices)
    call_id = filters.UUIDFilter(field_name="call_id")
    callId = filters.UUIDFilter(field_name="call_id")  # noqa: N815
    character_id = filters.UUIDFilter(field_name="character_id")
    characterId = filters.UUIDFilter(field_name="character_id")  # noqa: N815
    q = filters.CharFilter(method="search", max_length=100)

    class Meta:
        model = Suspect
        fields: list[str] = []

    def search(self, queryset, name, value):
        for term in value.split()[:5]:
            queryset = queryset.filter(Q(first_name__icontains=term) | Q(last_name__icontains=term)
                                       | Q(description__icontains=term))
        return queryset
