from django.contrib import admin

from cad.core.admin import CommunityAdmin

from .models import ActiveDispatcher, Tone, Unit


@admin.register(Unit)
class UnitAdmin(CommunityAdmin):
    list_display = ("name", "community", "job", "state", "on_duty", "department", "radio_channel", "last_activity_at")
    list_filter = ("community", "on_duty", "job", "state")
    search_fields = ("name", "external_id", "character__first_name", "character__last_name", "user__username")
    list_select_related = ("community", "department")
    raw_id_fields = ("user", "character", "current_call")
    readonly_fields = ("created_at", "updated_at", "on_duty_since", "last_activity_at")


@admin.register(ActiveDispatcher)
class ActiveDispatcherAdmin(CommunityAdmin):
    list_display = ("user", "community", "department", "created_at")
    list_select_related = ("community", "user", "department")
    raw_id_fields = ("user",)


@admin.register(Tone)
class ToneAdmin(CommunityAdmin):
    list_display = ("type", "description", "community", "created_by", "created_at", "archived_at")
    list_filter = ("community", "type")
    list_select_related = ("community", "created_by")
    raw_id_fields = ("created_by",)
