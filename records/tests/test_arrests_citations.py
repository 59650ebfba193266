import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from cad.core import services as core_services
from cad.core.models import PenalCode
from characters import services as char_services
from records import services
from records.models import Arrest, ArrestPhoto, Citation

pytestmark = pytest.mark.django_db


def _png(size=(8, 8)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, "red").save(buf, "PNG")
    return buf.getvalue()


# --- arrests ----------------------------------------------------------------------------------------

def test_arrest_with_penal_codes_and_free_text(as_, officer, officer_char, subject, community,
                                               django_capture_on_commit_callbacks, events):
    robbery = PenalCode.objects.for_community(community).get(code="PC 211")
    report = services.report_create(community=community, author=officer_char, title="Robbery", body="b")
    with django_capture_on_commit_callbacks(execute=True):
        r = as_(officer).post("/api/arrests", {
            "characterId": str(subject.pk), "arrestedBy": str(officer_char.pk),
            "charges": [str(robbery.pk), "resisting arrest", "Littering on the pier"], "reportId": str(report.pk),
        }, format="json")
    assert r.status_code == 201, r.json()
    arrest = r.json()["arrest"]
    assert [c["name"] for c in arrest["charges"]] == ["Armed Robbery", "Resisting Arrest", "Littering on the pier"]
    assert arrest["charges"][2]["penalCodeId"] is None
    # jail time and fine default to the penal codes' sums (free text adds nothing)
    assert arrest["jailTimeMin"] == 90 + 15 and Decimal(str(arrest["fineAmount"])) == Decimal("5750.00")
    assert arrest["reportId"] == str(report.pk) and arrest["officerName"] == "Adam Adams"
    assert events[-1][0] == ("arrest-created",)


@pytest.mark.parametrize("payload,field", [
    ({"charges": []}, "charges"),
    ({"charges": "  , "}, "charges"),
    ({"charges": [1, 2]}, "charges"),
    ({"charges": ["00000000-0000-0000-0000-000000000000"]}, "charges"),
    ({"jailTimeMin": -1}, "jailTimeMin"),
    ({"fineAmount": "lots"}, "fineAmount"),
    ({"characterId": "nope"}, "characterId"),
    ({"reportId": "00000000-0000-0000-0000-000000000000"}, "reportId"),
])
def test_arrest_bad_input(as_, officer, officer_char, subject, community, payload, field):
    body = {"characterId": str(subject.pk), "arrestedBy": str(officer_char.pk), "charges": ["Assault"], **payload}
    r = as_(officer).post("/api/arrests", body, format="json")
    assert r.status_code == 400, r.json()
    assert any(k.startswith(field) for k in r.json()["fields"]), r.json()
    assert Arrest.objects.for_community(community).count() == 0


def test_arrest_of_another_communitys_character_and_list_filter(as_, officer, officer_char, subject, other_subject,
                                                                 community):
    body = {"characterId": str(subject.pk), "arrestedBy": str(officer_char.pk), "charges": "Assault"}
    r = as_(officer).post("/api/arrests", {**body, "characterId": str(other_subject.pk)}, format="json")
    assert r.status_code == 400 and "characterId" in r.json()["fields"]
    arrest = services.arrest_create(community=community, character=subject, arrested_by=officer_char, charges=["x"])
    assert as_(officer).get(f"/api/arrests/{arrest.pk}").json()["characterName"] == "John Smith"
    r = as_(officer).get("/api/arrests", {"characterId": str(subject.pk)})
    assert [a["_id"] for a in r.json()] == [str(arrest.pk)]
    assert as_(officer).get("/api/arrests", {"characterId": "zzz"}).status_code == 400


def test_arrest_photos_are_validated(as_, officer, outsider, officer_char, subject, community, tmp_path, settings):
    settings.MEDIA_ROOT = str(tmp_path)
    arrest = services.arrest_create(community=community, character=subject, arrested_by=officer_char,
                                    charges=["Assault"])
    url = f"/api/arrests/{arrest.pk}/photos"
    fake = SimpleUploadedFile("evil.png", b"<?php echo 1; ?>", content_type="image/png")
    r = as_(officer).post(url, {"photo": fake}, format="multipart")
    assert r.status_code == 400 and "photo" in r.json()["fields"]
    gif = io.BytesIO()
    Image.new("RGB", (4, 4)).save(gif, "GIF")
    r = as_(officer).post(url, {"photo": SimpleUploadedFile("a.png", gif.getvalue())}, format="multipart")
    assert r.status_code == 400  # GIF is not in the community's allowed types
    core_services.community_update(community=community, mugshot_max_bytes=1024)
    r = as_(officer).post(url, {"photo": SimpleUploadedFile("big.png", _png((400, 400)) + b"0" * 2048)},
                          format="multipart")
    assert r.status_code == 400
    assert ArrestPhoto.objects.for_community(community).count() == 0
    core_services.community_update(community=community, mugshot_max_bytes=2 * 1024 * 1024)

    r = as_(officer).post(url, {"photo": SimpleUploadedFile("mugshot.jpg", _png())}, format="multipart")
    assert r.status_code == 201, r.json()
    assert r.json()["photo"]["contentType"] == "image/png" and r.json()["photo"]["url"].endswith(".png")
    assert as_(outsider).post(url, {"photo": SimpleUploadedFile("m.png", _png())}, format="multipart").status_code == 404
    assert len(as_(officer).get(f"/api/arrests/{arrest.pk}").json()["photos"]) == 1


def test_fivem_arrest(server, officer_char, subject, community):
    r = server.post("/fivem/reports/arrests", {
        "character_id": str(subject.pk), "arrested_by": str(officer_char.pk),
        "charges": "PC 211, Evading a Peace Officer, Jaywalking", "jail_time_min": 60, "fine_amount": 1200.5,
    }, format="json")
    assert r.status_code == 201, r.json()
    data = r.json()
    assert data["message"] == "Arrest recorded" and data["jail_time_min"] == 60
    assert [c["name"] for c in data["charges"]] == ["Armed Robbery", "Evading a Peace Officer", "Jaywalking"]
    assert Arrest.objects.for_community(community).get().fine_amount == Decimal("1200.50")
    r = server.post("/fivem/reports/arrests", {"character_id": str(subject.pk), "arrested_by": str(subject.pk),
                                               "charges": "x"}, format="json")
    assert r.status_code == 400 and "arrested_by" in r.json()["fields"]  # a civilian cannot arrest
    assert Arrest.objects.for_community(community).count() == 1


# --- citations --------------------------------------------------------------------------------------

def test_citation_points_are_clamped(as_, officer, officer_char, subject, community):
    r = as_(officer).post("/api/citations", {"characterId": str(subject.pk), "issuedBy": str(officer_char.pk),
                                             "violation": "Speeding 85/55", "fineAmount": 250, "points": 40},
                          format="json")
    assert r.status_code == 201, r.json()
    assert r.json()["citation"]["points"] == 12 and r.json()["citation"]["paid"] is False
    c = services.citation_create(community=community, character=subject, issued_by=officer_char, violation="x",
                                 points=-3)
    assert c.points == 0


@pytest.mark.parametrize("payload,field", [
    ({"violation": ""}, "violation"),
    ({"points": "many"}, "points"),
    ({"fineAmount": -5}, "fineAmount"),
    ({"paid": "perhaps"}, "paid"),
    ({"issuedBy": None}, "issuedBy"),
])
def test_citation_bad_input(as_, officer, officer_char, subject, community, payload, field):
    body = {"characterId": str(subject.pk), "issuedBy": str(officer_char.pk), "violation": "Speeding", **payload}
    r = as_(officer).post("/api/citations", body, format="json")
    assert r.status_code == 400 and field in r.json()["fields"], r.json()
    assert Citation.objects.for_community(community).count() == 0


def _dmv_on(community, points=True):
    core_services.community_update(community=community, dmv_enabled=True, dmv_points_enabled=points)


def test_citation_points_reach_license_and_suspend(community, officer_char, subject):
    _dmv_on(community)
    lic = char_services.license_issue(character=subject, license_class="E")
    services.citation_create(community=community, character=subject, issued_by=officer_char,
                             violation="Reckless", points=8)
    lic.refresh_from_db()
    assert lic.points == 8 and lic.status == "valid"
    services.citation_create(community=community, character=subject, issued_by=officer_char,
                             violation="Speeding", points=4)
    lic.refresh_from_db()
    assert lic.points == 12 and lic.status == "suspended"


def test_citation_points_not_applied_with_dmv_off(community, officer_char, subject):
    _dmv_on(community)
    lic = char_services.license_issue(character=subject, license_class="E")
    core_services.community_update(community=community, dmv_enabled=False)
    services.citation_create(community=community, character=subject, issued_by=officer_char,
                             violation="Speeding", points=12)
    lic.refresh_from_db()
    assert lic.points == 0 and lic.status == "valid"


def test_citation_points_recorded_without_suspension_when_point_system_off(community, officer_char, subject):
    _dmv_on(community, points=False)
    lic = char_services.license_issue(character=subject, license_class="E")
    services.citation_create(community=community, character=subject, issued_by=officer_char,
                             violation="Speeding", points=12)
    lic.refresh_from_db()
    assert lic.points == 12 and lic.status == "valid"


def test_citation_paid_update_and_filter(as_, officer, officer_char, subject, community):
    c = services.citation_create(community=community, character=subject, issued_by=officer_char, violation="x")
    r = as_(officer).patch(f"/api/citations/{c.pk}", {"paid": True}, format="json")
    assert r.status_code == 200 and r.json()["paid"] is True
    assert as_(officer).get("/api/citations", {"paid": "true"}).json()[0]["_id"] == str(c.pk)


def test_fivem_citation(server, officer_char, subject, community):
    _dmv_on(community)
    lic = char_services.license_issue(character=subject, license_class="E")
    r = server.post("/fivem/reports/citations", {"character_id": str(subject.pk), "issued_by": str(officer_char.pk),
                                                 "violation": "Speeding", "fine_amount": 150.0, "points": 13},
                    format="json")
    assert r.status_code == 201, r.json()
    assert r.json()["points"] == 12 and r.json()["message"] == "Citation issued"
    lic.refresh_from_db()
    assert lic.status == "suspended"
    r = server.post("/fivem/reports/citations", {"character_id": str(subject.pk)}, format="json")
    assert r.status_code == 400 and {"issued_by", "violation"} <= set(r.json()["fields"])
