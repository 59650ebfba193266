from django.contrib import admin

from cad.core.admin import CommunityAdmin

from .models import LookupHistory


@admin.register(LookupHistory)
class LookupHistoryAdmin(CommunityAdmin):
    list_display = ("query", "type", "user", "result_count", "community", "created_at")
    list_filter = ("community", "type")
    search_fields = ("query", "user__username")
    list_select_related = ("user", "community")
    readonly_fields = ("user", "token", "type", "detected_types", "query", "result_count", "created_at")

    def has_add_permission(self, request):
        return False
