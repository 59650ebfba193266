import pytest

from bolos.models import Bolo
from cad.core import services as core_services
from characters import services as char_services
from lookups.models import LookupHistory
from lookups.selectors import detect_types
from records import services as rec
from records.tests.factories import make_character, make_vehicle

pytestmark = pytest.mark.django_db


@pytest.fixture
def cop(community, officer):
    return make_character(community, first="Adam", last="Adams", type="leo", user=officer)


@pytest.fixture
def john(community, civilian):
    return make_character(community, first="John", last="Smith", user=civilian, phone="555-0123",
                          ssn="123-45-6789", license_number="DL-12345", address="742 Evergreen Terrace",
                          flags=["armed_and_dangerous"])


@pytest.fixture
def civic(community, john):
    return make_vehicle(community, plate="ABC1234", owner=john, make="Honda", model="Civic")


# --- detection ------------------------------------------------------------------------------------

@pytest.mark.parametrize("query,types", [
    ("123-45-6789", ["ssn"]),
    ("555-0123", ["phone"]),
    ("(555) 123-4567", ["phone"]),
    ("ABC1234", ["plate", "partial_name"]),
    ("5550123", ["phone", "plate"]),
    ("Smi", ["plate", "partial_name"]),
    ("John Smith", ["name"]),
    ("Mary Ann Smith", ["name"]),
    ("O'Brien", ["partial_name"]),
    ("Smithsonianson", ["partial_name"]),
    ("12", ["plate"]),
])
def test_detect_types(query, types):
    assert detect_types(query) == types


# --- smart search ---------------------------------------------------------------------------------

def test_name_search_answers_civilians_and_vehicles(as_, officer, community, john, civic, cop):
    r = as_(officer).post("/api/lookup", {"query": "John Smith", "communityId": str(community.pk), "type": "name"},
                          format="json")
    assert r.status_code == 200, r.json()
    data = r.json()
    assert [c["_id"] for c in data["civilians"]] == [str(john.pk)]
    card = data["civilians"][0]
    assert card["firstName"] == "John" and card["licenseNumber"] == "DL-12345" and card["phone"] == "555-0123"
    assert card["flags"] == ["armed_and_dangerous"] and card["hasWarrants"] is False
    assert card["licenseStatus"] == "none" and card["weaponsLicense"] == "none"
    assert [v["plate"] for v in data["vehicles"]] == ["ABC1234"]
    assert data["vehicles"][0]["owner"] == "John Smith" and data["vehicles"][0]["hasBolo"] is False


def test_each_detected_type_finds_its_match(as_, officer, community, john, civic):
    client = as_(officer)
    for query in ("123-45-6789", "555-0123", "john smith", "Smi", "mit", "abc1234", "JOHN"):
        r = client.post("/api/lookup", {"query": query}, format="json")
        assert r.status_code == 200, (query, r.json())
        assert [c["_id"] for c in r.json()["civilians"]] == [str(john.pk)], query
    # a plate search also brings the owner; a name that matches nobody brings nothing
    r = client.post("/api/lookup", {"query": "ABC1234"}, format="json")
    assert r.json()["detectedTypes"] == ["plate", "partial_name"]
    assert [v["_id"] for v in r.json()["vehicles"]] == [str(civic.pk)]
    r = client.post("/api/lookup", {"query": "Jane Doe"}, format="json")
    assert r.json()["civilians"] == [] and r.json()["vehicles"] == []


def test_explicit_type_wins(as_, officer, community, john, civic):
    # "Smi" as an explicit plate finds no plate and no person
    r = as_(officer).post("/api/lookup", {"query": "Smi", "type": "plate"}, format="json")
    assert r.json()["civilians"] == [] and r.json()["detectedTypes"] == ["plate"]
    r = as_(officer).post("/api/lookup", {"query": "Smi", "type": "partial_name"}, format="json")
    assert len(r.json()["civilians"]) == 1


def test_search_summary_carries_warrants_license_and_bolo(as_, officer, community, john, civic, cop):
    core_services.community_update(community=community, dmv_enabled=True, dmv_points_enabled=True)
    char_services.license_issue(character=john, license_class="E")
    rec.warrant_create(community=community, character=john, title="Armed Robbery", issued_by=cop)
    rec.citation_create(community=community, character=john, issued_by=cop, violation="Speeding", points=12)
    Bolo.objects.create(community=community, type="vehicle", description="Robbery getaway", vehicle_plate="ABC1234")
    r = as_(officer).post("/api/lookup", {"query": "Smith"}, format="json")
    card = r.json()["civilians"][0]
    assert card["hasWarrants"] is True and card["warrantCount"] == 1
    assert card["licenseStatus"] == "suspended" and card["license"]["points"] == 12
    vehicle = r.json()["vehicles"][0]
    assert vehicle["hasBolo"] is True and vehicle["bolo"]["description"] == "Robbery getaway"


def test_search_bad_input(as_, officer, community):
    client = as_(officer)
    r = client.post("/api/lookup", {"query": ""}, format="json")
    assert r.status_code == 400 and "query" in r.json()["fields"]
    r = client.post("/api/lookup", {"query": "x", "type": "dna"}, format="json")
    assert r.status_code == 400 and "type" in r.json()["fields"]
    r = client.post("/api/lookup", {"query": "x" * 101}, format="json")
    assert r.status_code == 400
    assert LookupHistory.objects.for_community(community).count() == 0


def test_search_is_scoped(as_, officer, outsider, community, other_community, john):
    make_character(other_community, first="John", last="Smith")
    r = as_(officer).post("/api/lookup", {"query": "John Smith"}, format="json")
    assert [c["_id"] for c in r.json()["civilians"]] == [str(john.pk)]
    r = as_(outsider).post("/api/lookup", {"query": "John Smith"}, format="json")
    assert r.status_code == 200 and str(john.pk) not in {c["_id"] for c in r.json()["civilians"]}
    assert as_(outsider).post("/api/lookup", {"query": "x", "communityId": str(community.pk)},
                              format="json").status_code == 403


def test_61st_search_in_a_minute_is_429(as_, officer, supervisor, community):
    client = as_(officer)
    for _ in range(60):
        assert client.post("/api/lookup", {"query": "Nobody"}, format="json").status_code == 200
    r = client.post("/api/lookup", {"query": "Nobody"}, format="json")
    assert r.status_code == 429 and int(r["Retry-After"]) > 0 and "error" in r.json()
    assert LookupHistory.objects.for_community(community).filter(user=officer).count() == 60
    # the limit is per user
    assert as_(supervisor).post("/api/lookup", {"query": "Nobody"}, format="json").status_code == 200


def test_search_and_list_query_counts(as_, officer, community, django_assert_max_num_queries):
    for i in range(20):
        c = make_character(community, first=f"Sam{i}", last="Smith")
        make_vehicle(community, plate=f"SM{i:04d}", owner=c)
    client = as_(officer)
    with django_assert_max_num_queries(14):
        r = client.post("/api/lookup", {"query": "Smith"}, format="json")
    assert len(r.json()["civilians"]) == 20 and len(r.json()["vehicles"]) == 20


# --- recent -----------------------------------------------------------------------------------------

def test_recent_is_the_callers_own(as_, officer, supervisor, community):
    for q in ("Smith", "ABC123", "555-0123"):
        as_(officer).post("/api/lookup", {"query": q}, format="json")
    as_(supervisor).post("/api/lookup", {"query": "Other"}, format="json")
    r = as_(officer).get("/api/lookup/recent", {"communityId": str(community.pk)})
    assert [x["query"] for x in r.json()] == ["555-0123", "ABC123", "Smith"]
    assert r.json()[0]["type"] == "phone"
    r = as_(officer).get("/api/lookup/recent", {"type": "phone", "limit": 1})
    assert [x["query"] for x in r.json()] == ["555-0123"]
    assert as_(officer).get("/api/lookup/recent", {"limit": 0}).status_code == 400
    assert as_(officer).get("/api/lookup/recent", {"type": "dna"}).status_code == 400


def test_recent_is_per_community(as_, outsider, officer, community):
    as_(officer).post("/api/lookup", {"query": "Smith"}, format="json")
    assert as_(outsider).get("/api/lookup/recent").json() == []
    assert as_(outsider).get("/api/lookup/recent", {"communityId": str(community.pk)}).status_code == 403


# --- civilian / vehicle / history -------------------------------------------------------------------

def test_civilian_profile(as_, officer, community, john, civic, cop):
    core_services.community_update(community=community, dmv_enabled=True, weapons_enabled=True)
    char_services.license_issue(character=john, license_class="E")
    rec.citation_create(community=community, character=john, issued_by=cop, violation="Speeding", points=3)
    w = rec.warrant_create(community=community, character=john, title="FTA", issued_by=cop)
    rec.warrant_set_status(warrant=w, status="served")
    char_services.weapon_register(community=community, owner=john, serial_number="SN123", make="Colt",
                                  model="1911", caliber=".45")
    char_services.weapon_license_apply(character=john, notes="Self defence")
    r = as_(officer).get(f"/api/lookup/civilian/{john.pk}")
    assert r.status_code == 200, r.json()
    data = r.json()
    assert data["firstName"] == "John" and data["flags"] == ["armed_and_dangerous"]
    assert data["points"] == 3 and data["licenses"][0]["pointEntries"][0]["points"] == 3
    assert [w["status"] for w in data["warrants"]] == ["served"] and data["hasWarrants"] is False
    assert [v["plate"] for v in data["vehicles"]] == ["ABC1234"]
    assert [w["serialNumber"] for w in data["weapons"]] == ["SN123"] and data["weaponsLicense"] == "pending"
    assert as_(officer).get("/api/lookup/civilian/not-a-uuid").status_code == 404


def test_vehicle_profile(as_, officer, community, john, civic):
    Bolo.objects.create(community=community, type="vehicle", description="Stolen", vehicle_plate="ABC1234")
    Bolo.objects.create(community=community, type="vehicle", description="Old", vehicle_plate="ABC1234",
                        is_active=False)
    r = as_(officer).get(f"/api/lookup/vehicle/{civic.pk}")
    assert r.status_code == 200, r.json()
    data = r.json()
    assert data["plate"] == "ABC1234" and data["registrationStatus"] == "valid" and data["insuranceStatus"] == "valid"
    assert data["ownerDetails"]["_id"] == str(john.pk) and data["isStolen"] is False
    assert data["hasBolo"] is True and data["bolo"]["description"] == "Stolen"


def test_reports_by_license_number(as_, officer, community, john, cop):
    report = rec.report_create(community=community, author=cop, title="Robbery at Fleeca", body="b",
                               involved_persons=[{"name": "John Smith", "notes": "suspect"}])
    rec.citation_create(community=community, character=john, issued_by=cop, violation="Speeding - 85 in a 55 zone")
    rec.arrest_create(community=community, character=john, arrested_by=cop, charges=["DUI"], report=report)
    rec.report_create(community=community, author=cop, title="Unrelated", body="b")
    r = as_(officer).get("/api/lookup/reports/DL-12345")
    assert r.status_code == 200, r.json()
    items = r.json()["reports"]
    assert [i["type"] for i in items] == ["arrest", "citation", "incident"]  # newest first
    assert items[1]["title"] == "Speeding - 85 in a 55 zone" and items[1]["officerName"] == "Adam Adams"
    assert set(items[0]) >= {"_id", "type", "title", "officerName", "createdAt"}
    assert as_(officer).get("/api/lookup/reports/dl-12345").status_code == 200
    assert as_(officer).get("/api/lookup/reports/DL-99999").status_code == 404


def test_token_may_look_up(server, other_server, community, john):
    r = server.post("/api/lookup", {"query": "John Smith"}, format="json")
    assert r.status_code == 200 and len(r.json()["civilians"]) == 1
    assert server.get("/api/lookup/recent").json()[0]["query"] == "John Smith"
    assert other_server.get(f"/api/lookup/civilian/{john.pk}").status_code == 404


# --- 004 /fivem/lookup ------------------------------------------------------------------------------

def test_fivem_player_by_name_and_discord(server, other_server, community, john, civic, cop, civilian):
    core_services.community_update(community=community, weapons_enabled=True)
    rec.warrant_create(community=community, character=john, title="Armed Robbery", issued_by=cop)
    char_services.weapon_license_apply(character=john)
    r = server.get("/fivem/lookup/player", {"name": "John Smith"})
    assert r.status_code == 200, r.json()
    body = r.json()
    assert body["found"] is True
    c = body["characters"][0]
    assert c["first_name"] == "John" and c["type"] == "civilian" and c["weapons_license"] is False
    assert c["flags"]["has_warrants"] is True and c["flags"]["warrant_count"] == 1
    assert c["warrants"] == [{"title": "Armed Robbery", "status": "active"}]
    assert c["vehicles"] == [{"plate": "ABC1234", "make": "Honda", "is_stolen": False}]

    r = server.get("/fivem/lookup/player", {"discord_id": "100000000000000002"})
    assert [c["id"] for c in r.json()["characters"]] == [str(john.pk)]
    r = server.get("/fivem/lookup/player", {"discord_id": "999"})
    assert r.json() == {"found": False, "characters": []}
    assert server.get("/fivem/lookup/player").status_code == 400
    assert other_server.get("/fivem/lookup/player", {"name": "John"}).json()["found"] is False


def test_fivem_player_name_returns_at_most_five(server, community):
    for i in range(7):
        make_character(community, first=f"Jo{i}", last="Smithers")
    assert len(server.get("/fivem/lookup/player", {"name": "smither"}).json()["characters"]) == 5


def test_fivem_plate(server, other_server, community, john, civic, cop):
    r = server.get("/fivem/lookup/plate/abc1234")
    assert r.status_code == 200
    assert r.json() == {
        "plate": "ABC1234",
        "vehicle": {"plate": "ABC1234", "make": "Honda", "model": "Civic", "color": "Black", "year": 2020,
                    "is_stolen": False, "owner_name": "John Smith", "owner_id": str(john.pk),
                    "registration_status": "valid",
                    "insurance_status": "valid"},
        "bolo": None, "warrants": [],
        "flags": {"registered": True, "is_stolen": False, "has_bolo": False, "has_warrants": False},
    }
    rec.warrant_create(community=community, character=john, title="FTA", issued_by=cop)
    Bolo.objects.create(community=community, type="vehicle", description="Wanted", vehicle_plate="ABC1234")
    flags = server.get("/fivem/lookup/plate/ABC1234").json()["flags"]
    assert flags["has_bolo"] is True and flags["has_warrants"] is True
    r = server.get("/fivem/lookup/plate/NOPE99")
    assert r.json()["vehicle"] is None and r.json()["flags"]["registered"] is False
    assert server.get("/fivem/lookup/plate/%21%21%21").status_code == 400
    assert other_server.get("/fivem/lookup/plate/ABC1234").json()["vehicle"] is None


def test_fivem_lookup_roles(as_, civilian, client):
    assert as_(civilian).get("/fivem/lookup/plate/ABC123").status_code == 403
    assert client.get("/fivem/lookup/plate/ABC123").status_code in (401, 403)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_history_row_commits_outside_a_transaction(community, officer, john):
    from django.db import connection

    from lookups.services import lookup_search

    assert not connection.in_atomic_block
    result = lookup_search(community=community, query="John Smith", user=officer)
    assert [c["id"] for c in result["civilians"]] == [str(john.pk)]
    row = LookupHistory.objects.for_community(community).get()
    assert (row.type, row.query, row.result_count, row.user_id) == ("name", "John Smith", 1, officer.pk)
    with connection.cursor() as cursor:  # the SET LOCAL ended with its transaction
        cursor.execute("SHOW synchronous_commit")
        assert cursor.fetchone()[0] == "on"


def test_card_uses_live_license_and_latest_application(as_, officer, community, john, supervisor):
    core_services.community_update(community=community, dmv_enabled=True, weapons_enabled=True)
    old = char_services.license_issue(character=john, license_class="M")
    char_services.license_archive(license=old)
    char_services.license_issue(character=john, license_class="E")
    first = char_services.weapon_license_apply(character=john)
    char_services.weapon_license_decide(application=first, approve=False, by=supervisor)
    char_services.weapon_license_apply(character=john)
    card = as_(officer).post("/api/lookup", {"query": "John Smith"}, format="json").json()["civilians"][0]
    assert card["license"]["class"] == "E" and card["licenseStatus"] == "valid"
    assert card["weaponsLicense"] == "pending"
