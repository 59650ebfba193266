"""The area of play and Signal 100 moved from the community to dispatch's own row: the data goes with them."""

from __future__ import annotations

import uuid

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("core", "0004_sound_file"), ("dispatch", "0002_dispatchers_tones"), ("calls", "0005_panic_alert")]
AFTER = [("core", "0006_dispatch_state_moved"), ("dispatch", "0003_dispatch_state")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_area_of_play_and_signal_100_are_copied_to_dispatch():
    old = migrate(BEFORE)
    Community, Call = old.get_model("core", "Community"), old.get_model("calls", "Call")
    declared = Community.objects.create(name="Declared", area_of_play="Sandy Shores", signal100=True)
    call = Call.objects.create(community=declared, number=7)
    declared.signal100_call_id = call.pk
    declared.save()
    dangling = Community.objects.create(name="Dangling", signal100=True, signal100_call_id=uuid.uuid4())
    quiet = Community.objects.create(name="Quiet")
    try:
        new = migrate(AFTER)
        State = new.get_model("dispatch", "DispatchState")
        rows = {row.community_id: row for row in State.objects.all()}
        assert (rows[declared.pk].area_of_play, rows[declared.pk].signal100,
                rows[declared.pk].signal100_call_id) == ("Sandy Shores", True, call.pk)
        assert (rows[dangling.pk].signal100, rows[dangling.pk].signal100_call_id) == (True, None)
        assert quiet.pk not in rows  # nothing declared: made on first use
        assert "area_of_play" not in {f.name for f in new.get_model("core", "Community")._meta.get_fields()}
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
