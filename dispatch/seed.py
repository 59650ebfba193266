"""Demo units on duty: the officer and the medic (run by `manage.py seed_demo`, see cad.core.seeding)."""

from __future__ import annotations

from cad.core.choices import Role
from cad.core.seeding import Demo

from .services import duty_set

ORDER = 20


def seed_demo(demo: Demo) -> None:
    demo.rows["officer_unit"] = duty_set(character=demo.rows["officer_character"], on=True,
                                         by=demo.people[Role.OFFICER])
    duty_set(character=demo.rows["medic_character"], on=True, by=demo.people[Role.DISPATCHER])
