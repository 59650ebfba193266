"""A demo community with one user per role; each app seeds its own rows (`<app>/seed.py`, see
cad.core.seeding): characters, vehicles, units, calls, BOLOs, an announcement. Idempotent."""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.db import transaction

from cad.core import services
from cad.core.choices import Role
from cad.core.models import Community
from cad.core.seeding import Demo, run_seed_hooks

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
        people = {}
        for username, password, role in DEMO_USERS:
            people[role] = services.user_ensure(username=username, password=password,
                                                discord_id=f"90000000000000000{len(people)}")
        admin = people[Role.ADMIN]
        admin.is_staff = True
        admin.save(update_fields=["is_staff"])
        community = services.community_create(name=DEMO_NAME, owner=admin)
        services.community_update(community=community, dmv_enabled=True, dmv_points_enabled=True,
                                  weapons_enabled=True)
        for role, user in people.items():
            services.membership_set(community=community, user=user, role=role)
            profile = services.profile_for(user)
            profile.active_community = community
            profile.save(update_fields=["active_community"])

        run_seed_hooks(Demo(community=community, people=people))
        return community
