from django.contrib import admin

from cad.core.admin import CommunityAdmin

from .models import Announcement


@admin.register(Announcement)
class AnnouncementAdmin(CommunityAdmin):
    list_display = ("title", "priority", "community", "created_by_name", "expires_at", "created_at")
    list_filter = ("community", "priority")
    search_fields = ("title", "message")
    list_select_related = ("community",)
    readonly_fields = ("created_by", "created_at", "removal_published_at")
