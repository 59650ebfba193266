"""/account and /invite/<secret> on the server side."""

from __future__ import annotations

from django.contrib.auth import get_user_model

from accounts import services
from cad.core.choices import Role
from cad.core.models import Membership

User = get_user_model()


def test_account_page(client, community, officer):
    assert client.get("/account").status_code == 302
    client.force_login(officer)
    body = client.get("/account").content.decode()
    assert "100000000000000001" in body and "Unlink Discord" in body and "Alpha RP" in body


def test_password_change(client, community, officer):
    client.force_login(officer)
    r = client.post("/account/password", {"old_password": "wrong", "new_password1": "n3w-pass-phrase",
                                          "new_password2": "n3w-pass-phrase"})
    assert r.status_code == 400
    r = client.post("/account/password", {"old_password": "pw-officer_a", "new_password1": "n3w-pass-phrase",
                                          "new_password2": "n3w-pass-phrase"})
    assert r.status_code == 302
    officer.refresh_from_db()
    assert officer.check_password("n3w-pass-phrase")


def test_invite_sign_up_with_password(client, community, admin):
    invite, raw = services.invite_create(community=community, role=Role.DISPATCHER, by=admin)
    page = client.get(f"/invite/{raw}")
    assert page.status_code == 200 and "Join Alpha RP" in page.content.decode()
    bad = client.post(f"/invite/{raw}", {"username": "newbie", "password": "a-long-pass-phrase",
                                         "password_again": "different"})
    assert bad.status_code == 400 and not User.objects.filter(username="newbie").exists()
    taken = client.post(f"/invite/{raw}", {"username": "admin_a", "password": "a-long-pass-phrase",
                                           "password_again": "a-long-pass-phrase"})
    assert taken.status_code == 400 and "taken" in taken.content.decode()
    r = client.post(f"/invite/{raw}", {"username": "newbie", "password": "a-long-pass-phrase",
                                       "password_again": "a-long-pass-phrase"})
    assert r.status_code == 302
    newbie = User.objects.get(username="newbie")
    assert Membership.objects.get(community=community, user=newbie).role == Role.DISPATCHER
    assert client.get(f"/invite/{raw}").status_code == 200  # the one who used it: "You joined"
    client.logout()
    used = client.get(f"/invite/{raw}")
    assert used.status_code == 410 and "already been used" in used.content.decode()
    again = client.post(f"/invite/{raw}", {"username": "second", "password": "a-long-pass-phrase",
                                           "password_again": "a-long-pass-phrase"})
    assert again.status_code == 410 and not User.objects.filter(username="second").exists()


def test_existing_user_accepts(client, community, admin, outsider):
    invite, raw = services.invite_create(community=community, role=Role.OFFICER, by=admin)
    assert client.post(f"/invite/{raw}/accept").status_code == 302  # signed out: to sign-in
    client.force_login(outsider)
    assert "Join Alpha RP" in client.get(f"/invite/{raw}").content.decode()
    r = client.post(f"/invite/{raw}/accept")
    assert r.status_code == 302
    assert Membership.objects.get(community=community, user=outsider).role == Role.OFFICER
    outsider.profile.refresh_from_db()
    assert outsider.profile.active_community == community  # the page they land on is the new community's
    assert client.post(f"/invite/{raw}/accept").status_code == 410


def test_bad_links(client, community):
    assert client.get("/invite/inv_nonsense").status_code == 404
    assert client.get("/invite/whatever").status_code == 404
