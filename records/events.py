"""The events records publishes (the catalogue; see cad.events.EventType). The payloads are built in
records/services.py (`report_payload`, ...) and declared here; all go to officers and above."""

from __future__ import annotations

from typing import TypedDict

from cad.events import EventType, declare

from . import services


class Report(TypedDict):
    _id: str
    id: str
    communityId: str
    number: int
    type: str
    title: str
    status: str
    authorId: str | None
    authorName: str
    callId: str | None
    reviewNote: str
    reviewedAt: str | None
    createdAt: str | None


class Arrest(TypedDict):
    _id: str
    id: str
    communityId: str
    characterId: str
    characterName: str
    arrestedBy: str | None
    officerName: str
    charges: list[str]
    jailTimeMin: int
    fineAmount: str
    reportId: str | None
    createdAt: str | None


class Citation(TypedDict):
    _id: str
    id: str
    communityId: str
    characterId: str
    characterName: str
    issuedBy: str | None
    officerName: str
    violation: str
    fineAmount: str
    paid: bool
    points: int
    createdAt: str | None


class Warrant(TypedDict):
    _id: str
    id: str
    communityId: str
    characterId: str
    characterName: str
    title: str
    description: str
    status: str
    issuedBy: str | None
    officerName: str
    createdAt: str | None
    updatedAt: str | None


class Suspect(TypedDict):
    _id: str
    id: str
    communityId: str
    firstName: str
    lastName: str
    description: str
    status: str
    callId: str | None
    characterId: str | None
    createdAt: str | None
    updatedAt: str | None


class Archived(TypedDict):
    _id: str
    id: str
    communityId: str


def archived_payload(row) -> Archived:
    return {"_id": str(row.pk), "id": str(row.pk), "communityId": str(row.community_id)}


REPORT_CREATED = EventType("report-created", services.report_payload, payload=Report)
REPORT_REVIEWED = EventType("report-reviewed", services.report_payload, payload=Report)
REPORT_RESUBMITTED = EventType("report-resubmitted", services.report_payload, payload=Report)
ARREST_CREATED = EventType("arrest-created", services.arrest_payload, payload=Arrest)
CITATION_CREATED = EventType("citation-created", services.citation_payload, payload=Citation)
CITATION_UPDATED = EventType("citation-updated", services.citation_payload, payload=Citation)
WARRANT_CREATED = EventType("warrant-created", services.warrant_payload, payload=Warrant)
WARRANT_UPDATED = EventType("warrant-updated", services.warrant_payload, payload=Warrant)
SUSPECT_CREATED = EventType("suspect-created", services.suspect_payload, payload=Suspect)
SUSPECT_UPDATED = EventType("suspect-updated", services.suspect_payload, payload=Suspect)
# `record_archive` publishes `<model>-archived` for each kind of record.
ARCHIVED = tuple(EventType(f"{kind}-archived", archived_payload) for kind in
                 ("report", "arrest", "citation", "warrant", "suspect"))

declare(REPORT_CREATED, REPORT_REVIEWED, REPORT_RESUBMITTED, ARREST_CREATED, CITATION_CREATED, CITATION_UPDATED, WARRANT_CREATED,
        WARRANT_UPDATED, SUSPECT_CREATED, SUSPECT_UPDATED, *ARCHIVED)
