import io

import pytest
from PIL import Image

from cad.core import services
from characters.models import Character


@pytest.fixture
def mugshot(community, civilian, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    character = Character.objects.create(community=community, user=civilian, first_name="Jo", last_name="Civ",
                                         ssn="222-33-4444", license_number="DL-22222")
    buf = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buf, "PNG")
    path = tmp_path / "mugshots" / "jo.png"
    path.parent.mkdir(parents=True)
    path.write_bytes(buf.getvalue())
    character.mugshot.name = "mugshots/jo.png"
    character.save()
    return "/media/mugshots/jo.png"


def test_media_served_to_officers_and_the_owner(as_, officer, civilian, server, mugshot):
    r = as_(officer).get(mugshot)
    assert r.status_code == 200 and r["Content-Type"] == "image/png"
    assert b"".join(r.streaming_content).startswith(b"\x89PNG")
    assert as_(civilian).get(mugshot).status_code == 200  # their own character
    assert server.get(mugshot).status_code == 200


def test_media_hidden_from_others(as_, outsider, other_server, community, mugshot, client):
    assert as_(outsider).get(mugshot).status_code == 404
    assert other_server.get(mugshot).status_code == 404
    assert client.get(mugshot).status_code in (401, 403)
    other = services.user_ensure(username="civ2", password="pw-civ2")
    services.membership_set(community=community, user=other, role="civilian")
    assert as_(other).get(mugshot).status_code == 404
    assert as_(outsider).get("/media/../cad/settings.py").status_code == 404
    assert as_(outsider).get("/media/mugshots/nothing.png").status_code == 404


def test_media_served_to_the_superuser(as_, superuser, mugshot):
    assert as_(superuser).get(mugshot).status_code == 200
