from __future__ import annotations

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from characters import services
from characters.models import ActiveCharacter, Character

pytestmark = pytest.mark.django_db


def _count(community):
    return Character.objects.for_community(community).count()


def test_create_generates_identifiers(as_, civilian, community, django_capture_on_commit_callbacks, events):
    with django_capture_on_commit_callbacks(execute=True):
        r = as_(civilian).post("/api/characters", {"firstName": "Ann", "lastName": "Lee", "dateOfBirth": "1990-04-15",
                                                   "flags": ["armed_and_dangerous"]}, format="json")
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["success"] is True
    char = body["character"]
    assert re.fullmatch(r"\d{3}-\d{2}-\d{4}", char["ssn"]) and re.fullmatch(r"DL-\d{5}", char["licenseNumber"])
    assert char["type"] == "civilian" and char["userId"] == str(civilian.pk) and char["_id"] == char["id"]
    assert char["communityId"] == str(community.pk) and char["flags"] == ["armed_and_dangerous"]
    assert [n for n, _ in events] == [("character-created",)]


@pytest.mark.parametrize("payload, field", [
    ({"lastName": "Lee"}, "firstName"),
    ({"firstName": "  ", "lastName": "Lee"}, "firstName"),
    ({"firstName": "A", "lastName": "Lee", "type": "pilot"}, "type"),
    ({"firstName": "A", "lastName": "Lee", "ssn": "123456789"}, "ssn"),
    ({"firstName": "A", "lastName": "Lee", "dateOfBirth": "2999-01-01"}, "dateOfBirth"),
    ({"firstName": "A", "lastName": "Lee", "flags": "armed"}, "flags"),
    ({"firstName": "A", "lastName": "Lee", "departmentId": "not-a-uuid"}, "departmentId"),
])
def test_create_bad_input_is_400(as_, civilian, community, payload, field):
    r = as_(civilian).post("/api/characters", payload, format="json")
    assert r.status_code == 400, r.content
    assert field in r.json()["fields"], r.json()
    assert _count(community) == 0


def test_create_with_foreign_department_is_400(as_, officer, community, other_community):
    from cad.core.models import Department

    dept = Department.objects.for_community(other_community).first()
    r = as_(officer).post("/api/characters", {"firstName": "A", "lastName": "B", "departmentId": str(dept.pk)},
                          format="json")
    assert r.status_code == 400 and "departmentId" in r.json()["fields"]
    assert _count(community) == 0


def test_duplicate_ssn_is_409(as_, civilian, civ_char, community):
    r = as_(civilian).post("/api/characters", {"firstName": "A", "lastName": "B", "ssn": civ_char.ssn}, format="json")
    assert r.status_code == 409 and civ_char.ssn in r.json()["error"]
    assert _count(community) == 1


def test_civilian_cannot_create_leo(as_, civilian, officer, community):
    r = as_(civilian).post("/api/characters", {"firstName": "A", "lastName": "B", "type": "leo"}, format="json")
    assert r.status_code == 403
    assert _count(community) == 0
    r = as_(officer).post("/api/characters", {"firstName": "A", "lastName": "B", "type": "leo"}, format="json")
    assert r.status_code == 201


def test_list_civilian_sees_own_officer_sees_all(as_, civilian, officer, civ_char, officer_char,
                                                 django_assert_max_num_queries):
    ids = [c["id"] for c in as_(civilian).get("/api/characters").json()]
    assert ids == [str(civ_char.pk)]
    client = as_(officer)
    with django_assert_max_num_queries(12):
        everyone = client.get("/api/characters").json()
    assert {c["id"] for c in everyone} == {str(civ_char.pk), str(officer_char.pk)}
    mine = client.get("/api/characters?mine=true").json()
    assert [c["id"] for c in mine] == [str(officer_char.pk)]
    assert mine[0]["deptShort"] is None and mine[0]["isActive"] is True  # the only character plays
    assert client.get("/api/characters?type=leo").json()[0]["id"] == str(officer_char.pk)
    assert client.get("/api/characters?type=pilot").status_code == 400


def test_list_has_no_n_plus_one(as_, officer, community, django_assert_max_num_queries):
    from cad.core.models import Department

    dept = Department.objects.for_community(community).first()
    for i in range(15):
        services.character_create(community=community, first_name=f"N{i}", last_name="X", department=dept)
    with django_assert_max_num_queries(12):
        r = as_(officer).get("/api/characters")
    assert len(r.json()) == 15 and r.json()[0]["deptShort"] == dept.short_name


def test_a_malformed_id_is_404(as_, civilian):
    assert as_(civilian).get("/api/characters/not-a-uuid").status_code == 404


def test_update_own_and_admin_override(as_, civilian, officer, admin, civ_char):
    r = as_(civilian).patch(f"/api/characters/{civ_char.pk}", {"phone": "555-0123", "address": "1 Grove St"},
                            format="json")
    assert r.status_code == 200 and r.json()["phone"] == "555-0123"
    # An officer reads everyone's characters but does not change them.
    r = as_(officer).patch(f"/api/characters/{civ_char.pk}", {"phone": "555-9999"}, format="json")
    assert r.status_code == 403
    r = as_(admin).patch(f"/api/characters/{civ_char.pk}", {"flags": ["violent"]}, format="json")
    assert r.status_code == 200 and r.json()["flags"] == ["violent"]
    civ_char.refresh_from_db()
    assert civ_char.phone == "555-0123" and civ_char.flags == ["violent"]


def test_delete_archives(as_, civilian, officer, civ_char, community):
    assert as_(civilian).delete(f"/api/characters/{civ_char.pk}").status_code == 204
    civ_char.refresh_from_db()
    assert civ_char.archived_at is not None and _count(community) == 1
    assert as_(civilian).get("/api/characters").json() == []
    assert len(as_(officer).get("/api/characters?archived=true").json()) == 1


def test_activate(as_, civilian, officer, community, civ_char, outsider):
    second = services.character_create(community=community, user=civilian, first_name="Second", last_name="Char")
    assert services.active_character(civilian, community) is None  # two characters, none picked
    r = as_(civilian).post(f"/api/characters/{second.pk}/activate")
    assert r.status_code == 200 and r.json()["character"]["isActive"] is True
    assert services.active_character(civilian, community) == second
    r = as_(civilian).post(f"/api/characters/{civ_char.pk}/activate")
    assert services.active_character(civilian, community) == civ_char
    assert ActiveCharacter.objects.for_community(community).count() == 1
    # Someone else's character: 403 for an officer who can see it, 404 in another community.
    assert as_(officer).post(f"/api/characters/{civ_char.pk}/activate").status_code == 403
    assert as_(outsider).post(f"/api/characters/{civ_char.pk}/activate").status_code == 404
    assert services.active_character(civilian, community) == civ_char
    # Archiving the active character drops the selection.
    services.character_archive(character=civ_char)
    assert services.active_character(civilian, community) == second  # the only live one left


def _png(size=(8, 8)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, "red").save(buf, "PNG")
    return buf.getvalue()


def test_mugshot_upload(as_, civilian, officer, outsider, civ_char, community, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    upload = SimpleUploadedFile("face.txt", _png(), content_type="text/plain")  # the content decides
    r = as_(civilian).post(f"/api/characters/{civ_char.pk}/mugshot", {"mugshot": upload}, format="multipart")
    assert r.status_code == 200, r.content
    assert r.json()["character"]["mugshot"].endswith(".png")
    civ_char.refresh_from_db()
    assert civ_char.mugshot.name.endswith(f"{civ_char.pk}.png")

    fake = SimpleUploadedFile("evil.png", b"<?php echo 1; ?>" * 10, content_type="image/png")
    r = as_(civilian).post(f"/api/characters/{civ_char.pk}/mugshot", {"mugshot": fake}, format="multipart")
    assert r.status_code == 400 and "mugshot" in r.json()["fields"]

    community.mugshot_types = ["image/jpeg"]
    community.mugshot_max_bytes = 1024 * 1024
    community.save()
    r = as_(civilian).post(f"/api/characters/{civ_char.pk}/mugshot",
                           {"mugshot": SimpleUploadedFile("a.jpg", _png(), content_type="image/jpeg")},
                           format="multipart")
    assert r.status_code == 400 and "image/jpeg" in r.json()["error"]
    community.mugshot_types = ["image/png"]
    community.mugshot_max_bytes = 1024
    community.save()
    big = _png((600, 600))
    assert len(big) > 1024
    r = as_(civilian).post(f"/api/characters/{civ_char.pk}/mugshot",
                           {"mugshot": SimpleUploadedFile("b.png", big, content_type="image/png")}, format="multipart")
    assert r.status_code == 400 and "larger" in r.json()["error"]
    assert as_(civilian).post(f"/api/characters/{civ_char.pk}/mugshot", {}, format="multipart").status_code == 400

    up = SimpleUploadedFile("c.png", _png(), content_type="image/png")
    assert as_(officer).post(f"/api/characters/{civ_char.pk}/mugshot", {"mugshot": up},
                             format="multipart").status_code == 403
    up = SimpleUploadedFile("c.png", _png(), content_type="image/png")
    assert as_(outsider).post(f"/api/characters/{civ_char.pk}/mugshot", {"mugshot": up},
                              format="multipart").status_code == 404
    civ_char.refresh_from_db()
    assert civ_char.mugshot.name.endswith(f"{civ_char.pk}.png")


def test_unauthenticated_is_401(client, civ_char):
    assert client.get("/api/characters").status_code in (401, 403)


def test_mugshot_is_reencoded(as_, civilian, civ_char, settings, tmp_path):
    """EXIF (e.g. GPS) and bytes appended after the image do not survive: Pillow writes the stored file."""
    settings.MEDIA_ROOT = tmp_path
    buf = io.BytesIO()
    exif = Image.Exif()
    exif[0x010E] = "secret description"
    Image.new("RGB", (16, 16), "blue").save(buf, "JPEG", exif=exif)
    payload = buf.getvalue() + b"<script>alert(1)</script>"
    r = as_(civilian).post(f"/api/characters/{civ_char.pk}/mugshot",
                           {"mugshot": SimpleUploadedFile("x.gif", payload, content_type="image/gif")},
                           format="multipart")
    assert r.status_code == 200, r.content
    civ_char.refresh_from_db()
    assert civ_char.mugshot.name.endswith(".jpg")
    stored = civ_char.mugshot.read()
    assert b"<script>" not in stored and b"secret description" not in stored
    with Image.open(io.BytesIO(stored)) as image:
        assert image.format == "JPEG" and image.size == (16, 16)


def test_old_mugshot_goes_after_commit(civ_char, community, settings, tmp_path, django_capture_on_commit_callbacks):
    settings.MEDIA_ROOT = tmp_path
    with django_capture_on_commit_callbacks(execute=True):
        services.character_set_mugshot(character=civ_char, upload=SimpleUploadedFile("a.png", _png()))
    first = civ_char.mugshot.name
    assert civ_char.mugshot.storage.exists(first)
    buf = io.BytesIO()
    Image.new("RGB", (8, 8)).save(buf, "WEBP")
    with django_capture_on_commit_callbacks(execute=True):
        services.character_set_mugshot(character=civ_char, upload=SimpleUploadedFile("b.webp", buf.getvalue()))
    assert civ_char.mugshot.name.endswith(".webp")
    assert not civ_char.mugshot.storage.exists(first) and civ_char.mugshot.storage.exists(civ_char.mugshot.name)
