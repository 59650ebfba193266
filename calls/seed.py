"""Demo calls, one with the officer's unit on it (run by `manage.py seed_demo`, see cad.core.seeding)."""

from __future__ import annotations

from cad.core.choices import Role
from cad.core.seeding import Demo

from .inputs import CallInput
from .services import call_add_note, call_assign_unit, call_create

ORDER = 30


def seed_demo(demo: Demo) -> None:
    community, dispatcher = demo.community, demo.people[Role.DISPATCHER]
    robbery = call_create(community=community, by_user=dispatcher,
        data=CallInput(call_type="Robbery", location="245 Vespucci Blvd", postal="274", caller="John Doe",
                       priority="1", description="Armed robbery in progress at convenience store"))
    call_assign_unit(call=robbery, unit=demo.rows["officer_unit"], by=dispatcher)
    call_add_note(call=robbery, text="Suspect fled on foot heading northbound", by_user=dispatcher)
    call_create(community=community, by_user=dispatcher,
        data=CallInput(call_type="Traffic Stop", location="Main St & 5th Ave", postal="345",
                       caller="Anonymous", description="Erratic driving reported", priority=2))
    call_create(community=community, by_user=dispatcher,
        data=CallInput(call_type="Suspicious Activity", location="1200 Oak Avenue", postal="221",
                       description="Person looking into car windows", priority=3, origin="RADIO DISPATCH"))
