"""The community's alert sound settings as the pages that play alerts (board, MDT) hand them to
web/js/sound.js on <body>: `data-sound-volume`, `data-sounds-off`, `data-sound-urls`."""

from __future__ import annotations

import json

from cad.core.models import Community

SOUND_KINDS = {"new_call": "call", "panic": "panic", "bolo": "bolo", "announcement": "announcement"}


def sound_settings(community: Community) -> dict[str, object]:
    """The community's sound settings (004 /fivem/sounds) as the page's sound module reads them: the
    loudest enabled level (0-100), the kinds turned off, and the community's own uploaded sounds
    (kind → URL on this server) that replace the synthesized ones."""
    rows = [r for r in (community.sounds or []) if isinstance(r, dict) and r.get("event") in SOUND_KINDS]
    off = [SOUND_KINDS[r["event"]] for r in rows if not r.get("enabled", True)]
    levels = [float(r.get("volume", 1) or 0) for r in rows if r.get("enabled", True)]
    custom = {SOUND_KINDS[r["event"]]: r["custom_url"] for r in rows
              if isinstance(r.get("custom_url"), str) and r["custom_url"].startswith("/")}
    return {"sound_volume": int(round(100 * max(levels, default=1.0))), "sounds_off": " ".join(off),
            "sound_urls": json.dumps(custom)}
