"""Calls' client events on /ws and Socket.IO (003), registered with the realtime kernel:

  request-911-calls     {communityId}                      → current911Calls [call, ...]   (officer+)
  unitDetachedFromCall  {callId, odId, odName, reason}     → call_remove_unit, which broadcasts
                                                              unitRemovedFromCall and unitDetachedFromCall

An officer detaches their own unit only (`dispatch.ownership`); dispatchers and above, and API tokens, any.
"""

from __future__ import annotations

from typing import Any

from channels.db import database_sync_to_async

from cad.core.choices import Role
from cad.core.errors import NotFound
from cad.core.models import Community
from cad.realtime.session import ClientError, Session, client_event, text_field
from dispatch import ownership
from dispatch.selectors import units_by_ids_or_names

from . import selectors, services


def clean_detach(data: Any) -> dict:
    if not isinstance(data, dict):
        raise ClientError("Expected an object.")
    return {
        "callId": text_field(data, "callId", required=True),
        "odId": text_field(data, "odId", required=True),
        "odName": text_field(data, "odName", max_length=60),
        "reason": text_field(data, "reason", max_length=200),
    }


def _active_911_calls(community_id: str) -> list[dict]:
    return selectors.active_911_calls(Community.objects.get(pk=community_id))


@client_event("request-911-calls")
async def request_911_calls(session: Session, data: Any) -> None:
    community_id = await session.require(data, Role.OFFICER)
    calls = await database_sync_to_async(_active_911_calls)(community_id)
    session.reply("current911Calls", calls, community_id)


def _detach(community_id: str, detach: dict, user_id: Any, role: Role | None) -> None:
    community = Community.objects.get(pk=community_id)
    call = selectors.call_by_id_or_number(community, detach["callId"])
    units = units_by_ids_or_names(community, ids=[detach["odId"]]) or units_by_ids_or_names(
        community, names=[detach["odName"]])
    if not units:
        raise NotFound("Unit not found.")
    ownership.require_own(units[0].user_id, user_id=user_id, role=role, message="You may only detach your own unit.")
    by = None
    if user_id is not None:
        from django.contrib.auth import get_user_model

        by = get_user_model().objects.filter(pk=user_id).first()
    services.call_remove_unit(call=call, unit=units[0], by=by, cleared=True)


@client_event("unitDetachedFromCall")
async def unit_detached_from_call(session: Session, data: Any) -> None:
    community_id = await session.require(data, Role.OFFICER)
    detach = clean_detach(data)
    user_id = session.principal.user_id if session.principal is not None else None
    await database_sync_to_async(_detach)(community_id, detach, user_id, await session.role(community_id))
