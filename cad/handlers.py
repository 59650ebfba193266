"""Django's HTTP handler for this project's ASGI server: the whole middleware chain and the view run in one
hop to a sync thread per request.

Every Django view here is sync (DRF viewsets, forms, pages; the one async view, the SSE stream, works
either way: Django runs it with async_to_sync). Django's ASGIHandler builds the chain for async first and
adapts each middleware that is only sync: with WhiteNoise (sync only) in the middle, a request went loop →
thread (the outer middleware) → loop (the inner, async-capable ones) → thread (the view) and back the same
way, each hop a thread hand-off and a copy of the task's context; on one core that was a few milliseconds of
every API request (issue 15's profile of `POST /api/calls`). Built for sync, as under WSGI, the chain is
entered once, through one `sync_to_async`, in the request's own thread, as Django does for a sync view.
"""

from __future__ import annotations

from asgiref.sync import sync_to_async
from django.core.handlers.asgi import ASGIHandler


class SyncChainASGIHandler(ASGIHandler):
    def load_middleware(self, is_async: bool = False) -> None:
        super().load_middleware(is_async=False)
        # get_response_async awaits the chain: one hop into the request's thread (thread_sensitive: the
        # thread Django's per-request ThreadSensitiveContext gives it, where its DB connection lives).
        self._middleware_chain = sync_to_async(self._middleware_chain, thread_sensitive=True)


def get_asgi_application() -> SyncChainASGIHandler:
    import django

    django.setup(set_prefix=False)
    return SyncChainASGIHandler()
