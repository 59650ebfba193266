from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from cad.core import services

from ._output import emit


class Command(BaseCommand):
    help = "Create a community with its default value lists and one API token."

    def add_arguments(self, parser):
        parser.add_argument("name")
        parser.add_argument("--owner", help="username of the owner (created if missing; becomes admin)")
        parser.add_argument("--password", help="password for a newly created owner")
        parser.add_argument("--json", action="store_true", help='print {"id", "name", "apiToken"}')

    @transaction.atomic
    def handle(self, *args, name, owner=None, password=None, json=False, **options):
        if not name.strip():
            raise CommandError("The community name must not be empty.")
        if password and not owner:
            raise CommandError("--password needs --owner.")
        user = services.user_ensure(username=owner, password=password) if owner else None
        community = services.community_create(name=name, owner=user)
        _, raw = services.token_create(community=community, name="Default server token", created_by=user)
        emit(self, {"id": str(community.id), "name": community.name, "apiToken": raw}, json,
             f"Created community {community.name} ({community.id})\nAPI token (shown once): {raw}")
