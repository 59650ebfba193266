"""A deployment superuser joins the room of a community they are not a member of, as REST lets them read it."""

from __future__ import annotations

import pytest

from .conftest import jwt_for, publish_now

pytestmark = pytest.mark.django_db(transaction=True)


async def test_superuser_joins_any_community_over_ws(ws, community, other_community, superuser):
    client = await ws(f"?token={jwt_for(superuser)}")
    joined = await client.join(community.pk)
    assert joined["data"] == {"communityId": str(community.pk)}
    await client.join(other_community.pk)
    await publish_now(community.pk, "new-announcement", {"_id": "a1"})
    assert (await client.until("new-announcement"))["data"] == {"_id": "a1"}
