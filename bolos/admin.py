from django.contrib import admin

from cad.core.admin import CommunityAdmin

from .models import Bolo


@admin.register(Bolo)
class BoloAdmin(CommunityAdmin):
    list_display = ("__str__", "type", "priority", "vehicle_plate", "is_active", "expires_at", "community",
                    "created_by_name", "created_at")
    list_filter = ("community", "type", "priority", "is_active")
    search_fields = ("reason", "description", "vehicle_plate", "subject_first_name", "subject_last_name")
    list_select_related = ("community",)
    readonly_fields = ("viewed_by", "created_at", "updated_at", "deactivated_at", "deactivated_by")
    raw_id_fields = ("created_by_user", "created_by_character", "suspect", "stolen_vehicle")
    date_hierarchy = "created_at"
