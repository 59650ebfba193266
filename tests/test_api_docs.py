"""/api/docs is served entirely by this server (drf-spectacular-sidecar): it renders with the network off."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.test import Client


@pytest.mark.parametrize("path", ["/api/docs", "/api/docs/"])
def test_api_docs_assets_never_leave_this_server(db, path):
    client = Client()
    page = client.get(path)
    assert page.status_code == 200 and page["Content-Type"].startswith("text/html")
    html = page.content.decode()
    urls = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert any("swagger-ui-bundle.js" in u for u in urls) and any("swagger-ui.css" in u for u in urls)
    for url in urls:
        assert url.startswith("/") and not url.startswith("//"), url
        if url.startswith(settings.STATIC_URL):  # collected by collectstatic, served by WhiteNoise
            assert finders.find(url[len(settings.STATIC_URL):]), url
        else:
            asset = client.get(url)
            assert asset.status_code == 200 and asset.content, url
    assert "cdn" not in html.lower() and "https://" not in html
    # The page loads the schema from this server too.
    assert client.get("/api/schema", HTTP_ACCEPT="application/vnd.oai.openapi+json").status_code == 200
