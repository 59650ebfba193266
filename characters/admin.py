"""Django admin for characters and what they own, scoped to the communities the staff user administers."""

from __future__ import annotations

from django.contrib import admin

from cad.core.admin import CommunityAdmin, admin_community_ids
from cad.core.tenancy import CommunityOwned

from . import models


class _ScopedInline(admin.TabularInline):
    """Inline rows are narrowed by their parent, itself scoped by CommunityAdmin."""

    def get_queryset(self, request):
        return self.model._default_manager.get_queryset().all_communities()

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        related = db_field.related_model
        if issubclass(related, CommunityOwned):
            qs = related.objects.all_communities()
            if not request.user.is_superuser:
                qs = qs.filter(community_id__in=admin_community_ids(request.user))
            kwargs["queryset"] = qs
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class VehicleInline(_ScopedInline):
    model = models.Vehicle
    fk_name = "owner"
    extra = 0
    fields = ("plate", "make", "model", "color", "is_stolen", "registration_status", "archived_at")
    show_change_link = True


class LicenseInline(_ScopedInline):
    model = models.DrivingLicense
    extra = 0
    fields = ("license_class", "status", "points", "suspended_until", "override", "archived_at")
    readonly_fields = ("points",)
    show_change_link = True


@admin.register(models.Character)
class CharacterAdmin(CommunityAdmin):
    list_display = ("full_name", "type", "community", "user", "license_number", "ssn", "department", "archived_at")
    list_filter = ("community", "type")
    search_fields = ("first_name", "last_name", "license_number", "ssn", "phone")
    list_select_related = ("community", "user", "department")
    raw_id_fields = ("user",)
    readonly_fields = ("created_at", "updated_at")
    inlines = [VehicleInline, LicenseInline]


@admin.register(models.Vehicle)
class VehicleAdmin(CommunityAdmin):
    list_display = ("plate", "make", "model", "owner", "community", "is_stolen", "registration_status", "archived_at")
    list_filter = ("community", "is_stolen", "registration_status", "insurance_status")
    search_fields = ("plate", "vin", "owner__first_name", "owner__last_name")
    list_select_related = ("community", "owner")
    autocomplete_fields = ("owner",)


class PointEntryInline(_ScopedInline):
    model = models.LicensePointEntry
    extra = 0
    fields = ("points", "issued_at", "source")


@admin.register(models.DrivingLicense)
class DrivingLicenseAdmin(CommunityAdmin):
    list_display = ("character", "license_class", "status", "points", "suspended_until", "override", "community")
    list_filter = ("community", "status", "override")
    search_fields = ("character__first_name", "character__last_name", "character__license_number")
    list_select_related = ("community", "character", "license_class")
    autocomplete_fields = ("character",)
    readonly_fields = ("points", "issued_at", "updated_at")
    inlines = [PointEntryInline]


@admin.register(models.Weapon)
class WeaponAdmin(CommunityAdmin):
    list_display = ("serial_number", "make", "model", "caliber", "owner", "community", "archived_at")
    search_fields = ("serial_number", "owner__first_name", "owner__last_name")
    list_select_related = ("community", "owner")
    autocomplete_fields = ("owner",)


@admin.register(models.WeaponLicenseApplication)
class WeaponLicenseApplicationAdmin(CommunityAdmin):
    list_display = ("character", "status", "decided_by", "decided_at", "created_at", "community")
    list_filter = ("community", "status")
    list_select_related = ("community", "character", "decided_by")
    autocomplete_fields = ("character",)
    raw_id_fields = ("decided_by",)


@admin.register(models.ActiveCharacter)
class ActiveCharacterAdmin(CommunityAdmin):
    list_display = ("user", "character", "community", "updated_at")
    list_select_related = ("community", "user", "character")
    autocomplete_fields = ("character",)
    raw_id_fields = ("user",)
