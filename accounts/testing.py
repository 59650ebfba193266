"""A local stand-in for Discord's OAuth2 and user API, for tests (they never reach Discord).

    with FakeDiscord() as discord:
        discord.user = {"id": "123", "username": "jane"}
        settings.DISCORD_API_URL = discord.url           # or `discord.configure(settings)`

It serves what django-allauth's Discord provider and our guild-role lookup call: the authorize
redirect (consent granted at once, or denied with `discord.deny = True`), the code-for-token exchange
(client secret, redirect URI and PKCE verifier checked, like Discord), `/users/@me`,
`/users/@me/guilds` and `/users/@me/guilds/{id}/member`.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit

CLIENT_ID = "fake-discord-client"
CLIENT_SECRET = "fake-discord-secret"


class FakeDiscord:
    def __init__(self) -> None:
        self.user: dict = {"id": "555000000000000001", "username": "discord_jane", "global_name": "Jane"}
        self.guilds: dict[str, list[str]] = {}  # guild ID → the user's role IDs there
        self.deny = False
        self.grant_scope: str | None = None  # None: grant what was asked
        self.requests: list[str] = []
        self._codes: dict[str, dict] = {}
        self._tokens: dict[str, dict] = {}
        self._server: ThreadingHTTPServer | None = None

    # -- lifecycle --------------------------------------------------------------------------------
    def __enter__(self) -> FakeDiscord:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def do_GET(self) -> None:
                fake._handle(self, "GET")

            def do_POST(self) -> None:
                fake._handle(self, "POST")

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        assert self._server is not None
        self._server.shutdown()
        self._server.server_close()

    @property
    def url(self) -> str:
        assert self._server is not None
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/api"

    def configure(self, settings) -> None:
        """Point a pytest-django `settings` fixture (or django.conf.settings) at this server."""
        settings.DISCORD_CLIENT_ID = CLIENT_ID
        settings.DISCORD_CLIENT_SECRET = CLIENT_SECRET
        settings.DISCORD_API_URL = self.url
        providers = dict(settings.SOCIALACCOUNT_PROVIDERS)
        providers["discord"] = {**providers["discord"],
                                "APPS": [{"client_id": CLIENT_ID, "secret": CLIENT_SECRET}]}
        settings.SOCIALACCOUNT_PROVIDERS = providers
        policy = getattr(settings, "CONTENT_SECURITY_POLICY", None)
        if policy:  # as settings.py does for a configured Discord: the sign-in form is redirected here
            directives = {**policy["DIRECTIVES"]}
            directives["form-action"] = [*directives.get("form-action", []), self.url.removesuffix("/api")]
            settings.CONTENT_SECURITY_POLICY = {**policy, "DIRECTIVES": directives}

    # -- the API ----------------------------------------------------------------------------------
    def _handle(self, handler: BaseHTTPRequestHandler, method: str) -> None:
        parts = urlsplit(handler.path)
        path = parts.path.removeprefix("/api")
        self.requests.append(f"{method} {path}")
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        if method == "GET" and path == "/oauth2/authorize":
            return self._authorize(handler, query)
        if method == "POST" and path == "/oauth2/token":
            length = int(handler.headers.get("Content-Length") or 0)
            form = {k: v[0] for k, v in parse_qs(handler.rfile.read(length).decode()).items()}
            return self._token(handler, form)
        grant = self._tokens.get((handler.headers.get("Authorization") or "").removeprefix("Bearer "))
        if grant is None:
            return self._json(handler, 401, {"message": "401: Unauthorized", "code": 0})
        scopes = set(grant["scope"].split())
        if method == "GET" and path == "/users/@me":
            return self._json(handler, 200, {"discriminator": "0", "avatar": None, **grant["user"]})
        if method == "GET" and path == "/users/@me/guilds" and "guilds" in scopes:
            return self._json(handler, 200, [{"id": gid, "name": f"Guild {gid}"} for gid in grant["guilds"]])
        if method == "GET" and path.startswith("/users/@me/guilds/") and path.endswith("/member") \
                and "guilds.members.read" in scopes:
            gid = path.split("/")[4]
            if gid in grant["guilds"]:
                return self._json(handler, 200, {"roles": grant["guilds"][gid], "user": grant["user"]})
            return self._json(handler, 404, {"message": "Unknown Guild", "code": 10004})
        return self._json(handler, 403 if path.startswith("/users/@me/guilds") else 404, {"message": "Missing Access"})

    def _authorize(self, handler, query: dict) -> None:
        redirect_uri, state = query.get("redirect_uri", ""), query.get("state", "")
        if query.get("client_id") != CLIENT_ID or not redirect_uri:
            return self._json(handler, 400, {"error": "invalid_request"})
        if self.deny:
            params = {"error": "access_denied", "error_description": "The resource owner denied the request",
                      "state": state}
        else:
            code = secrets.token_urlsafe(16)
            self._codes[code] = {
                "user": dict(self.user), "guilds": {k: list(v) for k, v in self.guilds.items()},
                "scope": self.grant_scope if self.grant_scope is not None else query.get("scope", ""),
                "redirect_uri": redirect_uri, "challenge": query.get("code_challenge"),
            }
            params = {"code": code, "state": state}
        handler.send_response(302)
        handler.send_header("Location", f"{redirect_uri}?{urlencode(params)}")
        handler.end_headers()

    def _token(self, handler, form: dict) -> None:
        client_id, secret = form.get("client_id"), form.get("client_secret")
        basic = handler.headers.get("Authorization", "")
        if basic.startswith("Basic "):
            client_id, _, secret = base64.b64decode(basic[6:]).decode().partition(":")
        grant = self._codes.pop(form.get("code", ""), None)
        if client_id != CLIENT_ID or secret != CLIENT_SECRET:
            return self._json(handler, 401, {"error": "invalid_client"})
        if grant is None or form.get("redirect_uri") != grant["redirect_uri"]:
            return self._json(handler, 400, {"error": "invalid_grant"})
        if grant["challenge"]:
            digest = hashlib.sha256((form.get("code_verifier") or "").encode()).digest()
            if base64.urlsafe_b64encode(digest).rstrip(b"=").decode() != grant["challenge"]:
                return self._json(handler, 400, {"error": "invalid_grant", "error_description": "PKCE"})
        access = secrets.token_urlsafe(24)
        self._tokens[access] = grant
        self._json(handler, 200, {"access_token": access, "token_type": "Bearer", "expires_in": 604800,
                                  "refresh_token": secrets.token_urlsafe(24), "scope": grant["scope"]})

    @staticmethod
    def _json(handler, status: int, body) -> None:
        data = json.dumps(body).encode()
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        handler.wfile.write(data)
