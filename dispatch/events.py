"""The events dispatch publishes (the catalogue; see cad.events.EventType). Payload shapes are the
TypedDicts of dispatch/payloads.py."""

from __future__ import annotations

from cad.core.choices import Role
from cad.events import EventType, Lane, MapRole, declare

from . import payloads, services

UNIT_STATUS = EventType("unit-status-updated", services.unit_status_payload, aliases=("userStatusUpdate",))
UNIT_RADIO_CHANNEL = EventType("unitRadioChannelUpdated", payloads.radio_channel)
UNIT_AUTO_OFFLINE = EventType("unit-auto-offline", payloads.auto_offline, map_role=MapRole.REMOVAL,
                              doc="An idle unit was taken off duty; it leaves the live map.")
UNIT_LOCATION = EventType("unitLocationUpdate", payloads.position, map_role=MapRole.POSITION,
                          doc="A position from REST or /fivem (at most one per unit per second), sent as a part "
                              "of `unitLocations`.")
UNIT_LOCATION_SOCKET = EventType("unit-location-updated", payloads.position, map_role=MapRole.POSITION,
                                 doc="A position reported over a socket (003).")
UNIT_LOCATION_REMOVED = EventType("unitLocationRemoved", payloads.location_removed, map_role=MapRole.REMOVAL)
UNIT_LOCATIONS = EventType("unitLocations", payloads.unit_locations, map_role=MapRole.COALESCED,
                           doc="The live map's stream: a community's positions of one second in one event "
                               "(dispatch.services.position_events), their single events as its parts.")
AREA_OF_PLAY = EventType("areaOfPlayUpdated", payloads.area_of_play, aliases=("aop-updated",),
                         audience=Role.CIVILIAN)
SIGNAL_100 = EventType("signal100", payloads.signal100, aliases=("signal-100",), audience=Role.CIVILIAN,
                       lane=Lane.PRIORITY, doc="Civilians must know the radio is restricted.")
ACTIVE_DISPATCHERS = EventType("activeDispatchersUpdated", payloads.active_dispatchers)
TONES = EventType("tone", payloads.tones, aliases=("toneUpdated",),
                  doc="`tone` + `toneUpdated` when a tone is set; `toneUpdated` alone when one is removed.")

declare(UNIT_STATUS, UNIT_RADIO_CHANNEL, UNIT_AUTO_OFFLINE, UNIT_LOCATION, UNIT_LOCATION_SOCKET,
        UNIT_LOCATION_REMOVED, UNIT_LOCATIONS, AREA_OF_PLAY, SIGNAL_100, ACTIVE_DISPATCHERS, TONES)
