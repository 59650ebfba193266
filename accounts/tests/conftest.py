from __future__ import annotations

from urllib.parse import urlsplit

import pytest
import requests

from accounts.testing import FakeDiscord


@pytest.fixture
def discord(settings):
    with FakeDiscord() as fake:
        fake.configure(settings)
        yield fake


@pytest.fixture
def discord_sign_in(discord):
    """discord_sign_in(client, process="login"|"connect", next=None) → the callback's response, after
    the browser's round trip through the fake Discord (its consent page answers at once)."""

    def run(client, process: str = "login", next: str | None = None):
        data = {"process": process, **({"next": next} if next else {})}
        start = client.post("/accounts/discord/login/", data)
        assert start.status_code == 302, start.content
        assert start["Location"].startswith(discord.url + "/oauth2/authorize?"), start["Location"]
        consent = requests.get(start["Location"], allow_redirects=False, timeout=10)
        assert consent.status_code == 302
        back = urlsplit(consent.headers["Location"])
        return client.get(f"{back.path}?{back.query}")

    return run
