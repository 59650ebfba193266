import http.server
import threading

import pytest

from cad.core.webhooks import WebhookError, WebhookRefused, post_json, validate_webhook_url


@pytest.mark.parametrize("url", ["http://example.com/hook", "ftp://example.com", "https:///nohost", "file:///etc/passwd"])
def test_only_https_urls(url):
    with pytest.raises(WebhookRefused):
        validate_webhook_url(url)


@pytest.mark.parametrize("url", ["https://127.0.0.1/hook", "https://169.254.169.254/latest", "https://10.0.0.5/x",
                                 "https://[::1]/x", "https://localhost:6379/"])
def test_private_addresses_are_refused(url):
    with pytest.raises(WebhookRefused):
        post_json(url, {"a": 1})


def test_admin_cannot_set_a_plain_http_webhook(as_, admin, community):
    r = as_(admin).patch(f"/api/communities/{community.id}", {"dutyWebhookUrl": "http://10.0.0.1/x"}, format="json")
    assert r.status_code == 400 and "dutyWebhookUrl" in r.json()["fields"]
    r = as_(admin).patch(f"/api/communities/{community.id}",
                         {"dutyWebhookUrl": "https://discord.com/api/webhooks/1/abc"}, format="json")
    assert r.status_code == 200


def test_posts_to_an_allowed_target_and_does_not_follow_redirects(settings):
    settings.WEBHOOK_ALLOW_HTTP = settings.WEBHOOK_ALLOW_PRIVATE = True
    seen = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            seen.append((self.path, self.rfile.read(int(self.headers["Content-Length"]))))
            self.send_response(302 if self.path == "/redirect" else 204)
            self.send_header("Location", "http://127.0.0.1:1/elsewhere")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.handle_request, daemon=True).start()
    port = server.server_address[1]
    assert post_json(f"http://127.0.0.1:{port}/hook?x=1", {"on": True}) == 204
    threading.Thread(target=server.handle_request, daemon=True).start()
    assert post_json(f"http://127.0.0.1:{port}/redirect", {"on": False}) == 302
    assert [p for p, _ in seen] == ["/hook?x=1", "/redirect"]
    server.server_close()
    with pytest.raises(WebhookError):
        post_json(f"http://127.0.0.1:{port}/gone", {})
