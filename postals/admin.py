from django.contrib import admin

from cad.core.admin import CommunityAdmin

from .models import PostalTable


@admin.register(PostalTable)
class PostalTableAdmin(CommunityAdmin):
    list_display = ("__str__", "community", "size", "name", "created_at", "archived_at")
    list_select_related = ("community",)
    readonly_fields = ("revision", "size", "created_at")
    raw_id_fields = ("uploaded_by",)
    exclude = ("entries",)  # 1,700 rows of JSON are no form field; download them through the API
