"""POST /account/volume: the member's alert volume, kept with their membership (the board's and the
MDT's slider save it; every page renders it)."""

from __future__ import annotations

import pytest
from django.test import Client

from accounts import services
from cad.core import services as core_services
from cad.core.choices import Role
from cad.core.errors import Invalid, NotFound
from cad.core.models import Membership


def _volume(user, community) -> int:
    return Membership.objects.get(user=user, community=community).sound_volume


def test_a_new_membership_starts_at_the_default(community, dispatcher):
    assert _volume(dispatcher, community) == 80


def test_success_is_saved_and_rendered(client, community, dispatcher):
    client.force_login(dispatcher)
    r = client.post("/account/volume", {"volume": "35"})
    assert r.status_code == 200 and r.json() == {"volume": 35}
    assert _volume(dispatcher, community) == 35
    for page in ("/dispatch", "/mdt"):
        body = client.get(page).content.decode()
        assert 'data-my-volume="35"' in body and 'data-volume-url="/account/volume"' in body
        assert "data-sound-volume-input" in body


@pytest.mark.parametrize("bad", ["", "101", "-1", "40.5", "loud", "１０", "1e2", "0x10", " "])
def test_bad_input_is_400_and_changes_nothing(client, community, dispatcher, bad):
    client.force_login(dispatcher)
    r = client.post("/account/volume", {"volume": bad})
    assert r.status_code == 400 and r["Content-Type"] == "application/json"
    assert r.json()["fields"] == {"volume": ["A whole number from 0 to 100."]}
    assert _volume(dispatcher, community) == 80


def test_missing_volume_is_400(client, community, dispatcher):
    client.force_login(dispatcher)
    assert client.post("/account/volume", {}).status_code == 400
    assert _volume(dispatcher, community) == 80


def test_only_the_own_membership_in_the_active_community(client, community, other_community, dispatcher, officer):
    """A member of two communities changes the volume of the one they are in, never the other's; the
    body cannot name another community or another member."""
    core_services.membership_set(community=other_community, user=dispatcher, role=Role.OFFICER)
    client.force_login(dispatcher)
    r = client.post("/account/volume", {"volume": "10", "community": str(other_community.pk),
                                        "user": str(officer.pk)})
    assert r.status_code == 200
    assert _volume(dispatcher, community) == 10
    assert _volume(dispatcher, other_community) == 80 and _volume(officer, community) == 80
    core_services.active_community_set(user=dispatcher, community=other_community)
    assert client.post("/account/volume", {"volume": "55"}).status_code == 200
    assert (_volume(dispatcher, community), _volume(dispatcher, other_community)) == (10, 55)
    assert 'data-my-volume="55"' in client.get("/mdt").content.decode()


def test_not_a_member(client, community, superuser, db, django_user_model):
    """A superuser acts as an admin of every community but has no membership to keep a volume in: 404,
    and the pages leave the volume to the browser. A user of no community is refused (403)."""
    core_services.active_community_set(user=superuser, community=community)
    client.force_login(superuser)
    r = client.post("/account/volume", {"volume": "20"})
    assert r.status_code == 404 and not Membership.objects.filter(user=superuser).exists()
    body = client.get("/dispatch").content.decode()
    assert "data-my-volume" not in body and "data-volume-url" not in body
    loner = django_user_model.objects.create_user("loner", password="pw-loner-pass")
    client.force_login(loner)
    assert client.post("/account/volume", {"volume": "20"}).status_code == 403


def test_role_and_sign_in(client, community, civilian, officer):
    client.force_login(civilian)  # civilians' pages play no alerts
    assert client.post("/account/volume", {"volume": "20"}).status_code == 403
    assert _volume(civilian, community) == 80
    client.logout()
    r = client.post("/account/volume", {"volume": "20"})
    assert r.status_code == 302 and r["Location"].startswith("/login")
    client.force_login(officer)
    assert client.get("/account/volume").status_code == 405


def test_csrf_is_required(community, officer):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(officer)
    assert browser.post("/account/volume", {"volume": "20"}).status_code == 403
    assert _volume(officer, community) == 80
    page = browser.get("/mdt")
    token = page.cookies["csrftoken"].value
    r = browser.post("/account/volume", {"volume": "20"}, HTTP_X_CSRFTOKEN=token)
    assert r.status_code == 200 and _volume(officer, community) == 20


def test_service(community, officer, outsider):
    assert services.sound_volume_set(user=officer, community=community, volume=0).sound_volume == 0
    assert services.sound_volume_set(user=officer, community=community, volume="100").sound_volume == 100
    for bad in (True, 101, -1, 7.0, None, "abc"):
        with pytest.raises(Invalid):
            services.sound_volume_set(user=officer, community=community, volume=bad)
    with pytest.raises(NotFound):
        services.sound_volume_set(user=outsider, community=community, volume=5)
    assert _volume(officer, community) == 100
