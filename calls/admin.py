"""Admin for calls: community admins see their communities' calls, archived ones included."""

from __future__ import annotations

from django.contrib import admin

from cad.core.admin import CommunityAdmin

from .models import Call, CallAssignment, CallNote, PanicAlert


class CallNoteInline(admin.TabularInline):
    model = CallNote
    extra = 0
    fields = ("created_at", "kind", "label", "author_name", "text")
    readonly_fields = ("created_at",)

    def get_queryset(self, request):
        return CallNote.objects.all_communities()


class CallAssignmentInline(admin.TabularInline):
    model = CallAssignment
    extra = 0
    fields = ("unit", "state", "is_primary", "assigned_at")
    readonly_fields = ("unit", "assigned_at")

    def get_queryset(self, request):
        return CallAssignment.objects.all_communities().select_related("unit")


class PanicAlertInline(admin.StackedInline):
    model = PanicAlert
    extra = 0
    can_delete = False
    fields = ("callsign", "officer_name", "location", "postal", "source", "created_at", "acknowledged_at",
              "acknowledged_by_name")
    readonly_fields = fields

    def get_queryset(self, request):
        return PanicAlert.objects.all_communities()


@admin.register(Call)
class CallAdmin(CommunityAdmin):
    list_display = ("number", "title", "call_type", "status", "priority", "origin", "community", "created_at",
                    "archived_at")
    list_filter = ("community", "status", "origin", "priority")
    list_select_related = ("community",)
    search_fields = ("title", "call_type", "location", "caller", "description")
    readonly_fields = ("number", "created_at", "updated_at", "closed_at", "last_activity_at", "archived_at",
                       "archive_reason", "archived_by_name", "created_by", "closed_by", "created_by_character",
                       "scene_commander")
    exclude = ("attached_civilians", "attached_vehicles")
    inlines = [CallAssignmentInline, CallNoteInline, PanicAlertInline]
    ordering = ("-created_at",)

    def has_add_permission(self, request):
        return False  # numbers come from the per-community sequence: create calls through the API

    def has_delete_permission(self, request, obj=None):
        return False  # nothing is lost: archive through the API (DELETE /api/calls/:id)
