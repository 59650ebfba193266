"""Reads of records shared by the API, the UI, lookups and other apps."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from cad.core.choices import DepartmentType
from cad.core.models import ReportType

from .choices import ReportKind, ReportStatus, WarrantStatus
from .models import Arrest, Citation, Report, Suspect, Warrant

# A character without a department files as the department type its character type stands for.
CHARACTER_TYPE_DEPARTMENTS = {
    "leo": {DepartmentType.POLICE, DepartmentType.SHERIFF, DepartmentType.STATE},
    "ems": {DepartmentType.EMS},
    "fd": {DepartmentType.FIRE},
    "tow": {DepartmentType.TOW},
    "civilian": set(),
}


def author_department_types(author) -> set[str]:
    department = getattr(author, "department", None)
    if department is not None:
        return {str(department.type)}
    return {str(t) for t in CHARACTER_TYPE_DEPARTMENTS.get(str(author.type), set())}


def report_types_for(community, author) -> list[str]:
    """The report type codes `author` may file in `community` (004: filtered by department type), in the
    community's order. Only the seven 004 types are fileable; an archived entry is not offered."""
    dept_types = author_department_types(author)
    known = set(ReportKind.values)
    out = []
    for entry in ReportType.objects.for_community(community).live():
        if entry.code not in known:
            continue
        allowed = entry.department_types or []
        if not allowed or dept_types.intersection(allowed):
            out.append(entry.code)
    return out


def reports(community) -> QuerySet[Report]:
    return (
        Report.objects.for_community(community)
        .live()
        .select_related("author", "call", "reviewed_by")
        .prefetch_related("involved_characters")
    )


def arrests(community) -> QuerySet[Arrest]:
    return (
        Arrest.objects.for_community(community)
        .live()
        .select_related("character", "arrested_by", "report")
        .prefetch_related("photos")
    )


def citations(community) -> QuerySet[Citation]:
    return Citation.objects.for_community(community).live().select_related(
        "character", "issued_by")


def warrants(community) -> QuerySet[Warrant]:
    return Warrant.objects.for_community(community).live().select_related(
        "character", "issued_by")


def active_warrants(community) -> QuerySet[Warrant]:
    return warrants(community).filter(status=WarrantStatus.ACTIVE)


def suspects(community) -> QuerySet[Suspect]:
    return (
        Suspect.objects.for_community(community)
        .live()
        .select_related("character", "call")
        .prefetch_related("reports", *(["bolos"] if hasattr(Suspect, "bolos") else []))
    )


def person_history(community, character) -> list[dict]:
    """Every report about, citation of and arrest of `character`, newest first (000's
    `/api/lookup/reports/:licenseNumber` items, snake_case). Three queries whatever the count."""
    items: list[dict] = []
    report_qs = (
        Report.objects.for_community(community)
        .filter(involved_characters=character).live()
        .select_related("author")
    )
    arrest_report_ids = set()
    arrest_qs = Arrest.objects.for_community(community).filter(character=character).live()
    for arrest in arrest_qs.select_related("arrested_by"):
        if arrest.report_id:
            arrest_report_ids.add(arrest.report_id)
        items.append(_history_item("arrest", "arrest", arrest, arrest.title, arrest.arrested_by))
    for citation in Citation.objects.for_community(community).filter(character=character).live() \
            .select_related("issued_by"):
        items.append(_history_item("citation", "citation", citation, citation.violation, citation.issued_by))
    seen = set()
    reports_of_arrests = Report.objects.for_community(community).filter(pk__in=arrest_report_ids).live() \
        .select_related("author")
    for report in [*report_qs, *(reports_of_arrests if arrest_report_ids else [])]:
        if report.pk in seen:
            continue
        seen.add(report.pk)
        items.append(_history_item("report", report.type, report, report.title, report.author,
                                   number=report.number, status=report.status))
    items.sort(key=lambda item: item["created_at"], reverse=True)
    return items


def _history_item(kind: str, type_: str, row, title: str, officer, **extra) -> dict:
    return {
        "_id": str(row.pk),
        "id": str(row.pk),
        "kind": kind,
        "type": type_,
        "title": title,
        "officer_name": officer.full_name if officer is not None else "",
        "created_at": row.created_at,
        **extra,
    }


def review_queue(community) -> QuerySet[Report]:
    """Reports waiting for a supervisor, oldest first (the one waiting longest is reviewed first)."""
    return reports(community).filter(status=ReportStatus.PENDING).order_by("created_at")


def pending_report_count(community) -> int:
    return Report.objects.for_community(community).filter(status=ReportStatus.PENDING).live().count()


def reports_of_user(community, user) -> QuerySet[Report]:
    """Reports a person wrote: signed by one of their characters or filed by them."""
    return reports(community).filter(Q(author__user=user) | Q(created_by=user)).distinct()


def search_reports(qs: QuerySet[Report], query: str) -> QuerySet[Report]:
    """Reports whose number, title, body or involved persons match `query` (the records page's search)."""
    query = " ".join((query or "").split())
    if not query:
        return qs
    match = Q(title__icontains=query) | Q(body__icontains=query) | Q(involved_persons__icontains=query)
    digits = query.lstrip("#")
    if digits.isdigit():
        match |= Q(number=int(digits))
    return qs.filter(match)


def calls_for_report(community, query: str, *, limit: int = 10):
    """Calls a report can be linked to: open or closed in the last 7 days, matching the call's number,
    title or location."""
    from datetime import timedelta

    from django.utils import timezone

    from calls.models import Call

    qs = (Call.objects.for_community(community).live()
          .filter(Q(closed_at__isnull=True) | Q(closed_at__gte=timezone.now() - timedelta(days=7))))
    match = Q(title__icontains=query) | Q(location__icontains=query) | Q(call_type__icontains=query)
    digits = query.lstrip("#")
    if digits.isdigit():
        match |= Q(number=int(digits))
    return qs.filter(match).order_by("-created_at")[:limit]
