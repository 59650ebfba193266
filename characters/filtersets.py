"""FilterSets shared by the characters API lists and HTML lists. Query names are camelCase like the wire.

`mine=true` narrows to the caller's own rows; `archived=true` shows archived rows instead of live ones."""

from __future__ import annotations

import django_filters
from django.db.models import Q

from cad.core import access
from cad.core.filtersets import FilterSet

from .choices import ApplicationStatus, CharacterType, LicenseStatus
from .models import Character, DrivingLicense, Vehicle, Weapon, WeaponLicenseApplication


class _OwnedFilterSet(FilterSet):
    mine = django_filters.BooleanFilter(method="filter_mine")
    archived = django_filters.BooleanFilter(method="filter_archived")
    owner_path = "user"

    def filter_mine(self, queryset, name, value):
        if not value:
            return queryset
        user = access.person(getattr(self.request, "user", None))
        if user is None:
            return queryset.none()
        return queryset.filter(**{self.owner_path: user})

    def filter_archived(self, queryset, name, value):
        return queryset  # applied in `qs` so that absent means "live only"

    @property
    def qs(self):
        queryset = super().qs
        archived = (getattr(self.form, "cleaned_data", None) or {}).get("archived")
        return queryset.filter(archived_at__isnull=not archived)


class CharacterFilterSet(_OwnedFilterSet):
    type = django_filters.MultipleChoiceFilter(choices=CharacterType.choices)
    departmentId = django_filters.UUIDFilter(field_name="department_id")  # noqa: N815
    userId = django_filters.NumberFilter(field_name="user_id")  # noqa: N815
    name = django_filters.CharFilter(method="filter_name", max_length=120)
    ssn = django_filters.CharFilter(field_name="ssn", max_length=11)
    licenseNumber = django_filters.CharFilter(field_name="license_number", lookup_expr="iexact", max_length=16)  # noqa: N815
    phone = django_filters.CharFilter(field_name="phone", max_length=32)

    class Meta:
        model = Character
        fields: list[str] = []

    def filter_name(self, queryset, name, value):
        for word in value.split()[:3]:
            queryset = queryset.filter(Q(first_name__icontains=word)
                                       | Q(last_name__icontains=word))
        return queryset


class VehicleFilterSet(_OwnedFilterSet):
    owner_path = "owner__user"
    plate = django_filters.CharFilter(method="filter_plate", max_length=20)
    characterId = django_filters.UUIDFilter(field_name="owner_id")  # noqa: N815
    isStolen = django_filters.BooleanFilter(field_name="is_stolen")  # noqa: N815

    class Meta:
        model = Vehicle
        fields: list[str] = []

    def filter_plate(self, queryset, name, value):
        return queryset.filter(plate__icontains="".join(value.split()).replace("-", ""))


class LicenseFilterSet(_OwnedFilterSet):
    owner_path = "character__user"
    characterId = django_filters.UUIDFilter(field_name="character_id")  # noqa: N815
    status = django_filters.MultipleChoiceFilter(choices=LicenseStatus.choices)

    class Meta:
        model = DrivingLicense
        fields: list[str] = []


class WeaponFilterSet(_OwnedFilterSet):
    owner_path = "owner__user"
    characterId = django_filters.UUIDFilter(field_name="owner_id")  # noqa: N815
    serialNumber = django_filters.CharFilter(field_name="serial_number", lookup_expr="icontains", max_length=40)  # noqa: N815

    class Meta:
        model = Weapon
        fields: list[str] = []


class WeaponLicenseApplicationFilterSet(FilterSet):
    mine = django_filters.BooleanFilter(method="filter_mine")
    characterId = django_filters.UUIDFilter(field_name="character_id")  # noqa: N815
    status = django_filters.MultipleChoiceFilter(choices=ApplicationStatus.choices)

    class Meta:
        model = WeaponLicenseApplication
        fields: list[str] = []

    def filter_mine(self, queryset, name, value):
        user = getattr(self.request, "user", None)
        if not value:
            return queryset
        return queryset.filter(character__user=user) if getattr(user, "pk", None) else queryset.none()
