"""Django's SQLite backend, reusing connections across requests.

Under ASGI each request's sync code runs in a thread of its own (Django's per-request
ThreadSensitiveContext), and Django's connections are per thread, so every request opened its own SQLite
connection and closed it at the end: a file open, the init PRAGMAs and a parse of the whole schema
before the first statement, ≈ 2-3 ms of CPU of every API request and page on the embedded default
(issue 15's profile of `POST /api/calls`: a fifth of its CPU). Here a closed connection goes back to a
small per-process stack instead, and the next connect takes it: SQLite connections may be used from any
thread (Django opens them with check_same_thread=False and guards sharing itself), and a connection
handed back holds no transaction and is used by one thread at a time.

A connection is kept only when nothing can have been left on it: not in an atomic block, nothing
uncommitted (rolled back first), foreign-key checks back on, the database file the same one (tests
delete and re-create their database file), the same process (after a fork the child drops the parent's
connections without touching them, as SQLite requires).

Checkpoints run beside the requests: in WAL mode SQLite copies the log back into the database file once
it holds 1,000 pages, in the connection whose commit crossed that line, and that copy ends with two
fsyncs (10-25 ms on a small VPS's disk) inside one unlucky request. A thread of each process that opens
the database runs a passive checkpoint every second instead (it never waits for readers or writers,
and copies nothing when nothing is new); a request's commit still checkpoints by itself only when more
than 1,000 pages arrive within a second.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import threading
import time
import weakref

from django.db.backends.sqlite3 import base

logger = logging.getLogger(__name__)

KEEP = 4  # idle connections per database file and process: requests running at once on one process
CHECKPOINT_EVERY = 1.0  # seconds


class _Idle:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._stacks: dict[str, list[tuple[tuple[int, int], sqlite3.Connection]]] = {}

    def take(self, name: str) -> sqlite3.Connection | None:
        identity = _file_identity(name)
        while True:
            with self._lock:
                stack = self._stacks.get(name)
                if not stack:
                    return None
                kept_identity, connection = stack.pop()
            if kept_identity == identity:
                return connection
            connection.close()  # the file was replaced (a test database re-created): never reuse it

    def give(self, name: str, connection: sqlite3.Connection) -> bool:
        identity = _file_identity(name)
        if identity is None:
            return False
        with self._lock:
            stack = self._stacks.setdefault(name, [])
            if len(stack) >= KEEP:
                return False
            stack.append((identity, connection))
            return True

    def forget(self) -> None:
        """In a forked child: the parent's connections are not this process's to use or close."""
        self._stacks = {}
        self._lock = threading.Lock()


idle = _Idle()
os.register_at_fork(after_in_child=lambda: idle.forget())


class _Checkpointer:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._running: dict[str, int] = {}  # database file → the process whose thread checkpoints it

    def ensure(self, name: str) -> None:
        with self._lock:
            if self._running.get(name) == os.getpid():  # a forked child starts its own
                return
            self._running[name] = os.getpid()
        threading.Thread(target=self._run, args=(name,), name="cad-sqlite-checkpoint", daemon=True).start()

    def _run(self, name: str) -> None:
        connection, identity = None, None
        while True:
            time.sleep(CHECKPOINT_EVERY)
            try:
                now = _file_identity(name)
                if now is None:
                    continue
                if connection is None or now != identity:  # first time, or the file was re-created
                    if connection is not None:
                        connection.close()
                    connection, identity = sqlite3.connect(name, timeout=1, check_same_thread=False), now
                checkpoint(connection)
            except Exception:  # never let the thread end: SQLite copies the log itself meanwhile
                logger.debug("checkpoint of %s skipped", name, exc_info=True)
                if connection is not None:
                    try:
                        connection.close()
                    except Exception:
                        pass
                connection = None


def checkpoint(connection: sqlite3.Connection) -> tuple[int, int, int]:
    """(busy, pages in the log, pages copied into the database file)."""
    return connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()


checkpointer = _Checkpointer()


def _file_identity(name: str) -> tuple[int, int] | None:
    try:
        stat = os.stat(name)
    except OSError:
        return None
    return stat.st_dev, stat.st_ino


class DatabaseWrapper(base.DatabaseWrapper):
    _opened_in: int | None = None  # the process that opened (or took) the connection it holds

    def _keeps_connections(self) -> bool:
        return not self.is_in_memory_db()

    def get_new_connection(self, conn_params):
        # A child forked while this wrapper held a connection (Celery's pool) closes it through this wrapper
        # (Celery's fixup closes every connection in a new child): the parent's, never to be kept there.
        self._opened_in = os.getpid()
        self._cursors: weakref.WeakSet = weakref.WeakSet()
        if self._keeps_connections():
            name = str(self.settings_dict["NAME"])
            checkpointer.ensure(name)
            kept = idle.take(name)
            if kept is not None:
                return kept
        return super().get_new_connection(conn_params)

    def create_cursor(self, name=None):
        cursor = super().create_cursor(name)
        self._cursors.add(cursor)
        return cursor

    def _close(self) -> None:
        connection = self.connection
        if connection is None:
            return
        if self._keeps_connections() and not self.in_atomic_block and self._opened_in == os.getpid():
            with self.wrap_database_errors:
                # A cursor still referenced with rows unread (a traceback holding an iterator's frame) keeps
                # its statement, and with it a read snapshot, open: the next request would read that past.
                # Closing the connection would have ended it; so does closing the cursor.
                for cursor in list(getattr(self, "_cursors", ())):
                    cursor.close()
                if connection.in_transaction:
                    connection.rollback()
                # disable_constraint_checking() turns them off for a while; a kept connection has them on.
                connection.execute("PRAGMA foreign_keys = ON")
            if idle.give(str(self.settings_dict["NAME"]), connection):
                return
        with self.wrap_database_errors:
            connection.close()
