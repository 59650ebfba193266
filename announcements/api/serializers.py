from __future__ import annotations

from rest_framework import serializers

from announcements.choices import AnnouncementPriority
from announcements.models import Announcement
from cad.core.api.fields import ChoiceField
from cad.core.api.serializers import ApiModelSerializer


class AnnouncementSerializer(ApiModelSerializer):
    """000's shape: `createdBy` is the author's display name (003 calls it `createdByName`)."""

    created_by = serializers.CharField(source="created_by_name", read_only=True)

    class Meta:
        model = Announcement
        fields = ["id", "title", "message", "priority", "expires_at", "created_by", "created_by_name", "created_at"]
        read_only_fields = ["id", "created_by_name", "created_at"]


class AnnouncementInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    message = serializers.CharField(max_length=4000)
    priority = ChoiceField(choices=AnnouncementPriority.choices)
    expires_at = serializers.DateTimeField(required=False, allow_null=True)
