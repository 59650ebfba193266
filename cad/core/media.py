"""Uploaded files (mugshots, arrest photos) are served only to people allowed to see the row that owns
them, in every mode: officers of the owning community, and the user whose character it is."""

from __future__ import annotations

import mimetypes
import posixpath

from django.apps import apps
from django.conf import settings
from django.http import FileResponse
from rest_framework import exceptions
from rest_framework.views import APIView

from cad.core import access
from cad.core.choices import Role

# (model, file field, field naming the user who owns the row or None)
MEDIA_OWNERS = (
    ("characters.Character", "mugshot", "user_id"),
    ("records.ArrestPhoto", "image", None),
    ("core.SoundFile", "file", None),
)


def _owner_row(path: str):
    for label, field, owner_field in MEDIA_OWNERS:
        model = apps.get_model(label)
        values = ["community_id"] + ([owner_field] if owner_field else [])
        row = model._base_manager.filter(**{field: path}).values(*values).first()
        if row is not None:
            return row["community_id"], row.get(owner_field) if owner_field else None
    return None


class MediaView(APIView):
    """GET /media/<path>: 404 for a file nobody owns or that the caller may not see."""

    schema = None  # file URLs come inside other objects (mugshotUrl), not from the API reference

    def get(self, request, path: str):
        path = posixpath.normpath(path).lstrip("/")
        if path.startswith("..") or "\x00" in path:
            raise exceptions.NotFound()
        owner = _owner_row(path)
        if owner is None:
            raise exceptions.NotFound()
        community_id, owner_user_id = owner
        if not self._may_see(request, community_id, owner_user_id):
            raise exceptions.NotFound()
        full = settings.MEDIA_ROOT / path
        if not full.is_file():
            raise exceptions.NotFound()
        response = FileResponse(full.open("rb"), content_type=mimetypes.guess_type(full.name)[0])
        response["Cache-Control"] = "private, max-age=3600"
        response["X-Content-Type-Options"] = "nosniff"
        return response

    @staticmethod
    def _may_see(request, community_id, owner_user_id) -> bool:
        user = access.person(request.user)
        if user is not None and owner_user_id is not None and owner_user_id == user.pk:
            return True
        return access.has_role(request.user, community_id, Role.OFFICER)
