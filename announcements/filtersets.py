"""FilterSets shared by announcement lists (HTML and API)."""

from __future__ import annotations

from django_filters import rest_framework as filters

from cad.core.filtersets import FilterSet

from .choices import AnnouncementPriority
from .models import Announcement


class AnnouncementFilterSet(FilterSet):
    priority = filters.ChoiceFilter(choices=AnnouncementPriority.choices)

    class Meta:
        model = Announcement
        fields = ["priority"]
