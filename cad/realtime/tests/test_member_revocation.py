"""An admin's change to a member reaches their open sockets at once, not at the next periodic check."""

from __future__ import annotations

import pytest
from channels.db import database_sync_to_async

from cad.core import services
from cad.core.choices import Role
from cad.core.models import Membership
from cad.realtime.hub import get_hub

from .conftest import jwt_for, publish_now

pytestmark = pytest.mark.django_db(transaction=True)


async def test_removed_member_is_dropped_from_the_room_at_once(ws, community, admin, officer, settings):
    settings.REALTIME_REVALIDATE_SECONDS = 3600  # only the immediate path can drop them
    client = await ws(f"?token={jwt_for(officer)}")
    await client.join(community.pk)
    membership = await database_sync_to_async(Membership.objects.get)(community=community, user=officer)
    await database_sync_to_async(services.member_remove)(membership=membership, by=admin)
    frame = await client.next()
    assert (frame["event"], frame["data"]["reason"]) == ("left-community", "access revoked"), frame
    assert get_hub().members(str(community.pk)) == frozenset()


async def test_demoted_member_stops_receiving_officer_events_at_once(ws, community, admin, officer, settings):
    settings.REALTIME_REVALIDATE_SECONDS = 3600
    client = await ws(f"?token={jwt_for(officer)}")
    await client.join(community.pk)
    membership = await database_sync_to_async(Membership.objects.get)(community=community, user=officer)
    await database_sync_to_async(services.member_set_role)(membership=membership, role=Role.CIVILIAN, by=admin)
    await publish_now(community.pk, "new-bolo", {"_id": "b1"})
    await publish_now(community.pk, "new-announcement", {"_id": "a1"})
    frame = await client.until("new-announcement")
    assert frame["data"] == {"_id": "a1"}  # the BOLO before it was withheld
