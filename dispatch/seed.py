"""Demo dispatch: the area of play, and the officer and the medic on duty (run by `manage.py seed_demo`,
see cad.core.seeding)."""

from __future__ import annotations

from cad.core.choices import Role
from cad.core.seeding import Demo

from .services import community_settings_update, duty_set

ORDER = 20


def seed_demo(demo: Demo) -> None:
    community_settings_update(community=demo.community, area_of_play="Los Santos")
    demo.rows["officer_unit"] = duty_set(character=demo.rows["officer_character"], on=True,
                                         by=demo.people[Role.OFFICER])
    duty_set(character=demo.rows["medic_character"], on=True, by=demo.people[Role.DISPATCHER])
