import threading

import pytest
from django.db import connection, transaction

from cad.core import services
from cad.core.models import Department


@pytest.mark.django_db(transaction=True)
def test_concurrent_writes_do_not_lock_out():
    """Eight writers at once on the embedded SQLite (or PostgreSQL): no 'database is locked'."""
    community = services.community_create(name="Busy RP")
    errors: list[BaseException] = []

    def writer(n: int) -> None:
        try:
            for i in range(15):
                with transaction.atomic():
                    Department.objects.create(community=community, name=f"D{n}-{i}")
                    Department.objects.filter(community=community, name=f"D{n}-{i}").update(short_name=str(i))
        except BaseException as exc:  # collected and asserted below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert Department.objects.for_community(community).filter(name__startswith="D").count() == 8 * 15
