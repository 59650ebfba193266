from __future__ import annotations

from django.conf import settings
from rest_framework.throttling import BaseThrottle

from cad.core import ratelimit
from cad.core.models import ApiToken


class FivemTokenThrottle(BaseThrottle):
    """004: "429 Rate limit exceeded (3000 req/min for FiveM routes)", counted per API token in the bucket
    the position-ingest routes share (cad.core.ratelimit). Runs at DRF's throttle stage, after the
    token is authenticated; an over-limit request raises RateLimited (429 with retry_after)."""

    def allow_request(self, request, view) -> bool:
        token = request.auth
        if isinstance(token, ApiToken):
            ratelimit.fivem_hit(ratelimit.token_key(token))
        else:
            ratelimit.hit(group=ratelimit.FIVEM, key=f"address:{ratelimit.client_address(request)}",
                          rate=settings.FIVEM_RATE_LIMIT)
        return True
