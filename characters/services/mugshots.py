"""A character's mugshot: checked against the community's size and type settings, sniffed and re-encoded
with Pillow, stored under a generated name."""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction

from cad.core.errors import Invalid
from cad.core.models import Community
from cad.events import publish

from ..models import Character
from ..payloads import character_payload

logger = logging.getLogger(__name__)

_PIL_TYPES: dict[str, tuple[str, str]] = {  # Pillow's format → (mime type, file extension)
    "JPEG": ("image/jpeg", "jpg"), "PNG": ("image/png", "png"), "WEBP": ("image/webp", "webp"),
    "GIF": ("image/gif", "gif")}
MAX_MUGSHOT_PIXELS = 40_000_000


def mugshot_validate(*, community: Community, upload) -> tuple[str, str]:
    """Size and type from the community settings, the type sniffed from the content with Pillow (never
    the file name or the client's Content-Type). Returns (mime type, file extension)."""
    import warnings

    from PIL import Image, UnidentifiedImageError

    if upload is None or not hasattr(upload, "read"):
        raise Invalid({"mugshot": ["Attach an image file."]})
    size = getattr(upload, "size", None)
    if size is None or size <= 0:
        raise Invalid({"mugshot": ["The file is empty."]})
    if size > community.mugshot_max_bytes:
        raise Invalid({"mugshot": [f"The file is larger than {community.mugshot_max_bytes} bytes."]})
    allowed = list(community.mugshot_types or [])
    try:
        upload.seek(0)
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(upload) as image:
                kind = image.format
                width, height = image.size
                image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombWarning,
            Image.DecompressionBombError):
        raise Invalid({"mugshot": ["Not a readable image."]}) from None
    finally:
        upload.seek(0)
    if width * height > MAX_MUGSHOT_PIXELS:
        raise Invalid({"mugshot": ["The image has too many pixels."]})
    known = _PIL_TYPES.get(kind or "")
    if known is None or known[0] not in allowed:
        raise Invalid({"mugshot": [f"Allowed image types: {', '.join(allowed) or 'none'}."]})
    return known


def _reencode(upload, kind: str):
    """Decode and re-encode the image: what is stored is pixels Pillow wrote, not the caller's bytes (no
    trailing payloads, no EXIF such as GPS positions)."""
    import io

    from django.core.files.base import ContentFile
    from PIL import Image

    upload.seek(0)
    with Image.open(upload) as image:
        image.load()
        params: dict[str, Any] = {}
        if kind in ("GIF", "WEBP") and getattr(image, "is_animated", False):
            params["save_all"] = True
        pixels: Image.Image = image
        if kind == "JPEG":
            params["quality"] = 90
            if image.mode not in ("RGB", "L", "CMYK"):
                pixels = image.convert("RGB")
        buf = io.BytesIO()
        pixels.save(buf, format=kind, **params)
    return ContentFile(buf.getvalue())


def character_set_mugshot(*, character: Character, upload, by=None) -> Character:
    """Validate, re-encode and store a mugshot under a generated name; the previous file is deleted once
    the change has committed."""
    from PIL import Image

    community = Community.objects.get(pk=character.community_id)
    mime, ext = mugshot_validate(community=community, upload=upload)
    kind = next(k for k, (m, _) in _PIL_TYPES.items() if m == mime)
    try:
        content = _reencode(upload, kind)
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        raise Invalid({"mugshot": ["Not a readable image."]}) from None
    old = character.mugshot.name if character.mugshot else None
    storage = character.mugshot.storage
    with transaction.atomic():
        character.mugshot.save(f"{character.pk}.{ext}", content, save=False)
        character.save(update_fields=["mugshot", "updated_at"])
        publish(character.community_id, "character-updated", character_payload(character))
        new_name = character.mugshot.name

        def drop_old():
            if old and old != new_name:
                try:
                    storage.delete(old)
                except OSError:  # a missing old file is not worth failing the upload
                    logger.warning("could not delete old mugshot %s", old)

        transaction.on_commit(drop_old)
    return character
