"""What calls tells dispatch (`dispatch.links`): registered in `CallsConfig.ready`."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from django.db.models import Q

from . import services
from .choices import OPEN_STATUSES
from .models import Call, CallAssignment


class CallsForDispatch:
    def open_call_ids(self, units: Iterable[Any]) -> dict[str, list[str]]:
        units = list(units)
        out: dict[str, list[str]] = {str(u.pk): [] for u in units}
        if not units:
            return out
        rows = (CallAssignment.objects.filter(community_id=units[0].community_id, unit__in=units,
                                              call__status__in=OPEN_STATUSES, call__archived_at__isnull=True)
                .values_list("unit_id", "call_id"))
        for unit_id, call_id in rows:
            out[str(unit_id)].append(str(call_id))
        return out

    def find_call(self, community: Any, call_id: Any) -> Call | None:
        try:
            return Call.objects.for_community(community).filter(pk=uuid.UUID(str(call_id))).first()
        except ValueError:
            return None

    def release_unit(self, unit: Any, by: Any) -> None:
        # An archived (deleted or expired) call keeps its history: the unit's own row lets go of it.
        calls = list(Call.objects.for_community(unit.community_id)
                     .filter(Q(assignments__unit=unit) | Q(pk=unit.current_call_id or uuid.UUID(int=0)),
                             status__in=OPEN_STATUSES).live().distinct())
        for call in calls:
            services.call_remove_unit(call=call, unit=unit, by=by)
