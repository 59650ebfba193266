"""Process memory that lives exactly as long as the Django cache's content.

Embedded mode keeps per-process state (event sequence numbers and the replay buffer, live unit
positions) that used to sit in the local-memory cache: every read unpickled, and every write pickled,
the whole structure (a community's 200 recent events, every unit's position), which was most of the
position-ingest path's time. Here the structure is a plain object in memory, and a small epoch key in
the cache ties its life to the cache's: `cache.clear()` (tests, an operator) forgets it as before.
Only for the embedded default, where the cache is this process's own (LocMemCache).
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from typing import Generic, TypeVar

from django.core.cache import cache

T = TypeVar("T")


class CacheBound(Generic[T]):
    def __init__(self, name: str, factory: Callable[[], T]):
        self.key = f"procmem:{name}"
        self.factory = factory
        self._epoch: str | None = None
        self._value: T | None = None
        self._lock = threading.Lock()

    def get(self) -> T:
        """The live object (callers lock around multi-step changes themselves)."""
        epoch = cache.get(self.key)
        if epoch is None or epoch != self._epoch or self._value is None:
            with self._lock:
                epoch = cache.get(self.key)
                if epoch is None or epoch != self._epoch or self._value is None:
                    epoch = uuid.uuid4().hex
                    cache.set(self.key, epoch, None)
                    self._epoch, self._value = epoch, self.factory()
        return self._value  # type: ignore[return-value]
