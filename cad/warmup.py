"""A web process warms itself before it serves anyone (called by `cad.asgi` at import, which uvicorn does
before it accepts a connection; the Procfile runs with `--lifespan off`, so not in a lifespan handler).

Without it the first requests and the first events after a start paid for work done once per process:
the URL conf and every view, serializer and admin module it imports (≈ 2 s of imports and
compilation behind the first request on this machine), and, a little later, a full garbage collection
of every object the start-up made (≈ 150,000; the collector runs a full pass once the objects that
survived since the last one reach a quarter of the long-lived ones, which 200 sockets joining reach
within the first calls): one call of the first scenario of a fresh server took 125-140 ms instead of
16-27 ms (issue 15). `gc.freeze()` moves what start-up made into a generation the collector never
scans, so later full passes only walk what the running server made.

The warm-up runs in a context of its own. Each URL resolver marks itself "populating" in an asgiref
`Local`, a context variable; set in the process's main context, those 87 variables were copied into every
task uvicorn starts, and asgiref walks (and re-homes) each of a task's variables on every hop between the
event loop and a sync view's thread: about a fifth of the create request's CPU (issue 15's profile).
"""

from __future__ import annotations

import contextvars
import gc
import logging
import time

logger = logging.getLogger(__name__)

# What ran, for the test that checks the warm-up happened and for anyone reading a process's state.
state: dict[str, float | int] = {}


def warm() -> None:
    started = time.perf_counter()
    contextvars.copy_context().run(_warm_imports)
    gc.collect()
    gc.freeze()
    state.update(seconds=time.perf_counter() - started, frozen=gc.get_freeze_count())
    logger.info("warm-up: %.0f ms, %d objects frozen", 1000 * state["seconds"], state["frozen"])


def _warm_imports() -> None:
    from django.urls import get_resolver

    resolver = get_resolver()
    resolver.url_patterns  # noqa: B018  (imports the URL conf: every app's views and serializers)
    resolver.reverse_dict  # noqa: B018  (builds the reverse lookups `reverse()` and templates use)
    _warm_api()


def _warm_api() -> None:
    """What the first API request would otherwise build: DRF's and simplejwt's configured classes (each
    imported on first use), and every model's field maps (the ORM builds them on a model's first query)."""
    from django.apps import apps
    from rest_framework.settings import api_settings
    from rest_framework_simplejwt.settings import api_settings as jwt_settings

    for name in ("DEFAULT_AUTHENTICATION_CLASSES", "DEFAULT_RENDERER_CLASSES", "DEFAULT_PARSER_CLASSES",
                 "DEFAULT_PERMISSION_CLASSES", "DEFAULT_THROTTLE_CLASSES", "DEFAULT_FILTER_BACKENDS",
                 "EXCEPTION_HANDLER"):
        getattr(api_settings, name)
    for name in ("AUTH_TOKEN_CLASSES", "TOKEN_USER_CLASS", "USER_AUTHENTICATION_RULE"):
        getattr(jwt_settings, name)
    from rest_framework_simplejwt.state import token_backend

    token_backend.get_verifying_key  # noqa: B018  (imports the signing backend)
    for model in apps.get_models():
        model._meta.get_fields()
        model._meta.fields_map  # noqa: B018
