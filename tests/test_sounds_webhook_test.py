"""Custom alert sounds (upload, served to the community only, absolute in /fivem/sounds) and the
Duty Change Webhook's Send test."""

from __future__ import annotations

import http.server
import io
import json
import threading

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cad.core import services
from cad.core.errors import Conflict, Invalid
from cad.core.models import AuditEntry, SoundFile

WAV = b"RIFF\x24\x00\x00\x00WAVEfmt " + b"\x00" * 40
MP3 = b"ID3\x03\x00\x00\x00\x00\x00\x00" + b"\x00" * 64


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_upload_sets_custom_url_and_is_served_to_the_community_only(community, admin, officer, civilian, server,
                                                                    other_server, client):
    row = services.sound_upload(community=community, event="panic", by=admin,
                                upload=SimpleUploadedFile("alarm.bin", WAV))
    assert row.content_type == "audio/wav" and row.file.name.endswith(".wav")
    community.refresh_from_db()
    entry = next(s for s in community.sounds if s["event"] == "panic")
    assert entry["custom_url"] == row.file.url and entry["volume"] == 1.0  # the rest of the entry kept
    fivem = server.get("/fivem/sounds").json()
    assert next(s for s in fivem if s["event"] == "panic")["custom_url"] == f"http://testserver{row.file.url}"
    assert next(s for s in fivem if s["event"] == "new_call")["custom_url"] is None
    assert server.get(row.file.url).status_code == 200
    assert other_server.get(row.file.url).status_code == 404
    client.force_login(officer)
    assert client.get(row.file.url).status_code == 200
    assert AuditEntry.objects.for_community(community).first().action == "settings.updated"


@pytest.mark.parametrize("event,data,message", [
    ("panic", b"<html>not audio</html>", "MP3, Ogg or WAV"),
    ("panic", b"", "empty"),
    ("nope", MP3, "One of"),
    ("panic", b"ID3" + b"\x00" * (2 * 1024 * 1024), "At most 2 MB"),
])
def test_bad_sound_uploads_change_nothing(community, admin, event, data, message):
    before = list(community.sounds)
    with pytest.raises(Invalid, match=message):
        services.sound_upload(community=community, event=event, by=admin, upload=SimpleUploadedFile("x.mp3", data))
    community.refresh_from_db()
    assert community.sounds == before and not SoundFile.objects.for_community(community).exists()


def test_reset_goes_back_to_the_bundled_sound(community, admin):
    services.sound_upload(community=community, event="bolo", by=admin, upload=SimpleUploadedFile("b.mp3", MP3))
    services.sound_reset(community=community, event="bolo", by=admin)
    community.refresh_from_db()
    assert next(s for s in community.sounds if s["event"] == "bolo")["custom_url"] is None
    assert SoundFile.objects.for_community(community).count() == 1  # the file stays on record


def _one_shot_server(status: int):
    seen = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            seen.append(json.load(io.BytesIO(self.rfile.read(int(self.headers["Content-Length"])))))
            self.send_response(status)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.handle_request, daemon=True).start()
    return server, seen


def test_webhook_test_posts_to_the_real_target(community, admin, settings):
    settings.WEBHOOK_ALLOW_HTTP = settings.WEBHOOK_ALLOW_PRIVATE = True
    server, seen = _one_shot_server(204)
    services.community_update(community=community, duty_webhook_url=f"http://127.0.0.1:{server.server_address[1]}/h")
    assert services.duty_webhook_test(community=community, by=admin) == 204
    server.server_close()
    assert seen[0]["event"] == "test" and "Alpha RP" in seen[0]["content"] and seen[0]["sent_by"] == "admin_a"
    assert AuditEntry.objects.for_community(community).first().action == "webhook.tested"


def test_webhook_test_errors(community, admin, settings):
    with pytest.raises(Invalid, match="Set the Duty Change Webhook first"):
        services.duty_webhook_test(community=community, by=admin)
    services.community_update(community=community, duty_webhook_url="http://127.0.0.1:9/h")
    with pytest.raises(Invalid):  # plain http to a private address: refused by policy
        services.duty_webhook_test(community=community, by=admin)
    settings.WEBHOOK_ALLOW_HTTP = settings.WEBHOOK_ALLOW_PRIVATE = True
    with pytest.raises(Conflict, match="could not be reached"):
        services.duty_webhook_test(community=community, by=admin)
