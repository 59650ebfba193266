"""Several beat workers sweeping at once publish each expiry exactly once (PostgreSQL row locks)."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from announcements.models import Announcement
from announcements.services import announcements_expire


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_parallel_sweeps_publish_each_expiry_once(community, events):
    past = timezone.now() - timedelta(seconds=1)
    rows = Announcement.objects.bulk_create(
        [Announcement(community=community, title=f"T{i}", message="m", expires_at=past) for i in range(60)]
    )
    barrier = threading.Barrier(4)
    counts: list[int] = []

    def worker():
        try:
            barrier.wait()
            counts.append(announcements_expire())
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(counts) == 60
    published = sorted(data["id"] for names, data in events if names == ("announcement-removed",))
    assert published == sorted(str(r.pk) for r in rows)
