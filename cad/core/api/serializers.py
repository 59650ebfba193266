"""Serializer base: `_id` and `id` on every object, `communityId`, and related fields that only see
rows of the request's community (a foreign ID from another community is "does not exist")."""

from __future__ import annotations

from rest_framework import serializers

from cad.core import parts
from cad.core.tenancy import CommunityOwned


class CommunityPrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):
    def get_queryset(self):
        queryset = super().get_queryset()
        model = queryset.model
        if issubclass(model, CommunityOwned):
            community = self.context.get("community")
            if community is None:
                return queryset.none().all_communities()
            return queryset.for_community(community)
        return queryset

    def to_internal_value(self, data):
        try:
            return super().to_internal_value(data)
        except serializers.ValidationError:
            raise
        except (TypeError, ValueError):
            self.fail("incorrect_type", data_type=type(data).__name__)


class ApiModelSerializer(serializers.ModelSerializer):
    """camelCase comes from the renderer/parser; this adds the `_id` twin of `id` that 000/001 carry."""

    serializer_related_field = CommunityPrimaryKeyRelatedField

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if "id" in data:
            data = {"_id": data["id"], **data}
        if hasattr(instance, "community_id") and "community_id" not in data:
            data["community_id"] = str(instance.community_id)
        return data


class EmptySerializer(serializers.Serializer):
    pass


# --- Platform serializers -------------------------------------------------------------------------
from cad.core.models import (  # noqa: E402
    ApiToken,
    CallType,
    Community,
    Department,
    Disposition,
    Division,
    LicenseClass,
    PenalCode,
    ReportType,
    StatusCode,
    overdue_minutes_errors,
)


class _WithParts:
    """A community read through, with the apps' parts of its settings (`cad.core.parts`) as attributes."""

    def __init__(self, community, values: dict):
        self._community, self._values = community, values

    def __getattr__(self, name):
        values = self.__dict__["_values"]
        return values[name] if name in values else getattr(self.__dict__["_community"], name)


class CommunitySerializer(ApiModelSerializer):
    """A community and its settings; 000/001/004 read these names in camelCase."""

    class Meta:
        model = Community
        fields = [
            "id", "name", "bolo_permission", "dmv_enabled", "dmv_points_enabled",
            "dmv_self_register", "dmv_point_threshold", "dmv_point_expiry_days", "dmv_suspension_days",
            "weapons_enabled", "call_expiry_minutes", "call911_approval", "overdue_minutes", "duty_webhook_url", "sounds", "mugshot_max_bytes",
            "mugshot_types", "created_at", "updated_at",
        ]
        read_only_fields = ["id", "created_at", "updated_at"]
        extra_kwargs = {
            "dmv_point_threshold": {"min_value": 1, "max_value": 1000},
            "dmv_point_expiry_days": {"min_value": 1, "max_value": 36500},
            "dmv_suspension_days": {"min_value": 1, "max_value": 36500},
            "call_expiry_minutes": {"min_value": 1, "max_value": 10080},
            "mugshot_max_bytes": {"min_value": 1024, "max_value": 50 * 1024 * 1024},
        }

    # Sent back with the settings a client read; not settings, and never an error.
    ECHOED_NAMES = frozenset({"_id", "community_id"})

    def get_fields(self):
        fields = super().get_fields()
        for part in parts.registered():  # settings apps keep in their own tables (cad.core.parts)
            fields.update(part.fields())
        return fields

    def to_representation(self, instance):
        return super().to_representation(_WithParts(instance, parts.values(instance)))

    def to_internal_value(self, data):
        """A setting the community does not have is refused (400), not silently dropped: a misspelt name
        would otherwise answer 200 and change nothing."""
        if isinstance(data, dict):
            unknown = sorted(set(data) - set(self.fields) - self.ECHOED_NAMES)
            if unknown:
                from djangorestframework_camel_case.util import camelize

                known = ", ".join(camelize({n: None}).popitem()[0] for n, f in self.fields.items() if not f.read_only)
                raise serializers.ValidationError(
                    {name: [f"Unknown setting; the settings are: {known}."] for name in unknown})
        return super().to_internal_value(data)

    def validate_duty_webhook_url(self, value):
        from cad.core.webhooks import WebhookRefused, validate_webhook_url

        if value:
            try:
                validate_webhook_url(value)
            except WebhookRefused as exc:
                raise serializers.ValidationError(str(exc)) from None
        return value

    def validate_sounds(self, value):
        if not isinstance(value, list) or not all(isinstance(v, dict) and "event" in v for v in value):
            raise serializers.ValidationError("A list of {event, enabled, volume, customUrl} objects.")
        for v in value:
            volume = v.get("volume", 1)
            if not isinstance(volume, int | float) or not 0 <= volume <= 1:
                raise serializers.ValidationError("Each volume is a number from 0 to 1.")
        return value

    def validate_overdue_minutes(self, value):
        errors = overdue_minutes_errors(value)
        if errors:
            raise serializers.ValidationError(errors)
        return {status: minutes for status, minutes in value.items() if minutes is not None}

    def validate_mugshot_types(self, value):
        allowed = {"image/jpeg", "image/png", "image/webp", "image/gif"}
        if not isinstance(value, list) or not set(value) <= allowed:
            raise serializers.ValidationError(f"A list drawn from: {', '.join(sorted(allowed))}.")
        return value


class _ValueSerializer(ApiModelSerializer):
    class Meta:
        fields = ["id", "name", "position"]


class CallTypeSerializer(_ValueSerializer):
    class Meta(_ValueSerializer.Meta):
        model = CallType
        fields = [*_ValueSerializer.Meta.fields, "code", "default_priority"]
        extra_kwargs = {"default_priority": {"min_value": 1, "max_value": 3}}


class StatusCodeSerializer(_ValueSerializer):
    class Meta(_ValueSerializer.Meta):
        model = StatusCode
        fields = [*_ValueSerializer.Meta.fields, "code", "meaning", "color"]


class DispositionSerializer(_ValueSerializer):
    class Meta(_ValueSerializer.Meta):
        model = Disposition


class LicenseClassSerializer(_ValueSerializer):
    class Meta(_ValueSerializer.Meta):
        model = LicenseClass
        fields = [*_ValueSerializer.Meta.fields, "code"]


class ReportTypeSerializer(_ValueSerializer):
    class Meta(_ValueSerializer.Meta):
        model = ReportType
        fields = [*_ValueSerializer.Meta.fields, "code", "department_types"]


class PenalCodeSerializer(_ValueSerializer):
    class Meta(_ValueSerializer.Meta):
        model = PenalCode
        fields = [*_ValueSerializer.Meta.fields, "code", "description", "fine", "jail_minutes", "points"]
        extra_kwargs = {"points": {"max_value": 12}}


class DepartmentSerializer(ApiModelSerializer):
    class Meta:
        model = Department
        fields = ["id", "name", "short_name", "type", "color"]


class DivisionSerializer(ApiModelSerializer):
    class Meta:
        model = Division
        fields = ["id", "name", "department"]


class ApiTokenSerializer(ApiModelSerializer):
    class Meta:
        model = ApiToken
        fields = ["id", "name", "hint", "created_at", "last_used_at"]
        read_only_fields = ["id", "hint", "created_at", "last_used_at"]
