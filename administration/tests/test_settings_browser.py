"""/settings in headless Chromium: an API token shown once, used and revoked; the BOLO permission
an officer's BOLO creation follows; an invite link that makes a member with the right role."""

from __future__ import annotations

import re

import httpx
import pytest
from playwright.sync_api import expect

from cad.core.choices import Role
from cad.core.models import Membership

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_token_created_seen_once_used_and_revoked(page, open_as, community, admin, live_server_url, axe,
                                                  screenshot):
    open_as(page, admin, "/settings")
    assert axe(page) == []
    page.get_by_role("navigation", name="Settings").get_by_role("link", name="API tokens").click()
    page.get_by_label("Token name").fill("Main server")
    page.get_by_role("button", name="Create token").click()
    raw = page.get_by_label("Your new token").input_value()
    assert raw.startswith("cad_")
    assert axe(page) == []
    screenshot(page, "settings-token")

    poll = httpx.get(f"{live_server_url}/fivem/poll-calls", headers={"Authorization": f"Bearer {raw}"})
    assert poll.status_code == 200 and "calls" in poll.json()

    page.goto("/settings/tokens")
    expect(page.get_by_label("Your new token")).to_have_count(0)  # shown once
    assert raw not in page.content()
    row = page.get_by_role("row", name=re.compile("Main server"))
    expect(row).to_contain_text(raw[:10])
    row.get_by_role("button", name="Revoke").click()
    expect(page.get_by_role("status", name="Messages")).to_contain_text("revoked")
    again = httpx.get(f"{live_server_url}/fivem/poll-calls", headers={"Authorization": f"Bearer {raw}"})
    assert again.status_code == 401


def test_bolo_permission_is_followed(page, open_as, community, admin, officer, live_server_url, axe):
    from rest_framework_simplejwt.tokens import AccessToken

    cop = {"Authorization": f"Bearer {AccessToken.for_user(officer)}"}
    bolo = {"type": "vehicle", "description": "Red Dodge Charger", "plate": "BOLO1", "communityId": str(community.pk)}
    assert httpx.post(f"{live_server_url}/api/bolos", json=bolo, headers=cop).status_code == 201

    open_as(page, admin, "/settings")
    field = page.get_by_label("BOLO permission")
    expect(field.locator("option")).to_have_count(3)
    assert sorted(field.locator("option").evaluate_all("os => os.map(o => o.value)")) == ["admin", "all", "supervisor"]
    field.select_option("supervisor")
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_role("status", name="Messages")).to_contain_text("Settings saved")
    community.refresh_from_db()
    assert community.bolo_permission == "supervisor"
    assert httpx.post(f"{live_server_url}/api/bolos", json={**bolo, "plate": "BOLO2"}, headers=cop).status_code == 403

    page.get_by_label("BOLO permission").select_option("all")
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_role("status", name="Messages")).to_contain_text("Settings saved")
    assert httpx.post(f"{live_server_url}/api/bolos", json={**bolo, "plate": "BOLO3"}, headers=cop).status_code == 201
    page.get_by_role("navigation", name="Settings").get_by_role("link", name="Audit log").click()
    expect(page.get_by_role("table")).to_contain_text("bolo_permission")
    assert axe(page) == []


def test_invite_link_makes_a_member_with_the_role(page, new_page, open_as, community, admin, axe, screenshot):
    open_as(page, admin, "/settings/members")
    invite = page.get_by_role("region", name="Invite someone")
    invite.get_by_label("Role").select_option("dispatcher")
    invite.get_by_label("For").fill("Sam")
    invite.get_by_role("button", name="Create invite").click()
    link = page.get_by_label("Invite link").input_value()
    assert "/invite/inv_" in link
    assert axe(page) == []
    screenshot(page, "settings-members")

    newcomer = new_page()
    newcomer.goto(link)
    expect(newcomer.get_by_role("heading", name="Join Alpha RP")).to_be_visible()
    assert axe(newcomer) == []
    newcomer.get_by_label("Username").fill("sam_dispatch")
    newcomer.get_by_label("Password", exact=True).fill("a-long-pass-phrase")
    newcomer.get_by_label("Confirm password").fill("a-long-pass-phrase")
    newcomer.get_by_role("button", name="Create account and join").click()
    expect(newcomer.get_by_role("button", name="Sign out")).to_be_visible()
    membership = Membership.objects.get(community=community, user__username="sam_dispatch")
    assert membership.role == Role.DISPATCHER

    again = new_page()
    again.goto(link)
    expect(again.get_by_role("alert")).to_contain_text("already been used")

    page.goto("/settings/members")
    people = page.get_by_role("region", name="People")
    expect(people.get_by_role("row", name=re.compile("sam_dispatch"))).to_be_visible()
    expect(people.get_by_label("Role of sam_dispatch")).to_have_value("dispatcher")
    expect(page.get_by_role("table", name="Invites")).to_contain_text("Used by sam_dispatch")
