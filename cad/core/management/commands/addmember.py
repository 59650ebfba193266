import uuid

from django.core.management.base import BaseCommand, CommandError
from django.db import IntegrityError, transaction

from cad.core import services
from cad.core.choices import Role
from cad.core.models import Community

from ._output import emit


class Command(BaseCommand):
    help = "Add a user to a community with a role (creating the user if missing)."

    def add_arguments(self, parser):
        parser.add_argument("community_id")
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument("--password")
        parser.add_argument("--discord-id", dest="discord_id")
        parser.add_argument("--steam-id", dest="steam_id", help="Steam hex, e.g. steam:110000112345678")
        parser.add_argument("--json", action="store_true", help='print {"userId", "username", "role"}')

    def handle(self, *args, community_id, username, role, password=None, discord_id=None, steam_id=None,
               json=False, **options):
        try:
            community = Community.objects.get(pk=uuid.UUID(community_id))
        except (ValueError, Community.DoesNotExist):
            raise CommandError(f"No community with ID {community_id}.") from None
        try:
            with transaction.atomic():
                user = services.user_ensure(username=username, password=password, discord_id=discord_id,
                                            steam_hex=steam_id)
                services.membership_set(community=community, user=user, role=role)
        except IntegrityError:
            raise CommandError("That Discord ID or Steam hex already belongs to another user.") from None
        emit(self, {"userId": user.pk, "username": user.username, "role": role}, json,
             f"{user.username} is now {role} of {community.name}")
