"""Dispatch serializers (snake_case; /api/* camelizes on the wire)."""

from __future__ import annotations

from rest_framework import serializers

from cad.core.api.fields import ChoiceField
from cad.core.api.serializers import ApiModelSerializer, CommunityPrimaryKeyRelatedField
from cad.core.models import Department

from ..models import ActiveDispatcher, Tone, Unit


class UnitSerializer(ApiModelSerializer):
    """000's unit: `unitName`, `status`, `job`, `assignedCalls` (from the view's one-query map); the
    community status code (003's status, e.g. `10-8`) is `statusCode`; `externalId` is the game server's id
    for it (000's location `unitId`), and a live position of this unit carries `odId` = this `_id`."""

    unit_name = serializers.CharField(source="name", read_only=True)
    callsign = serializers.CharField(source="name", read_only=True)
    status = serializers.SerializerMethodField()
    status_code = serializers.SerializerMethodField()
    character_id = serializers.UUIDField(read_only=True)
    user_id = serializers.UUIDField(read_only=True)
    department_id = serializers.UUIDField(read_only=True)
    current_call_id = serializers.UUIDField(read_only=True)
    assigned_calls = serializers.SerializerMethodField()

    class Meta:
        model = Unit
        fields = ["id", "unit_name", "callsign", "name", "status", "state", "status_code", "status_text", "job",
                  "department_id", "character_id", "user_id", "external_id", "radio_channel", "current_call_id",
                  "assigned_calls", "api_ids", "on_duty", "on_duty_since", "last_activity_at"]
        read_only_fields = fields

    def get_status(self, unit) -> str:
        """000's status: the canonical state (`available`), `offline` once off duty."""
        return unit.state if unit.on_duty else "offline"

    def get_status_code(self, unit) -> str | None:
        return unit.status_code.code if unit.status_code_id else None

    def get_assigned_calls(self, unit) -> list[str]:
        return self.context.get("assigned_calls", {}).get(str(unit.pk), [])


class DutySerializer(serializers.Serializer):
    character_id = serializers.UUIDField()
    action = ChoiceField(choices=["on", "off"])


class AopSerializer(serializers.Serializer):
    aop = serializers.CharField(max_length=200)


class Signal100Serializer(serializers.Serializer):
    value = serializers.BooleanField()
    call_id = serializers.CharField(required=False, allow_null=True, allow_blank=True, max_length=64)


class DispatcherStateSerializer(serializers.Serializer):
    value = serializers.BooleanField()


class ActiveDispatcherUpdateSerializer(serializers.Serializer):
    active_department = CommunityPrimaryKeyRelatedField(queryset=Department.objects.all_communities(),
                                                        allow_null=True)


class ActiveDispatcherSerializer(ApiModelSerializer):
    username = serializers.CharField(source="user.username", read_only=True)
    user_id = serializers.UUIDField(read_only=True)
    active_department = serializers.UUIDField(source="department_id", read_only=True)

    class Meta:
        model = ActiveDispatcher
        fields = ["id", "user_id", "username", "active_department", "created_at", "updated_at"]


class UnitSearchSerializer(serializers.Serializer):
    query = serializers.CharField(max_length=100, allow_blank=False)


class RadioChannelSerializer(serializers.Serializer):
    radio_channel = serializers.CharField(max_length=40, allow_blank=True)


class ToneInputSerializer(serializers.Serializer):
    description = serializers.CharField(max_length=200)
    leo_tone = serializers.BooleanField(default=False)
    ems_fd_tone = serializers.BooleanField(default=False)

    def validate(self, attrs):
        if not (attrs["leo_tone"] or attrs["ems_fd_tone"]):
            raise serializers.ValidationError({"leo_tone": ["Pick at least one of leoTone and emsFdTone."]})
        return attrs


class ToneSerializer(ApiModelSerializer):
    leo_tone = serializers.SerializerMethodField()
    ems_fd_tone = serializers.SerializerMethodField()

    class Meta:
        model = Tone
        fields = ["id", "type", "description", "leo_tone", "ems_fd_tone", "created_at", "updated_at"]

    def get_leo_tone(self, tone) -> bool:
        return tone.type == "leo"

    def get_ems_fd_tone(self, tone) -> bool:
        return tone.type == "ems_fd"


class LocationSerializer(serializers.Serializer):
    """000's tracked unit location (GET /api/dispatch/locations), for the OpenAPI description: the view
    answers `dispatch.selectors.locations` entries as they are."""

    unit_id = serializers.CharField()
    unit_name = serializers.CharField()
    od_id = serializers.CharField(allow_null=True, required=False)
    x = serializers.FloatField()
    y = serializers.FloatField()
    z = serializers.FloatField()
    heading = serializers.FloatField()
    job = serializers.CharField(allow_blank=True)
    status = serializers.CharField(allow_blank=True)
    postal = serializers.CharField(allow_blank=True)
    community_id = serializers.CharField()
    character_id = serializers.CharField(allow_null=True)
    lat = serializers.FloatField()
    lng = serializers.FloatField()
    timestamp = serializers.CharField()
    last_update = serializers.CharField()
    updated_at = serializers.CharField()


def community_settings_fields() -> dict:
    """The dispatch part of `/api/communities/:id` (`cad.core.parts`): the area of play is a setting an
    admin may write; Signal 100 is only shown there (dispatch declares it)."""
    return {"area_of_play": serializers.CharField(max_length=200, required=False, allow_blank=True),
            "signal100": serializers.BooleanField(read_only=True)}
