"""Discord in headless Chromium against the local fake Discord: "Sign in with Discord" on /login, and
linking from the account page, after which the game server knows the player."""

from __future__ import annotations

import re

import httpx
import pytest
from playwright.sync_api import expect

from accounts.testing import FakeDiscord
from cad.core import services
from cad.core.models import Profile

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def discord(settings):
    with FakeDiscord() as fake:
        fake.configure(settings)
        yield fake


def test_link_discord_then_player_connect(page, open_as, community, dispatcher, discord, live_server_url, axe,
                                          screenshot):
    _, token = services.token_create(community=community, name="game server")
    discord.user = {"id": "555000000000000777", "username": "disp_on_discord"}
    open_as(page, dispatcher, "/account")
    assert axe(page) == []
    page.get_by_role("button", name="Link Discord").click()
    expect(page).to_have_url(re.compile(r"/account$"))
    expect(page.get_by_role("region", name="Discord")).to_contain_text("555000000000000777")
    screenshot(page, "account-discord")
    assert Profile.objects.get(user=dispatcher).discord_id == "555000000000000777"

    connect = httpx.post(f"{live_server_url}/fivem/player-connect", json={"discord_id": "555000000000000777"},
                         headers={"Authorization": f"Bearer {token}"})
    assert connect.status_code == 200 and connect.json()["registered"] is True
    assert connect.json()["user"]["username"] == "dispatcher_a"


def test_sign_in_with_discord_on_the_login_page(page, community, officer, discord, axe):
    discord.user = {"id": "100000000000000001", "username": "cop"}  # the officer's Discord ID
    page.goto("/login")
    assert axe(page) == []
    page.get_by_role("button", name="Sign in with Discord").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    expect(page.locator(".who")).to_contain_text("officer_a")


def test_denied_consent_and_stranger_come_back_to_login(page, community, discord):
    discord.deny = True
    page.goto("/login")
    page.get_by_role("button", name="Sign in with Discord").click()
    expect(page).to_have_url(re.compile(r"/login"))
    expect(page.get_by_role("status", name="Messages")).to_contain_text("cancelled")
    discord.deny = False
    discord.user = {"id": "555000000000000999", "username": "stranger"}
    page.get_by_role("button", name="Sign in with Discord").click()
    expect(page.get_by_role("status", name="Messages")).to_contain_text("not a member of any community")
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)
