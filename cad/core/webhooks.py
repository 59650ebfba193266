"""Outgoing webhooks (a community's duty-change webhook) without server-side request forgery.

A community admin chooses the URL, so the worker must not become their proxy into our network: only
https (http too when WEBHOOK_ALLOW_HTTP), only public addresses (WEBHOOK_ALLOW_PRIVATE for a
self-hosted target on the LAN), the connection pinned to the address that was checked (no DNS
rebinding between check and connect), and redirects not followed.
"""

from __future__ import annotations

import http.client
import ipaddress
import json
import socket
import ssl
from urllib.parse import urlsplit

from django.conf import settings


class WebhookError(Exception):
    """The target could not be reached or failed (5xx): worth a retry."""


class WebhookRefused(ValueError):
    """The URL is not allowed: never retried."""


def validate_webhook_url(url: str) -> None:
    parts = urlsplit(url)
    allowed = {"https", "http"} if getattr(settings, "WEBHOOK_ALLOW_HTTP", False) else {"https"}
    if parts.scheme not in allowed:
        raise WebhookRefused(f"Webhook URLs must use {' or '.join(sorted(allowed))}.")
    if not parts.hostname:
        raise WebhookRefused("The webhook URL has no host.")


def _public_address(host: str, port: int) -> str:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise WebhookError(f"cannot resolve {host}: {exc}") from exc
    for info in infos:
        address = info[4][0]
        ip = ipaddress.ip_address(address.split("%")[0])
        if ip.is_global or getattr(settings, "WEBHOOK_ALLOW_PRIVATE", False):
            return address
    raise WebhookRefused(f"{host} resolves to a private or reserved address.")


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, host: str, port: int, address: str, **kwargs):
        super().__init__(host, port, context=ssl.create_default_context(), **kwargs)
        self._address = address

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


class _PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, host: str, port: int, address: str, **kwargs):
        super().__init__(host, port, **kwargs)
        self._address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


def post_json(url: str, payload: dict, *, timeout: float = 5.0, user_agent: str = "cad-webhook") -> int:
    """POST `payload` as JSON; returns the HTTP status (4xx included). Raises WebhookRefused for a
    forbidden URL and WebhookError for an unreachable target or a 5xx answer."""
    validate_webhook_url(url)
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    address = _public_address(parts.hostname, port)
    conn_class = _PinnedHTTPSConnection if parts.scheme == "https" else _PinnedHTTPConnection
    conn = conn_class(parts.hostname, port, address, timeout=timeout)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    try:
        conn.request("POST", path, body=json.dumps(payload).encode(),
                     headers={"Content-Type": "application/json", "User-Agent": user_agent})
        status = conn.getresponse().status
    except (OSError, http.client.HTTPException) as exc:
        raise WebhookError(f"webhook unreachable: {exc}") from exc
    finally:
        conn.close()
    if status >= 500:
        raise WebhookError(f"webhook answered {status}")
    return status
