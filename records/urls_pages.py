from django.urls import path

from . import pages

urlpatterns = [
    path("records", pages.records, name="records"),
    path("records/queue", pages.queue, name="records-queue"),
    path("records/mine", pages.my_reports, name="records-mine"),
    path("records/calls", pages.call_search, name="records-call-search"),
    path("records/reports/new", pages.report_new, name="records-report-new"),
    path("records/reports/<uuid:report_id>", pages.report_detail, name="records-report"),
    path("records/reports/<uuid:report_id>/edit", pages.report_edit, name="records-report-edit"),
    path("records/reports/<uuid:report_id>/review", pages.review, name="records-review"),
    path("records/arrests/<uuid:record_id>", pages.arrest_detail, name="records-arrest"),
    path("records/citations/<uuid:record_id>", pages.citation_detail, name="records-citation"),
    path("records/warrants/<uuid:record_id>", pages.warrant_detail, name="records-warrant"),
    path("records/warrants/<uuid:warrant_id>/status", pages.warrant_status, name="records-warrant-status"),
]
