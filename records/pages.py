"""The records pages (/records): searchable, paged lists of reports, arrests, citations and warrants, an
author's own reports with their status, the supervisor's review queue, and the report form (new, and a
rejected report's resubmission). Views parse and call records.services; a domain error becomes a form error."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cad.core.choices import Role
from cad.core.errors import DomainError
from cad.core.forms import service_errors
from calls.selectors import call_of_unit, call_queryset
from characters.models import Character
from web.access import community_object_or_404, has_role, page, require_role
from web.fragments import fragment_of

from . import selectors, services
from .choices import ReportKind, ReportStatus, WarrantStatus
from .filtersets import ArrestFilterSet, CitationFilterSet, ReportFilterSet, WarrantFilterSet
from .forms import ReportForm, ReviewForm

PAGE_SIZE = 25
TABS = {
    "reports": ("Reports", selectors.reports, ReportFilterSet),
    "arrests": ("Arrests", selectors.arrests, ArrestFilterSet),
    "citations": ("Citations", selectors.citations, CitationFilterSet),
    "warrants": ("Warrants", selectors.warrants, WarrantFilterSet),
}


def _officer_character(request) -> Character | None:
    from characters.services import active_character

    character = active_character(request.user, request.community)
    if character is None or character.type not in ("leo", "ems", "fd"):
        return None
    return character


def _queue_context(request) -> dict:
    if not has_role(request, Role.SUPERVISOR):
        return {"reviewer": False}
    queue = list(selectors.review_queue(request.community)[:50])
    return {"reviewer": True, "queue": queue, "queue_count": selectors.pending_report_count(request.community),
            "review_form": ReviewForm()}


@require_GET
@page(Role.OFFICER)
def records(request):
    tab = request.GET.get("tab") if request.GET.get("tab") in TABS else "reports"
    label, selector, filterset_class = TABS[tab]
    filterset = filterset_class(request.GET, queryset=selector(request.community))
    rows = filterset.qs if filterset.is_valid() else selector(request.community).none()
    page_obj = Paginator(rows.order_by("-created_at"), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    list_query = request.GET.copy()
    list_query["tab"] = tab
    context = {
        "live": True, "tab": tab, "tabs": [(key, value[0]) for key, value in TABS.items()], "tab_label": label,
        "page_obj": page_obj, "q": request.GET.get("q", ""), "status": request.GET.get("status", ""),
        "query_string": query.urlencode(), "list_query": list_query.urlencode(), "filter_errors": filterset.errors,
    }
    if request.htmx and request.htmx.target == "records-list":
        # The list re-rendering itself after a record changed (records.js): the same page, search and filters.
        return render(request, "records/_list.html", context)
    return render(request, "records/records.html", {
        **context,
        "statuses": ReportStatus.choices if tab == "reports" else WarrantStatus.choices if tab == "warrants" else [],
        "mine": list(selectors.reports_of_user(request.community, request.user).order_by("-created_at")[:20]),
        **_queue_context(request),
    })


@require_GET
@page(Role.SUPERVISOR)
def queue(request):
    return render(request, "records/_queue.html", _queue_context(request))


@require_GET
@page(Role.OFFICER)
def my_reports(request):
    return render(request, "records/_mine.html", {
        "mine": list(selectors.reports_of_user(request.community, request.user).order_by("-created_at")[:20])})


@fragment_of("records")
@require_POST
@page(Role.SUPERVISOR)
def review(request, report_id):
    report = community_object_or_404(selectors.reports(request.community), pk=report_id)
    form = ReviewForm(request.POST)
    error = ""
    if form.is_valid():
        approve = form.cleaned_data["decision"] == "approve"
        if not approve and not form.cleaned_data["reason"]:
            error = f"Say why report #{report.number} is rejected: its author sees the reason."
        else:
            try:
                services.report_review(report=report, approve=approve, by=request.user, note=form.cleaned_data["reason"])
            except DomainError as exc:
                error = exc.message
    else:
        error = "Approve or reject."
    context = _queue_context(request)
    context.update(error=error, message="" if error else f"Report #{report.number} "
                   f"{'approved' if form.cleaned_data.get('decision') == 'approve' else 'rejected'}.")
    return TemplateResponse(request, "records/_queue.html", context, status=400 if error else 200)


@require_GET
@page(Role.OFFICER)
def report_detail(request, report_id):
    report = community_object_or_404(selectors.reports(request.community), pk=report_id)
    mine = report.created_by_id == request.user.pk or (report.author is not None and report.author.user_id == request.user.pk)
    return render(request, "records/report.html", {
        "report": report, "mine": mine, "arrests": list(report.arrests.live()
                                                          .select_related("character")),
    })


# Arrests, citations and warrants: one page each, the same printable layout as a report's.
def _record_page(request, kind: str, record) -> HttpResponse:
    return render(request, "records/record.html", {"kind": kind, "record": record})


@require_GET
@page(Role.OFFICER)
def arrest_detail(request, record_id):
    return _record_page(request, "arrest", community_object_or_404(selectors.arrests(request.community), pk=record_id))


@require_GET
@page(Role.OFFICER)
def citation_detail(request, record_id):
    return _record_page(request, "citation",
                        community_object_or_404(selectors.citations(request.community), pk=record_id))


@require_GET
@page(Role.OFFICER)
def warrant_detail(request, record_id):
    return _record_page(request, "warrant", community_object_or_404(selectors.warrants(request.community), pk=record_id))


def _call_choices(request, call) -> list:
    """The call the form links to, offered as the first choice (pre-filled)."""
    return [call] if call is not None else []


def _initial_call(request, character):
    wanted = request.GET.get("call") or request.POST.get("call")
    if wanted:
        try:
            return call_queryset(request.community).filter(pk=uuid.UUID(str(wanted))).first()
        except ValueError:
            return None
    if character is None:
        return None
    from dispatch.selectors import unit_for_character

    return call_of_unit(request.community, unit_for_character(character))


@require_http_methods(["GET", "POST"])
@page(Role.OFFICER)
def report_new(request):
    author = _officer_character(request)
    types = selectors.report_types_for(request.community, author) if author is not None else []
    about = None
    about_id = request.GET.get("about") or request.POST.get("about")
    if about_id:
        about = community_object_or_404(Character.objects.for_community(request.community), pk=about_id)
    call = _initial_call(request, author)
    if request.method == "POST":
        form = ReportForm(request.POST, types=types, community=request.community)
        if author is None:
            form.add_error(None, "Pick your active LEO, EMS or FD character first: reports are signed by one.")
        if form.is_valid() and not form.errors:
            with service_errors(form, field_map={"author_id": "non_field_errors", "call_id": "call",
                                                 "involved_persons": "persons", "involved_vehicles": "vehicles"}):
                report = services.report_create(community=request.community, author=author, created_by=request.user,
                                                **form.service_arguments(about=about))
            if not form.errors:
                return redirect(reverse("records-report", args=[report.pk]))
        status = 400
    else:
        form = ReportForm(types=types, community=request.community,
                          initial={"persons": about.full_name if about is not None else "",
                                   "call": str(call.pk) if call is not None else ""})
        status = 200
    return render(request, "records/report_form.html", {
        "form": form, "author": author, "about": about, "call": call, "editing": None,
        "calls": _call_choices(request, call),
    }, status=status)


@require_http_methods(["GET", "POST"])
@page(Role.OFFICER)
def report_edit(request, report_id):
    """An author corrects a rejected report and resubmits it to the review queue."""
    report = community_object_or_404(selectors.reports(request.community), pk=report_id)
    author_user = report.author.user_id if report.author is not None else None
    if request.user.pk not in (author_user, report.created_by_id):
        require_role(request, Role.SUPERVISOR)
    types = selectors.report_types_for(request.community, report.author) if report.author else list(ReportKind.values)
    if request.method == "POST":
        form = ReportForm(request.POST, types=types, community=request.community)
        if report.status != ReportStatus.REJECTED:
            form.add_error(None, "Only a rejected report can be corrected and resubmitted.")
        if form.is_valid() and not form.errors:
            with service_errors(form, field_map={"call_id": "call", "involved_persons": "persons",
                                                 "involved_vehicles": "vehicles"}):
                services.report_resubmit(report=report, by=request.user, **form.service_arguments())
            if not form.errors:
                return redirect(reverse("records-report", args=[report.pk]))
        status = 400
    else:
        form = ReportForm(types=types, community=request.community, initial=ReportForm.initial_for(report))
        status = 200
    return render(request, "records/report_form.html", {
        "form": form, "author": report.author, "editing": report, "call": report.call,
        "calls": _call_choices(request, report.call),
    }, status=status)


@require_GET
@page(Role.OFFICER)
def call_search(request):
    """Calls to link a report to, by number, title or location (open and recent ones)."""
    q = " ".join(request.GET.get("q", "").split())[:100]
    calls = list(selectors.calls_for_report(request.community, q)) if q else []
    return render(request, "records/_call_choices.html", {"calls": calls, "q": q})


@require_POST
@page(Role.OFFICER)
def warrant_status(request, warrant_id):
    warrant = community_object_or_404(selectors.warrants(request.community), pk=warrant_id)
    status = request.POST.get("status", "")
    try:
        warrant = services.warrant_set_status(warrant=warrant, status=status, by=request.user)
    except DomainError as exc:
        messages.error(request, f"Warrant “{warrant.title}”: {exc.message}")
    else:
        messages.success(request, f"Warrant “{warrant.title}” is now {warrant.get_status_display().lower()}.")
    return redirect(f"{reverse('records')}?tab=warrants")
