from django.contrib import admin, messages

from cad.core.admin import CommunityAdmin

from . import services
from .models import ActiveDispatcher, DispatchState, Tone, Unit


@admin.register(Unit)
class UnitAdmin(CommunityAdmin):
    """Units are kept (history of calls and duty); taking one off duty is the action, not deletion."""

    list_display = ("name", "community", "job", "state", "on_duty", "department", "radio_channel", "last_activity_at")
    list_filter = ("community", "on_duty", "job", "state")
    search_fields = ("name", "external_id", "character__first_name", "character__last_name", "user__username")
    list_select_related = ("community", "department")
    raw_id_fields = ("user", "character", "current_call")
    readonly_fields = ("on_duty", "created_at", "updated_at", "on_duty_since", "last_activity_at")
    actions = ["take_off_duty"]

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description="Take the selected units off duty")
    def take_off_duty(self, request, queryset):
        done = sum(services.unit_off_duty(unit=unit, by=request.user) is not None
                   for unit in queryset.filter(on_duty=True))
        self.message_user(request, f"{done} unit(s) taken off duty.", messages.SUCCESS)


@admin.register(ActiveDispatcher)
class ActiveDispatcherAdmin(CommunityAdmin):
    list_display = ("user", "community", "department", "created_at")
    list_select_related = ("community", "user", "department")
    raw_id_fields = ("user",)


@admin.register(Tone)
class ToneAdmin(CommunityAdmin):
    """Tones are archived through the API (DELETE /api/dispatch/tones/:id), never deleted."""

    list_display = ("type", "description", "community", "created_by", "created_at", "archived_at")
    list_filter = ("community", "type")
    list_select_related = ("community", "created_by")
    raw_id_fields = ("created_by",)

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(DispatchState)
class DispatchStateAdmin(CommunityAdmin):
    """Read-only here: the area of play and Signal 100 are set by dispatch (the board, 001's routes), which
    announces them; an edit here would not be heard by any client."""

    list_display = ("community", "area_of_play", "signal100", "signal100_call", "updated_at")
    list_select_related = ("community", "signal100_call")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
