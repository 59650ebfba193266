"""`manage.py realtime_publish <community> <event> [json payload] [--alias NAME] [--sse NAME JSON]`

Publishes one event through `cad.events.publish`, from this process: with REDIS_URL through the shared
channel layer, in embedded mode through the bridge to the web process. For operators (test an alert
sound, announce from a script) and for the cross-process tests.
"""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from cad import events
from cad.core.models import Community
from cad.realtime import bridge
from cad.realtime.auth import community_id_of


class Command(BaseCommand):
    help = "Publish one real-time event to a community."

    def add_arguments(self, parser):
        parser.add_argument("community", help="Community ID")
        parser.add_argument("event", help="Event name, e.g. new-announcement")
        parser.add_argument("payload", nargs="?", default="{}", help="JSON payload")
        parser.add_argument("--alias", action="append", default=[], help="Alias event name (repeatable)")
        parser.add_argument("--sse", nargs=2, action="append", default=[], metavar=("NAME", "JSON"),
                            help="004 SSE twin (repeatable)")
        parser.add_argument("--no-check", action="store_true", help="Do not check that the community exists")

    def handle(self, *args, community, event, payload, alias, sse, no_check, **options):
        try:
            data = json.loads(payload)
            twins = [(name, json.loads(body)) for name, body in sse]
        except ValueError as exc:
            raise CommandError(f"Invalid JSON: {exc}") from exc
        if community_id_of(community) is None or (
                not no_check and not Community.objects.filter(pk=community).exists()):
            raise CommandError(f"No community {community}.")
        bridge.force_forwarding = True  # no-op with REDIS_URL; else hand the event to the web process
        events.publish(community, event, data, aliases=alias, sse=twins)
        self.stdout.write(f"published {event} to {community}")
