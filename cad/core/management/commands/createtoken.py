import uuid

from django.core.management.base import BaseCommand, CommandError

from cad.core import services
from cad.core.models import Community

from ._output import emit


class Command(BaseCommand):
    help = "Create an API token for a community's game server (shown once)."

    def add_arguments(self, parser):
        parser.add_argument("community_id")
        parser.add_argument("--name", default="FiveM server")
        parser.add_argument("--json", action="store_true", help='print {"token"}')

    def handle(self, *args, community_id, name, json=False, **options):
        try:
            community = Community.objects.get(pk=uuid.UUID(community_id))
        except (ValueError, Community.DoesNotExist):
            raise CommandError(f"No community with ID {community_id}.") from None
        _, raw = services.token_create(community=community, name=name)
        emit(self, {"token": raw}, json, f"API token for {community.name} (shown once): {raw}")
