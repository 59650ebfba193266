"""The shell in headless Chromium: sign-in by the form, navigation, switcher, sign-out, axe-core."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from cad.core import services
from cad.core.choices import Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_sign_in_by_the_form_switch_community_and_sign_out(page, community, other_community, civilian, axe, screenshot):
    services.membership_set(community=other_community, user=civilian, role=Role.CIVILIAN)

    page.goto("/")
    expect(page).to_have_url(re.compile(r"/login"))
    assert axe(page) == []
    screenshot(page, "login")

    page.get_by_label("Username").fill("civilian_a")
    page.get_by_label("Password").fill("wrong password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("correct username and password")

    page.get_by_label("Password").fill("pw-civilian_a")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()

    switcher = page.get_by_label("Community")
    expect(switcher.locator("option")).to_have_text(["Alpha RP", "Bravo RP"])
    switcher.select_option(label="Bravo RP")  # submits on change
    expect(page.get_by_label("Community")).to_have_value(str(other_community.pk))
    assert axe(page) == []

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Signed out")).to_be_visible()
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/login"))


def test_api_docs_run_under_the_csp_from_our_own_files(page, live_server_url):
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto("/api/docs")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("CAD/MDT API", timeout=30_000)
    assert all(url.startswith(live_server_url) for url in requests), [u for u in requests if not u.startswith(live_server_url)]
