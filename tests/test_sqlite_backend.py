"""The embedded default's SQLite backend keeps a process's closed connections for its next requests
(cad.sqlite3). Each test builds its own wrappers on a database file of its own, so it runs whatever the
suite's own database is."""

from __future__ import annotations

import os
import sqlite3
import threading

import pytest

from cad.sqlite3 import base as backend


@pytest.fixture
def wrappers(tmp_path, monkeypatch, django_db_blocker):
    """`wrappers()` → a new DatabaseWrapper on this test's database file, as a request's new thread gets."""
    django_db_blocker.unblock()  # these wrappers are not the suite's database
    monkeypatch.setattr(backend, "idle", backend._Idle())
    name = str(tmp_path / "db.sqlite3")
    made = []

    def make(**options):
        wrapper = backend.DatabaseWrapper({
            "NAME": name, "ENGINE": "cad.sqlite3", "OPTIONS": options, "TIME_ZONE": None, "CONN_MAX_AGE": 0,
            "CONN_HEALTH_CHECKS": False, "AUTOCOMMIT": True, "ATOMIC_REQUESTS": False, "TEST": {},
            "USER": "", "PASSWORD": "", "HOST": "", "PORT": ""})
        made.append(wrapper)
        return wrapper

    first = make()
    with first.cursor() as cursor:
        cursor.execute("CREATE TABLE parent (id INTEGER PRIMARY KEY)")
        cursor.execute("CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id INTEGER REFERENCES parent(id))")
        cursor.execute("CREATE TABLE row (n INTEGER)")
    first.close()
    yield make
    for wrapper in made:
        wrapper.inc_thread_sharing()
        if wrapper.connection is not None:
            wrapper.connection.close()
    for _, connection in backend.idle._stacks.get(name, []):
        connection.close()
    django_db_blocker.restore()


def _in_a_thread(work):
    """Runs `work` in a new thread, as Django runs each request's sync code; returns its result."""
    out = {}
    thread = threading.Thread(target=lambda: out.setdefault("result", work()))
    thread.start()
    thread.join()
    return out["result"]


def test_the_next_request_takes_the_connection_the_last_one_closed(wrappers):
    def request():
        wrapper = wrappers()
        with wrapper.cursor() as cursor:
            cursor.execute("INSERT INTO row (n) VALUES (1)")
        raw = wrapper.connection
        wrapper.close()
        return raw

    first, second = _in_a_thread(request), _in_a_thread(request)
    assert first is second
    wrapper = wrappers()
    with wrapper.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM row")
        assert cursor.fetchone() == (2,)
    wrapper.close()


def test_what_a_request_left_uncommitted_is_rolled_back_before_anyone_else_gets_the_connection(wrappers):
    def abandoned():
        wrapper = wrappers()
        wrapper.set_autocommit(False)  # a transaction open when the request's connection is closed
        with wrapper.cursor() as cursor:
            cursor.execute("INSERT INTO row (n) VALUES (7)")
        assert wrapper.connection.in_transaction
        raw = wrapper.connection
        wrapper.close()
        return raw

    raw = _in_a_thread(abandoned)
    wrapper = wrappers()
    with wrapper.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM row")
        assert cursor.fetchone() == (0,)
    assert wrapper.connection is raw and not raw.in_transaction
    wrapper.close()


def test_a_connection_closed_inside_an_atomic_block_is_not_kept(wrappers):
    """Django keeps such a wrapper's connection attribute (closed_in_transaction) until the block ends:
    handed to another thread, it would be one connection in two threads."""
    wrapper = wrappers()
    wrapper.set_autocommit(False)
    wrapper.in_atomic_block = True  # what close() inside `with transaction.atomic():` sees
    raw = wrapper.connection
    wrapper.close()
    assert wrapper.closed_in_transaction
    assert not backend.idle._stacks.get(wrapper.settings_dict["NAME"])
    with pytest.raises(Exception, match="closed"):
        raw.execute("SELECT 1")


def test_a_kept_connection_has_foreign_key_checks_on(wrappers):
    wrapper = wrappers()
    wrapper.disable_constraint_checking()
    raw = wrapper.connection
    wrapper.close()
    wrapper = wrappers()
    wrapper.ensure_connection()
    assert wrapper.connection is raw
    with wrapper.cursor() as cursor:
        cursor.execute("PRAGMA foreign_keys")
        assert cursor.fetchone() == (1,)
    wrapper.close()


def test_a_replaced_database_file_is_never_served_by_an_old_connection(wrappers):
    """Tests delete and re-create their database file; a kept connection would still see the old one."""
    wrapper = wrappers()
    wrapper.ensure_connection()
    raw = wrapper.connection
    wrapper.close()
    name = wrapper.settings_dict["NAME"]
    os.remove(name)
    for suffix in ("-wal", "-shm"):
        if os.path.exists(name + suffix):
            os.remove(name + suffix)
    fresh = wrappers()
    with fresh.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM sqlite_master")
        assert cursor.fetchone() == (0,)
    assert fresh.connection is not raw
    with pytest.raises(Exception, match="closed"):
        raw.execute("SELECT 1")
    fresh.close()


def test_at_most_keep_connections_are_kept(wrappers):
    opened = [wrappers() for _ in range(backend.KEEP + 2)]
    raws = []
    for wrapper in opened:
        wrapper.ensure_connection()
        raws.append(wrapper.connection)
    for wrapper in opened:
        wrapper.close()
    name = opened[0].settings_dict["NAME"]
    assert [raw for _, raw in backend.idle._stacks[name]] == raws[:backend.KEEP]
    with pytest.raises(Exception, match="closed"):
        raws[-1].execute("SELECT 1")


def test_a_forked_child_does_not_use_its_parents_connections(wrappers):
    wrapper = wrappers()
    wrapper.ensure_connection()
    wrapper.close()
    name = wrapper.settings_dict["NAME"]
    assert backend.idle._stacks[name]
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child reports what it holds and leaves at once
        os.write(write, str(len(backend.idle._stacks.get(name, []))).encode())
        os._exit(0)
    os.close(write)
    reported = os.read(read, 16)
    os.waitpid(pid, 0)
    assert reported == b"0"
    assert backend.idle._stacks[name]  # the parent keeps its own


def test_a_forked_child_closing_an_inherited_wrapper_does_not_keep_its_parents_connection(wrappers):
    """Celery's fixup closes, in each new pool child, the connections the parent's wrappers held."""
    wrapper = wrappers()
    wrapper.ensure_connection()
    inherited = wrapper.connection
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        wrapper.close()
        other = wrappers()
        other.ensure_connection()
        os.write(write, b"reused" if other.connection is inherited else b"fresh")
        os._exit(0)
    os.close(write)
    reported = os.read(read, 16)
    os.waitpid(pid, 0)
    assert reported == b"fresh"


def test_a_cursor_left_with_rows_unread_does_not_hand_its_snapshot_to_the_next_request(wrappers):
    """An iterator's cursor kept alive past the request (a traceback holding its frame) keeps a read
    transaction open on the connection: the next request would not see what others committed since."""
    wrapper = wrappers()
    with wrapper.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode=WAL")  # as settings.SQLITE_OPTIONS has it
        cursor.execute("INSERT INTO row (n) VALUES (1), (2)")
    left = wrapper.cursor()
    left.execute("SELECT n FROM row")
    left.fetchone()
    wrapper.close()
    elsewhere = sqlite3.connect(wrapper.settings_dict["NAME"], isolation_level=None)
    elsewhere.execute("INSERT INTO row (n) VALUES (3)")
    elsewhere.close()
    after = wrappers()
    with after.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM row")
        assert cursor.fetchone() == (3,)


@pytest.fixture
def checkpoints(monkeypatch):
    """The checkpoints this process's checkpointer threads ran: (database file, busy, log pages, copied)."""
    ran: list[tuple[str, int, int, int]] = []
    original = backend.checkpoint

    def recording(connection):
        result = original(connection)
        ran.append((connection.execute("PRAGMA database_list").fetchone()[2], *result))
        return result

    monkeypatch.setattr(backend, "checkpoint", recording)
    monkeypatch.setattr(backend, "CHECKPOINT_EVERY", 0.05)
    monkeypatch.setattr(backend, "checkpointer", backend._Checkpointer())
    return ran


def _until(condition, seconds: float = 5.0) -> bool:
    import time

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return False


def test_the_write_ahead_log_is_copied_back_beside_the_requests(wrappers, checkpoints):
    """A request's commit no longer pays for the copy (and its fsyncs) once the log reaches 1,000 pages:
    a thread of the process copies what is new every second."""
    wrapper = wrappers()
    name = wrapper.settings_dict["NAME"]
    with wrapper.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode=WAL")  # as settings.SQLITE_OPTIONS has it
        for n in range(50):
            cursor.execute("INSERT INTO row (n) VALUES (%s)", [n])
    wrapper.close()
    assert _until(lambda: any(f == name and log > 0 and copied == log for f, _busy, log, copied in checkpoints))
    assert sum(1 for f, *_ in checkpoints if f == name) >= 1
    assert [t for t in threading.enumerate() if t.name == "cad-sqlite-checkpoint"]


def test_one_checkpointer_per_database_file_and_process(wrappers, checkpoints):
    for _ in range(3):
        wrapper = wrappers()
        wrapper.ensure_connection()
        wrapper.close()
    name = wrapper.settings_dict["NAME"]
    assert backend.checkpointer._running == {name: os.getpid()}
