from __future__ import annotations

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

from cad.core.models import ApiToken


class FivemTokenThrottle(SimpleRateThrottle):
    """004: "429 Rate limit exceeded (3000 req/min for FiveM routes)", counted per API token."""

    scope = "fivem"

    def get_rate(self) -> str:
        return settings.FIVEM_RATE_LIMIT

    def get_cache_key(self, request, view):
        token = request.auth
        ident = f"token:{token.pk}" if isinstance(token, ApiToken) else self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}
