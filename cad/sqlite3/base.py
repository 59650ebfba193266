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
"""

from __future__ import annotations

import os
import sqlite3
import threading

from django.db.backends.sqlite3 import base

KEEP = 4  # idle connections per database file and process: requests running at once on one process


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


def _file_identity(name: str) -> tuple[int, int] | None:
    try:
        stat = os.stat(name)
    except OSError:
        return None
    return stat.st_dev, stat.st_ino


class DatabaseWrapper(base.DatabaseWrapper):
    def _keeps_connections(self) -> bool:
        return not self.is_in_memory_db()

    def get_new_connection(self, conn_params):
        if self._keeps_connections():
            kept = idle.take(str(self.settings_dict["NAME"]))
            if kept is not None:
                return kept
        return super().get_new_connection(conn_params)

    def _close(self) -> None:
        connection = self.connection
        if connection is None:
            return
        if self._keeps_connections() and not self.in_atomic_block:
            with self.wrap_database_errors:
                if connection.in_transaction:
                    connection.rollback()
                # disable_constraint_checking() turns them off for a while; a kept connection has them on.
                connection.execute("PRAGMA foreign_keys = ON")
            if idle.give(str(self.settings_dict["NAME"]), connection):
                return
        with self.wrap_database_errors:
            connection.close()
