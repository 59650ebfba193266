"""Django admin: a base class that scopes every list and form to the communities the staff user
administers (superusers see everything), and the platform's own models."""

from __future__ import annotations

import uuid

from django.contrib import admin
from django.contrib.admin import widgets
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import ValidationError
from django.urls import NoReverseMatch, reverse
from django.utils.text import Truncator

from cad.core.choices import Role
from cad.core.tenancy import CommunityOwned

from . import models


def admin_community_ids(user) -> list:
    return list(models.Membership.objects.filter(user=user, role=Role.ADMIN).values_list("community_id", flat=True))


def _visible(model, user):
    """Rows of `model` the staff user may see: everything for superusers, else their communities'."""
    if model is models.Community:
        qs = models.Community.objects.all()
        return qs if user.is_superuser else qs.filter(pk__in=admin_community_ids(user))
    qs = model._default_manager.get_queryset().all_communities()
    return qs if user.is_superuser else qs.filter(community_id__in=admin_community_ids(user))


class CommunityListFilter(admin.SimpleListFilter):
    """The sidebar "By community" filter, offering only the user's communities (Django's default
    related filter would list every community of the deployment)."""

    title = "community"
    parameter_name = "community"

    def lookups(self, request, model_admin):
        return [(str(c.pk), c.name) for c in _visible(models.Community, request.user)]

    def queryset(self, request, queryset):
        value = self.value()
        if not value:
            return queryset
        try:
            return queryset.filter(community_id=uuid.UUID(value))
        except ValueError:
            return queryset.none()


class ScopedRawIdWidget(widgets.ForeignKeyRawIdWidget):
    """The raw-ID widget labels its value through the model's default manager, which is fail-closed
    for community-owned rows; look it up among the rows this admin may see instead."""

    def __init__(self, rel, admin_site, *, visible, **kwargs):
        super().__init__(rel, admin_site, **kwargs)
        self.visible = visible

    def label_and_url_for_value(self, value):
        key = self.rel.get_related_field().name
        try:
            obj = self.visible.get(**{key: value})
        except (ValueError, ValidationError, self.rel.model.DoesNotExist):
            return "", ""
        try:
            url = reverse(f"{self.admin_site.name}:{obj._meta.app_label}_{obj._meta.model_name}_change",
                          args=(obj.pk,))
        except NoReverseMatch:
            url = ""
        return Truncator(obj).words(14), url


class CommunityAdmin(admin.ModelAdmin):
    """Base for community-owned models: rows, filters, FK choices and saves stay inside the user's
    communities."""

    list_filter: tuple = ("community",)

    def get_list_filter(self, request):
        return [CommunityListFilter if f == "community" else f for f in super().get_list_filter(request)]

    def get_queryset(self, request):
        return _visible(self.model, request.user)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        related = db_field.related_model
        if related is models.Community or issubclass(related, CommunityOwned):
            kwargs["queryset"] = _visible(related, request.user)
            if db_field.name in self.raw_id_fields and related is not models.Community:
                kwargs["widget"] = ScopedRawIdWidget(db_field.remote_field, self.admin_site,
                                                     visible=kwargs["queryset"], using=kwargs.get("using"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if issubclass(db_field.related_model, CommunityOwned):
            kwargs["queryset"] = _visible(db_field.related_model, request.user)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_staff

    def has_view_permission(self, request, obj=None):
        return self._allowed(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._allowed(request, obj)

    def has_add_permission(self, request):
        return request.user.is_superuser or bool(admin_community_ids(request.user))

    def has_delete_permission(self, request, obj=None):
        return self._allowed(request, obj)

    def _allowed(self, request, obj) -> bool:
        if not (request.user.is_active and request.user.is_staff):
            return False
        if request.user.is_superuser:
            return True
        ids = admin_community_ids(request.user)
        if obj is None:
            return bool(ids)
        return self._community_id(obj) in ids

    def _community_id(self, obj):
        return obj.pk if isinstance(obj, models.Community) else obj.community_id


class _CommunityScopedByPk(CommunityAdmin):
    list_filter = ()

    def get_queryset(self, request):
        qs = models.Community.objects.all()
        return qs if request.user.is_superuser else qs.filter(pk__in=admin_community_ids(request.user))


class MembershipInline(admin.TabularInline):
    model = models.Membership
    extra = 0
    autocomplete_fields = ("user",)


@admin.register(models.Community)
class CommunityModelAdmin(_CommunityScopedByPk):
    list_display = ("name", "owner", "bolo_permission", "dmv_enabled", "weapons_enabled", "created_at")
    search_fields = ("name",)
    inlines = [MembershipInline]

    def has_add_permission(self, request):
        return request.user.is_superuser


@admin.register(models.Membership)
class MembershipAdmin(CommunityAdmin):
    list_display = ("user", "community", "role", "created_at")
    list_filter = ("community", "role")
    search_fields = ("user__username", "community__name")
    autocomplete_fields = ("user",)

    def get_queryset(self, request):
        qs = models.Membership.objects.select_related("user", "community")
        return qs if request.user.is_superuser else qs.filter(community_id__in=admin_community_ids(request.user))


@admin.register(models.Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ("user", "discord_id", "steam_hex", "active_community")
    search_fields = ("user__username", "discord_id", "steam_hex")

    def has_module_permission(self, request):
        return request.user.is_superuser


@admin.register(models.ApiToken)
class ApiTokenAdmin(CommunityAdmin):
    list_display = ("name", "community", "hint", "created_at", "last_used_at", "revoked_at")
    readonly_fields = ("token_hash", "hint", "created_at", "last_used_at")
    search_fields = ("name", "hint")

    def get_queryset(self, request):
        qs = models.ApiToken.objects.select_related("community")
        return qs if request.user.is_superuser else qs.filter(community_id__in=admin_community_ids(request.user))

    def has_add_permission(self, request):
        return False  # raw tokens are shown once: create them with the API or `manage.py createtoken`


@admin.register(models.Department)
class DepartmentAdmin(CommunityAdmin):
    list_display = ("name", "short_name", "type", "color", "community", "archived_at")
    list_filter = ("community", "type")
    search_fields = ("name", "short_name")


@admin.register(models.Division)
class DivisionAdmin(CommunityAdmin):
    list_display = ("name", "department", "community")
    search_fields = ("name",)


for value_model in (models.CallType, models.StatusCode, models.Disposition, models.LicenseClass,
                    models.ReportType, models.PenalCode):
    admin.site.register(
        value_model,
        type(f"{value_model.__name__}Admin", (CommunityAdmin,), {
            "list_display": ("name", "community", "position", "archived_at"),
            "search_fields": ("name",),
        }),
    )


@admin.register(models.AuditEntry)
class AuditEntryAdmin(CommunityAdmin):
    """Read-only: the log is written by the admin services and never edited."""

    list_display = ("created_at", "community", "actor_name", "action", "target_label")
    list_filter = ("action",)
    search_fields = ("actor_name", "action", "target_label")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(models.SoundFile)
class SoundFileAdmin(CommunityAdmin):
    list_display = ("event", "community", "content_type", "size", "created_at")
    readonly_fields = ("file", "content_type", "size", "uploaded_by", "created_at")

    def has_add_permission(self, request):
        return False  # uploaded on /settings, where the file's type is checked


@admin.register(models.User)
class UserAdmin(DjangoUserAdmin):
    """Accounts are deployment-wide (a user may belong to several communities): superusers only."""

    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser
