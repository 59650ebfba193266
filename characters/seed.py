"""Demo characters, a license and two vehicles (run by `manage.py seed_demo`, see cad.core.seeding)."""

from __future__ import annotations

from cad.core.choices import Role
from cad.core.models import Department
from cad.core.seeding import Demo

from .services import character_create, license_issue, vehicle_register

ORDER = 10


def seed_demo(demo: Demo) -> None:
    community, people = demo.community, demo.people
    depts = {d.short_name: d for d in Department.objects.for_community(community)}
    demo.rows["officer_character"] = character_create(
        community=community, user=people[Role.OFFICER], first_name="Alex", last_name="Adams", type="leo",
        callsign="1-Adam-12", department=depts["LSPD"], rank="Officer", date_of_birth="1991-03-02")
    character_create(community=community, user=people[Role.SUPERVISOR], first_name="Sam", last_name="Johnson",
                     type="leo", callsign="1-Sam-1", department=depts["LSPD"], rank="Sergeant")
    demo.rows["medic_character"] = character_create(
        community=community, user=people[Role.DISPATCHER], first_name="Riley", last_name="Baker", type="ems",
        callsign="M-4", department=depts["EMS"], rank="Paramedic")
    john = character_create(community=community, user=people[Role.CIVILIAN], first_name="John",
                            last_name="Smith", date_of_birth="1990-05-15", phone="555-0123",
                            address="742 Evergreen Terrace", license_number="DL-12345", ssn="123-45-6789")
    jane = character_create(community=community, user=people[Role.CIVILIAN], first_name="Jane",
                            last_name="Doe", date_of_birth="1988-11-30", phone="555-0199",
                            address="12 Grove Street", flags=["armed_and_dangerous"])
    license_issue(character=john, license_class="E", by=people[Role.ADMIN])
    vehicle_register(community=community, owner=john, plate="ABC1234", make="Honda", model="Civic",
                     color="Blue", year=2020)
    vehicle_register(community=community, owner=jane, plate="XYZ9876", make="Ford", model="F-150",
                     color="Black", year=2022)
