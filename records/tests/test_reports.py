import uuid

import pytest

from cad.core.errors import Invalid
from cad.core.models import Department
from records import services
from records.models import Report

from .factories import make_character

pytestmark = pytest.mark.django_db


def _body(author, **extra):
    return {"authorId": str(author.pk), "title": "10-50 on Route 1", "body": "Two vehicles collided.", **extra}


def test_officer_files_report_numbered_per_community(as_, officer, officer_char, subject, community,
                                                     django_capture_on_commit_callbacks, events):
    with django_capture_on_commit_callbacks(execute=True):
        r = as_(officer).post("/api/reports", _body(
            officer_char, type="crash_report", evidence="Dashcam",
            involvedPersons=[{"name": "john smith", "notes": "driver"}, {"name": "Unknown Bystander"}],
            involvedVehicles=[{"plate": "abc 123", "isStolen": True}],
            reportData={"weather": "rain", "lanesBlocked": 2}), format="json")
    assert r.status_code == 201, r.json()
    data = r.json()
    assert data["success"] is True
    report = data["report"]
    assert report["number"] == 1 and report["status"] == "pending" and report["type"] == "crash_report"
    assert report["authorId"] == str(officer_char.pk) and report["authorName"] == "Adam Adams"
    assert report["involvedVehicles"] == [{"plate": "ABC123", "isStolen": True}]
    assert report["reportData"] == {"weather": "rain", "lanesBlocked": 2}  # free-form keys kept as sent
    # "john smith" is linked to the one live character with that name
    assert report["involvedCharacterIds"] == [str(subject.pk)]
    assert [n for n, _ in events] == [("report-created",)]

    r2 = as_(officer).post("/api/reports", _body(officer_char), format="json")
    assert r2.json()["report"]["number"] == 2


def test_report_numbers_are_per_community(community, other_community, officer_char, other_subject):
    a = services.report_create(community=community, author=officer_char, title="t", body="b")
    b = services.report_create(community=other_community, author=other_subject, title="t", body="b")
    assert a.number == 1 and b.number == 1


@pytest.mark.parametrize("payload,field", [
    ({"title": ""}, "title"),
    ({"body": ""}, "body"),
    ({"type": "parking"}, "type"),
    ({"type": "fire_report"}, "type"),  # not offered to a police department
    ({"involvedPersons": [{"notes": "no name"}]}, "involvedPersons.0.name"),
    ({"involvedPersons": "John"}, "involvedPersons"),
    ({"involvedVehicles": [{"plate": "!!"}]}, "involvedVehicles"),
    ({"involvedVehicles": [{"plate": "ABC", "isStolen": "maybe"}]}, "involvedVehicles.0.isStolen"),
    ({"reportData": [1, 2]}, "reportData"),
    ({"callId": str(uuid.uuid4())}, "callId"),
    ({"callId": "not-a-uuid"}, "callId"),
    ({"authorId": "nope"}, "authorId"),
])
def test_report_bad_input_is_400_and_nothing_written(as_, officer, officer_char, community, payload, field):
    r = as_(officer).post("/api/reports", {**_body(officer_char), **payload}, format="json")
    assert r.status_code == 400, r.json()
    assert any(k == field or k.startswith(field + ".") for k in r.json()["fields"]), r.json()
    assert Report.objects.for_community(community).count() == 0


def test_report_types_follow_department(community, officer_char):
    fire = Department.objects.for_community(community).get(short_name="SAFR")
    ff = make_character(community, first="Fay", last="Fire", type="fd", department=fire)
    assert services.report_create(community=community, author=ff, title="t", body="b", type="fire_report")
    with pytest.raises(Invalid):
        services.report_create(community=community, author=ff, title="t", body="b", type="use_of_force")
    # no department: the character type stands for it (ems → ems department types)
    medic = make_character(community, first="Med", last="Ic", type="ems")
    assert services.report_create(community=community, author=medic, title="t", body="b", type="medical_report")
    with pytest.raises(Invalid):
        services.report_create(community=community, author=medic, title="t", body="b", type="crash_report")


def test_civilian_character_cannot_author(as_, supervisor, subject, community):
    r = as_(supervisor).post("/api/reports", _body(subject), format="json")
    assert r.status_code == 400 and "authorId" in r.json()["fields"]
    assert Report.objects.for_community(community).count() == 0


def test_officer_must_sign_as_own_character(as_, officer, supervisor, supervisor_char, officer_char, community):
    r = as_(officer).post("/api/reports", _body(supervisor_char), format="json")
    assert r.status_code == 400 and "authorId" in r.json()["fields"]
    # a supervisor may file for another officer
    assert as_(supervisor).post("/api/reports", _body(officer_char), format="json").status_code == 201


def test_other_community_author_is_400_and_a_bad_id_404(as_, officer, other_subject):
    r = as_(officer).post("/api/reports", _body(other_subject), format="json")
    assert r.status_code == 400 and "authorId" in r.json()["fields"]
    assert as_(officer).get("/api/reports/not-a-uuid").status_code == 404


def test_review_queue_and_approve_reject(as_, officer, supervisor, officer_char, community,
                                         django_capture_on_commit_callbacks, events):
    a = services.report_create(community=community, author=officer_char, title="a", body="b")
    b = services.report_create(community=community, author=officer_char, title="b", body="b")
    r = as_(supervisor).get("/api/reports", {"status": "pending"})
    assert {x["_id"] for x in r.json()} == {str(a.pk), str(b.pk)}

    assert as_(officer).post(f"/api/reports/{a.pk}/approve", {}, format="json").status_code == 403
    with django_capture_on_commit_callbacks(execute=True):
        r = as_(supervisor).post(f"/api/reports/{a.pk}/approve", {"note": "Good work"}, format="json")
    assert r.status_code == 200, r.json()
    assert r.json()["report"]["status"] == "approved" and r.json()["report"]["reviewNote"] == "Good work"
    assert r.json()["report"]["reviewedBy"] == "supervisor_a"
    assert events[-1][0] == ("report-reviewed",)
    r = as_(supervisor).post(f"/api/reports/{b.pk}/reject", {"note": "Missing details"}, format="json")
    assert r.json()["report"]["status"] == "rejected"
    # reviewing twice is a conflict
    r = as_(supervisor).post(f"/api/reports/{a.pk}/reject", {}, format="json")
    assert r.status_code == 409 and r.json()["status"] == "approved"
    assert as_(supervisor).get("/api/reports", {"status": "pending"}).json() == []
    assert as_(supervisor).get("/api/reports", {"status": "bogus"}).status_code == 400


def test_report_list_has_no_n_plus_one(as_, officer, officer_char, community, django_assert_max_num_queries):
    for i in range(8):
        services.report_create(community=community, author=officer_char, title=f"r{i}", body="b",
                               involved_persons=[{"name": "John Smith"}])
    client = as_(officer)
    with django_assert_max_num_queries(8):
        r = client.get("/api/reports")
    assert len(r.json()) == 8


def test_archive_hides_report(as_, officer, supervisor, officer_char, community):
    report = services.report_create(community=community, author=officer_char, title="a", body="b")
    assert as_(officer).delete(f"/api/reports/{report.pk}").status_code == 403
    assert as_(supervisor).delete(f"/api/reports/{report.pk}").status_code == 204
    assert as_(officer).get(f"/api/reports/{report.pk}").status_code == 404
    assert Report.objects.for_community(community).get(pk=report.pk).archived_at is not None


def test_report_with_call_of_other_community_rejected(community, other_community, officer_char):
    from calls.models import Call

    call = Call.objects.create(community=other_community, number=1, title="x")
    with pytest.raises(Invalid):
        services.report_create(community=community, author=officer_char, title="t", body="b", call=call)
    mine = Call.objects.create(community=community, number=1, title="y")
    report = services.report_create(community=community, author=officer_char, title="t", body="b", call=mine)
    assert report.call_id == mine.pk


def test_fivem_report(server, other_server, officer_char, community):
    body = {"author_id": str(officer_char.pk), "title": "Shots fired", "body": "Narrative", "type": "use_of_force",
            "involved_vehicles": [{"plate": "XYZ9", "is_stolen": False}], "report_data": {"rounds_fired": 3}}
    r = server.post("/fivem/reports", body, format="json")
    assert r.status_code == 201, r.json()
    assert r.json() == {"id": r.json()["id"], "report_number": 1, "status": "pending", "message": "Report submitted"}
    report = Report.objects.for_community(community).get()
    assert report.report_data == {"rounds_fired": 3}

    r = server.post("/fivem/reports", {**body, "type": "nope"}, format="json")
    assert r.status_code == 400 and "type" in r.json()["fields"]
    r = server.post("/fivem/reports", {"title": "x"}, format="json")
    assert r.status_code == 400 and "author_id" in r.json()["fields"]
    # another community's server cannot name this community's character
    r = other_server.post("/fivem/reports", body, format="json")
    assert r.status_code == 400 and "author_id" in r.json()["fields"]
    assert Report.objects.for_community(community).count() == 1


def test_fivem_report_needs_token(client, officer_char):
    r = client.post("/fivem/reports", {"author_id": str(officer_char.pk)}, content_type="application/json")
    assert r.status_code in (401, 403)


def test_report_types_for_author(as_, officer, outsider, officer_char, community):
    fire = Department.objects.for_community(community).get(short_name="SAFR")
    ff = make_character(community, first="Fay", last="Fire", type="fd", department=fire)
    r = as_(officer).get("/api/reports/types", {"authorId": str(officer_char.pk)})
    assert r.status_code == 200
    assert [t["code"] for t in r.json()] == ["incident", "use_of_force", "crash_report", "other"]
    r = as_(officer).get("/api/reports/types", {"authorId": str(ff.pk)})
    assert [t["code"] for t in r.json()] == ["incident", "fire_report", "medical_report", "other"]
    assert as_(officer).get("/api/reports/types").status_code == 400
    assert as_(officer).get("/api/reports/types", {"authorId": "x"}).status_code == 400
    assert as_(outsider).get("/api/reports/types", {"authorId": str(ff.pk)}).status_code == 400
