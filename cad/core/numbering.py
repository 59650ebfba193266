"""A community's running numbers (calls, reports): django-sequences, in one statement on every database.

The library numbers with one upsert on PostgreSQL but with a locked SELECT, then an UPDATE through the
ORM, elsewhere: on the embedded default that was ≈ 0.7 ms of CPU of every new call (issue 15's profile
of `POST /api/calls`). SQLite (3.35 and later) runs the library's own upsert as written; the rows are
the library's, so either path continues the other's numbers.
"""

from __future__ import annotations

import sqlite3

from django.db import connections, router
from sequences import POSTGRESQL_UPSERT, get_next_value
from sequences.models import Sequence

_SQLITE_UPSERT = sqlite3.sqlite_version_info >= (3, 35)


def next_number(name: str) -> int:
    """The next value of the sequence `name` (1 first); atomic, however many writers."""
    using = router.db_for_write(Sequence)
    connection = connections[using]
    if connection.vendor != "sqlite" or not _SQLITE_UPSERT:
        return get_next_value(name, using=using)
    with connection.cursor() as cursor:
        cursor.execute(POSTGRESQL_UPSERT.format(db_table=connection.ops.quote_name(Sequence._meta.db_table)),
                       [name, 1, 1])
        return cursor.fetchone()[0]
