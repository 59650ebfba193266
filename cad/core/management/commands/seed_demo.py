"""A demo community with one user per role, characters, vehicles, calls and BOLOs (idempotent)."""

from __future__ import annotations

from datetime import timedelta

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from cad.core import services
from cad.core.choices import Role
from cad.core.models import Community, Department

from ._output import emit

DEMO_NAME = "Demo County RP"
DEMO_USERS = [  # username, password, role — documented in the README
    ("demo_admin", "demo-admin-pass", Role.ADMIN),
    ("demo_supervisor", "demo-supervisor-pass", Role.SUPERVISOR),
    ("demo_dispatcher", "demo-dispatcher-pass", Role.DISPATCHER),
    ("demo_officer", "demo-officer-pass", Role.OFFICER),
    ("demo_civilian", "demo-civilian-pass", Role.CIVILIAN),
]


class Command(BaseCommand):
    help = "Create (idempotently) the demo community, its users, characters, vehicles, calls and BOLOs."

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true")
        parser.add_argument("--if-new", action="store_true",
                            help="do nothing but print the logins when the demo community exists")

    def handle(self, *args, json=False, if_new=False, **options):
        community = Community.objects.filter(name=DEMO_NAME, owner__username=DEMO_USERS[0][0]).first()
        users = [{"username": u, "password": p, "role": r.value} for u, p, r in DEMO_USERS]
        if community is not None and if_new:
            lines = [f"Demo community {community.name} ({community.id}); logins:"]
            lines += [f"  {u['username']:<16} {u['password']:<22} {u['role']}" for u in users]
            emit(self, {"id": str(community.id), "name": community.name, "users": users}, json, "\n".join(lines))
            return
        with transaction.atomic():
            if community is None:
                community = self._create()
            # A raw token cannot be shown twice: each run issues a fresh demo token and revokes the old.
            for old in community.api_tokens.filter(name="Demo server token", revoked_at__isnull=True):
                services.token_revoke(token=old)
            _, raw = services.token_create(community=community, name="Demo server token")
        lines = [f"Demo community {community.name} ({community.id})", f"API token (shown once): {raw}", "Logins:"]
        lines += [f"  {u['username']:<16} {u['password']:<22} {u['role']}" for u in users]
        emit(self, {"id": str(community.id), "name": community.name, "apiToken": raw, "users": users}, json,
             "\n".join(lines))

    def _create(self) -> Community:
        from announcements.services import announcement_create
        from bolos.services import bolo_create
        from calls.services import call_add_note, call_assign_unit, call_create
        from characters.services import character_create, license_issue, vehicle_register
        from dispatch.services import duty_set

        people = {}
        for username, password, role in DEMO_USERS:
            people[role] = services.user_ensure(username=username, password=password,
                                                discord_id=f"90000000000000000{len(people)}")
        admin = people[Role.ADMIN]
        admin.is_staff = True
        admin.save(update_fields=["is_staff"])
        community = services.community_create(name=DEMO_NAME, owner=admin)
        services.community_update(community=community, dmv_enabled=True, dmv_points_enabled=True,
                                  weapons_enabled=True, area_of_play="Los Santos")
        for role, user in people.items():
            services.membership_set(community=community, user=user, role=role)
            profile = services.profile_for(user)
            profile.active_community = community
            profile.save(update_fields=["active_community"])

        depts = {d.short_name: d for d in Department.objects.for_community(community)}
        officer = character_create(community=community, user=people[Role.OFFICER], first_name="Alex",
                                   last_name="Adams", type="leo", callsign="1-Adam-12", department=depts["LSPD"],
                                   rank="Officer", date_of_birth="1991-03-02")
        character_create(community=community, user=people[Role.SUPERVISOR], first_name="Sam", last_name="Johnson",
                         type="leo", callsign="1-Sam-1", department=depts["LSPD"], rank="Sergeant")
        medic = character_create(community=community, user=people[Role.DISPATCHER], first_name="Riley",
                                 last_name="Baker", type="ems", callsign="M-4", department=depts["EMS"],
                                 rank="Paramedic")
        john = character_create(community=community, user=people[Role.CIVILIAN], first_name="John",
                                last_name="Smith", date_of_birth="1990-05-15", phone="555-0123",
                                address="742 Evergreen Terrace", license_number="DL-12345", ssn="123-45-6789")
        jane = character_create(community=community, user=people[Role.CIVILIAN], first_name="Jane",
                                last_name="Doe", date_of_birth="1988-11-30", phone="555-0199",
                                address="12 Grove Street", flags=["armed_and_dangerous"])
        license_issue(character=john, license_class="E", by=admin)
        vehicle_register(community=community, owner=john, plate="ABC1234", make="Honda", model="Civic",
                         color="Blue", year=2020)
        vehicle_register(community=community, owner=jane, plate="XYZ9876", make="Ford", model="F-150",
                         color="Black", year=2022)

        unit = duty_set(character=officer, on=True, by=people[Role.OFFICER])
        duty_set(character=medic, on=True, by=people[Role.DISPATCHER])
        dispatcher = people[Role.DISPATCHER]
        robbery = call_create(community=community, by_user=dispatcher, call_type="Robbery",
                              location="245 Vespucci Blvd", postal="274", caller="John Doe", priority="1",
                              description="Armed robbery in progress at convenience store")
        call_assign_unit(call=robbery, unit=unit, by=dispatcher)
        call_add_note(call=robbery, text="Suspect fled on foot heading northbound", by_user=dispatcher)
        call_create(community=community, by_user=dispatcher, call_type="Traffic Stop", location="Main St & 5th Ave",
                    postal="345", caller="Anonymous", description="Erratic driving reported", priority=2)
        call_create(community=community, by_user=dispatcher, call_type="Suspicious Activity",
                    location="1200 Oak Avenue", postal="221", description="Person looking into car windows",
                    priority=3, origin="RADIO DISPATCH")

        supervisor = people[Role.SUPERVISOR]
        bolo_create(community=community, role=Role.SUPERVISOR, by_user=supervisor, reason="Armed Robbery Suspect",
                    description="Suspect robbed a convenience store at gunpoint", priority="critical",
                    subject_first_name="John", subject_last_name="Doe",
                    subject_description="Male, 6ft, black hoodie", vehicle_plate="XYZ9876", vehicle_make="Ford",
                    vehicle_model="F-150", vehicle_color="Black", expires_at=timezone.now() + timedelta(days=1))
        bolo_create(community=community, role=Role.SUPERVISOR, by_user=supervisor, type="person",
                    reason="Missing person", description="Elderly man, grey coat, last seen near Legion Square",
                    priority="high")
        announcement_create(community=community, by=supervisor, title="Shift Change Reminder",
                            message="All day-shift units report to briefing at 1800 hours.", priority="info",
                            expires_at=timezone.now() + timedelta(hours=8))
        return community
