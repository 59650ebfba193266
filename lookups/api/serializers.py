from __future__ import annotations

from rest_framework import serializers

from cad.core.api.fields import ChoiceField
from cad.core.api.serializers import ApiModelSerializer

from ..choices import LookupType
from ..models import LookupHistory


class LookupSerializer(serializers.Serializer):
    """000 §4: {query, communityId, type?}."""

    query = serializers.CharField(max_length=100, trim_whitespace=True)
    type = ChoiceField(choices=LookupType.choices, required=False, allow_blank=True, allow_null=True)


class RecentQuerySerializer(serializers.Serializer):
    type = ChoiceField(choices=LookupType.choices, required=False)
    limit = serializers.IntegerField(min_value=1, max_value=100, required=False, default=10)


class LookupHistorySerializer(ApiModelSerializer):
    class Meta:
        model = LookupHistory
        fields = ["id", "type", "detected_types", "query", "result_count", "created_at"]


class PlayerQuerySerializer(serializers.Serializer):
    """004: one of ?name= (partial, up to 5) or ?discord_id= (exact)."""

    name = serializers.CharField(max_length=100, required=False, allow_blank=True)
    discord_id = serializers.CharField(max_length=32, required=False, allow_blank=True)

    def validate(self, attrs):
        if not (attrs.get("name") or "").strip() and not (attrs.get("discord_id") or "").strip():
            raise serializers.ValidationError({"name": ["Give ?name= or ?discord_id=."]})
        return attrs
