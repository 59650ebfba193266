"""Cross-cutting checks over every records resource: archive-not-delete, list query counts, the /fivem
endpoints' tenancy and roles, and race-safe report numbers on PostgreSQL."""

import threading

import pytest
from django.db import connection

from records import services
from records.models import Arrest, Citation, Report, Suspect, Warrant

from .factories import make_character

pytestmark = pytest.mark.django_db


def _make(kind, community, subject, officer_char, i=0):
    if kind == "arrests":
        return services.arrest_create(community=community, character=subject, arrested_by=officer_char,
                                      charges=["Assault", f"free text {i}"])
    if kind == "citations":
        return services.citation_create(community=community, character=subject, issued_by=officer_char,
                                        violation=f"Speeding {i}")
    if kind == "warrants":
        return services.warrant_create(community=community, character=subject, title=f"FTA {i}",
                                       issued_by=officer_char)
    if kind == "suspects":
        report = services.report_create(community=community, author=officer_char, title="r", body="b")
        return services.suspect_create(community=community, first_name=f"S{i}", character=subject,
                                       reports=[report])
    raise AssertionError(kind)


MODELS = {"arrests": Arrest, "citations": Citation, "warrants": Warrant, "suspects": Suspect}


@pytest.mark.parametrize("kind", list(MODELS))
def test_delete_archives(as_, officer, supervisor, community, subject, officer_char, kind):
    row = _make(kind, community, subject, officer_char)
    url = f"/api/{kind}/{row.pk}"
    assert as_(supervisor).delete(url).status_code == 204
    assert as_(officer).get(url).status_code == 404
    assert row.pk not in {r["_id"] for r in as_(officer).get(f"/api/{kind}").json()}
    assert MODELS[kind].objects.for_community(community).get(pk=row.pk).archived_at is not None


@pytest.mark.parametrize("kind", list(MODELS))
def test_lists_have_no_n_plus_one(as_, officer, community, officer_char, kind, django_assert_max_num_queries):
    for i in range(6):
        subject = make_character(community, first=f"Sub{i}", last="Ject")
        _make(kind, community, subject, officer_char, i)
    client = as_(officer)
    with django_assert_max_num_queries(8):
        r = client.get(f"/api/{kind}")
    assert r.status_code == 200 and len(r.json()) == 6


@pytest.mark.parametrize("path", ["/fivem/reports", "/fivem/reports/arrests", "/fivem/reports/citations"])
def test_fivem_records_tenancy_and_roles(as_, civilian, other_server, officer_char, subject, community, path):
    body = {"author_id": str(officer_char.pk), "title": "t", "body": "b", "character_id": str(subject.pk),
            "arrested_by": str(officer_char.pk), "issued_by": str(officer_char.pk), "charges": "Assault",
            "violation": "Speeding"}
    r = other_server.post(path, body, format="json")
    assert r.status_code == 400, r.json()  # this community's characters do not exist for B's server
    assert as_(civilian).post(path, body, format="json").status_code == 403
    assert Report.objects.for_community(community).count() == 0
    assert Arrest.objects.for_community(community).count() == 0
    assert Citation.objects.for_community(community).count() == 0


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_report_numbers_are_unique_under_concurrency(community, officer_char):
    numbers, errors = [], []

    def file_one():
        try:
            numbers.append(services.report_create(community=community, author=officer_char, title="t",
                                                  body="b").number)
        except Exception as exc:  # noqa: BLE001 - surfaced by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=file_one) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == [] and sorted(numbers) == list(range(1, 9))


def test_civilians_cannot_change_records(as_, civilian, community, subject, officer_char):
    arrest = _make("arrests", community, subject, officer_char)
    warrant = _make("warrants", community, subject, officer_char)
    suspect = _make("suspects", community, subject, officer_char)
    client = as_(civilian)
    assert client.post(f"/api/arrests/{arrest.pk}/photos", {}, format="multipart").status_code == 403
    assert client.patch(f"/api/warrants/{warrant.pk}", {"status": "served"}, format="json").status_code == 403
    assert client.put(f"/api/suspects/{suspect.pk}", {"status": "deceased"}, format="json").status_code == 403
    assert client.get(f"/api/suspects/{suspect.pk}").status_code == 403
    warrant.refresh_from_db()
    suspect.refresh_from_db()
    assert warrant.status == "active" and suspect.status == "at-large"


def test_review_note_too_long_changes_nothing(as_, supervisor, community, officer_char):
    report = services.report_create(community=community, author=officer_char, title="t", body="b")
    r = as_(supervisor).post(f"/api/reports/{report.pk}/approve", {"note": "x" * 2001}, format="json")
    assert r.status_code == 400 and "note" in r.json()["fields"]
    report.refresh_from_db()
    assert report.status == "pending" and report.reviewed_at is None
