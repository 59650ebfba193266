import uuid

import pytest

from records import services
from records.models import Suspect, Warrant

pytestmark = pytest.mark.django_db


# --- warrants ---------------------------------------------------------------------------------------

def test_warrant_create_and_lifecycle(as_, officer, officer_char, subject, community,
                                      django_capture_on_commit_callbacks, events):
    with django_capture_on_commit_callbacks(execute=True):
        r = as_(officer).post("/api/warrants", {"characterId": str(subject.pk), "title": "Armed Robbery",
                                                "description": "Fleeca job", "issuedBy": str(officer_char.pk)},
                              format="json")
    assert r.status_code == 201, r.json()
    warrant = r.json()["warrant"]
    assert warrant["status"] == "active" and warrant["characterName"] == "John Smith"
    assert events[-1][0] == ("warrant-created",)
    url = f"/api/warrants/{warrant['_id']}"
    r = as_(officer).patch(url, {"status": "served"}, format="json")
    assert r.status_code == 200 and r.json()["status"] == "served"
    r = as_(officer).patch(url, {"status": "active"}, format="json")
    assert r.status_code == 409  # served is final
    r = as_(officer).patch(url, {"status": "gone"}, format="json")
    assert r.status_code == 400 and "status" in r.json()["fields"]
    assert Warrant.objects.for_community(community).get().status == "served"


def test_recalled_warrant_can_be_reissued(community, subject, officer_char):
    w = services.warrant_create(community=community, character=subject, title="FTA", issued_by=officer_char)
    assert services.warrant_set_status(warrant=w, status="recalled").status == "recalled"
    assert services.warrant_set_status(warrant=w, status="active").status == "active"


@pytest.mark.parametrize("payload,field", [
    ({"title": ""}, "title"),
    ({"characterId": str(uuid.uuid4())}, "characterId"),
    ({"status": "served"}, "status"),
])
def test_warrant_bad_input(as_, officer, officer_char, subject, community, payload, field):
    body = {"characterId": str(subject.pk), "title": "FTA", "issuedBy": str(officer_char.pk), **payload}
    r = as_(officer).post("/api/warrants", body, format="json")
    assert r.status_code == 400 and field in r.json()["fields"], r.json()
    assert Warrant.objects.for_community(community).count() == 0


def test_warrant_list_filters_by_status(as_, officer, subject, officer_char, community):
    w = services.warrant_create(community=community, character=subject, title="FTA", issued_by=officer_char)
    assert as_(officer).get("/api/warrants", {"status": "active"}).json()[0]["_id"] == str(w.pk)
    assert Warrant.objects.for_community(community).get().status == "active"


# --- suspects (000 §5) ------------------------------------------------------------------------------

def test_suspect_crud(as_, officer, community, subject, officer_char):
    report = services.report_create(community=community, author=officer_char, title="Robbery", body="b")
    r = as_(officer).post("/api/suspects", {"firstName": "John", "lastName": "Doe",
                                            "description": "Male, 6ft, black hoodie", "status": "at-large",
                                            "communityId": str(community.pk), "reportIds": [str(report.pk)]},
                          format="json")
    assert r.status_code == 201, r.json()
    suspect = r.json()["suspect"]
    assert suspect["status"] == "at-large" and suspect["communityId"] == str(community.pk)
    assert suspect["reportIds"] == [str(report.pk)] and "createdAt" in suspect
    sid = suspect["_id"]

    r = as_(officer).get("/api/suspects")
    assert [s["_id"] for s in r.json()] == [sid]
    r = as_(officer).put(f"/api/suspects/{sid}", {"status": "in-custody",
                                                  "description": "Updated: in custody at Central Booking"},
                         format="json")
    assert r.status_code == 200, r.json()
    assert r.json()["status"] == "in-custody" and r.json()["firstName"] == "John"  # untouched fields kept
    assert r.json()["reportIds"] == [str(report.pk)] and r.json()["boloIds"] == []
    from bolos.models import Bolo

    bolo = Bolo.objects.create(community=community, type="person", description="Wanted", suspect_id=sid)
    assert as_(officer).get(f"/api/suspects/{sid}").json()["boloIds"] == [str(bolo.pk)]
    r = as_(officer).put(f"/api/suspects/{sid}", {"characterId": str(subject.pk)}, format="json")
    assert r.json()["characterId"] == str(subject.pk)
    assert as_(officer).get("/api/suspects", {"status": "in-custody"}).json()[0]["_id"] == sid
    assert as_(officer).get("/api/suspects", {"status": "at-large"}).json() == []


@pytest.mark.parametrize("payload,field", [
    ({"status": "escaped"}, "status"),
    ({"firstName": "", "lastName": "", "description": ""}, "firstName"),
    ({"callId": str(uuid.uuid4())}, "callId"),
    ({"reportIds": ["nope"]}, "reportIds"),
])
def test_suspect_bad_input(as_, officer, community, payload, field):
    r = as_(officer).post("/api/suspects", {"firstName": "John", **payload}, format="json")
    assert r.status_code == 400 and field in r.json()["fields"], r.json()
    assert Suspect.objects.for_community(community).count() == 0


def test_suspect_update_bad_input_changes_nothing(as_, officer, community):
    s = services.suspect_create(community=community, first_name="John")
    r = as_(officer).put(f"/api/suspects/{s.pk}", {"status": "escaped"}, format="json")
    assert r.status_code == 400
    r = as_(officer).put(f"/api/suspects/{s.pk}", {"firstName": ""}, format="json")
    assert r.status_code == 400
    s.refresh_from_db()
    assert s.status == "at-large" and s.first_name == "John"


def test_suspects_of_a_community_one_is_not_a_member_of_are_403(as_, outsider, community):
    services.suspect_create(community=community, first_name="John")
    assert as_(outsider).get("/api/suspects", {"communityId": str(community.pk)}).status_code == 403


def test_token_can_use_suspects(server, other_server, community):
    r = server.post("/api/suspects", {"firstName": "Jane", "lastName": "Roe"}, format="json")
    assert r.status_code == 201
    assert other_server.get(f"/api/suspects/{r.json()['suspect']['_id']}").status_code == 404
