"""HTTP paths that domain apps serve as their own lean ASGI apps in front of Django (no middleware
stack, no thread hop), e.g. dispatch's position ingest. Apps register them in `AppConfig.ready()`;
`cad.realtime.asgi` routes them. Only for paths taking thousands of requests a second: everything
else goes through Django."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from typing import Any

AsgiApp = Callable[[dict, Any, Any], Awaitable[None]]

HTTP_ROUTES: dict[str, AsgiApp] = {}


def register_http(paths: Iterable[str], app: AsgiApp) -> None:
    for path in paths:
        existing = HTTP_ROUTES.get(path)
        if existing is not None and existing is not app:
            raise ValueError(f"{path} is already served by {existing!r}")
        HTTP_ROUTES[path] = app
