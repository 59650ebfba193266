from django.contrib import admin

from cad.core.admin import CommunityAdmin

from .models import Arrest, ArrestPhoto, Citation, Report, Suspect, Warrant


@admin.register(Report)
class ReportAdmin(CommunityAdmin):
    list_display = ("number", "title", "type", "status", "author", "community", "created_at", "archived_at")
    list_filter = ("community", "status", "type")
    search_fields = ("title", "body", "number")
    list_select_related = ("author", "community")
    raw_id_fields = ("author", "call", "involved_characters")
    readonly_fields = ("number", "created_at", "updated_at", "reviewed_at")


class ArrestPhotoInline(admin.TabularInline):
    model = ArrestPhoto
    extra = 0
    readonly_fields = ("content_type", "size", "created_at")
    fields = ("image", "content_type", "size", "created_at")

    def has_add_permission(self, request, obj=None):
        return False  # uploads go through the API, which validates the image


@admin.register(Arrest)
class ArrestAdmin(CommunityAdmin):
    list_display = ("character", "arrested_by", "jail_time_min", "fine_amount", "community", "created_at")
    list_select_related = ("character", "arrested_by", "community")
    raw_id_fields = ("character", "arrested_by", "report")
    inlines = [ArrestPhotoInline]


@admin.register(Citation)
class CitationAdmin(CommunityAdmin):
    list_display = ("violation", "character", "issued_by", "fine_amount", "points", "paid", "community", "created_at")
    list_filter = ("community", "paid")
    search_fields = ("violation",)
    list_select_related = ("character", "issued_by", "community")
    raw_id_fields = ("character", "issued_by")


@admin.register(Warrant)
class WarrantAdmin(CommunityAdmin):
    list_display = ("title", "character", "status", "issued_by", "community", "created_at")
    list_filter = ("community", "status")
    search_fields = ("title",)
    list_select_related = ("character", "issued_by", "community")
    raw_id_fields = ("character", "issued_by")


@admin.register(Suspect)
class SuspectAdmin(CommunityAdmin):
    list_display = ("__str__", "status", "character", "community", "created_at")
    list_filter = ("community", "status")
    search_fields = ("first_name", "last_name", "description")
    raw_id_fields = ("character", "call", "reports")
