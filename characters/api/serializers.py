"""Serializers for /api/* (camelCase on the wire via the renderer) and /fivem/* (snake_case, `id` only).

They check shapes and types; the rules (formats, uniqueness, modules, points) live in the services."""

from __future__ import annotations

from django.http import QueryDict
from rest_framework import serializers

from cad.core.api.fields import ChoiceField
from cad.core.api.serializers import ApiModelSerializer, CommunityPrimaryKeyRelatedField
from cad.core.models import Department

from ..choices import CharacterType, InsuranceStatus, LicenseStatus, RegistrationStatus
from ..models import Character, DrivingLicense, Vehicle, Weapon, WeaponLicenseApplication


def _character_field(**kwargs):
    return CommunityPrimaryKeyRelatedField(source=kwargs.pop("source", "owner"),
                                           queryset=Character.objects.all_communities(), **kwargs)


class CharacterSerializer(ApiModelSerializer):
    type = ChoiceField(choices=CharacterType.choices, required=False)
    department_id = CommunityPrimaryKeyRelatedField(source="department", queryset=Department.objects.all_communities(),
                                                    required=False, allow_null=True)
    ssn = serializers.CharField(required=False, allow_blank=True, allow_null=True, max_length=11)
    license_number = serializers.CharField(required=False, allow_blank=True, allow_null=True, max_length=16)
    flags = serializers.ListField(child=serializers.CharField(max_length=40), required=False, max_length=30)
    user_id = serializers.SerializerMethodField()
    mugshot = serializers.SerializerMethodField()
    dept_short = serializers.SerializerMethodField()
    is_active = serializers.SerializerMethodField()

    class Meta:
        model = Character
        fields = ["id", "user_id", "first_name", "last_name", "date_of_birth", "gender", "address", "phone", "ssn",
                  "license_number", "type", "department_id", "dept_short", "callsign", "rank", "flags", "mugshot",
                  "is_active", "created_at", "updated_at", "archived_at"]
        read_only_fields = ["id", "created_at", "updated_at", "archived_at"]
        extra_kwargs = {"first_name": {"required": True}, "last_name": {"required": True}}

    def get_user_id(self, obj) -> str | None:
        return str(obj.user_id) if obj.user_id else None

    def get_mugshot(self, obj) -> str | None:
        return obj.mugshot.url if obj.mugshot else None

    def get_dept_short(self, obj) -> str | None:
        return (obj.department.short_name or obj.department.name) if obj.department_id else None

    def get_is_active(self, obj) -> bool:
        return obj.pk == self.context.get("active_character_id")


class FivemCharacterSerializer(CharacterSerializer):
    """004 dialect: `id` only; `user_id` is the only required id on create (resolved by the view)."""

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data.pop("_id", None)
        data.pop("is_active", None)
        return data


class FivemCreateCharacterSerializer(serializers.Serializer):
    user_id = serializers.UUIDField()
    first_name = serializers.CharField(max_length=60)
    last_name = serializers.CharField(max_length=60)
    type = ChoiceField(choices=CharacterType.choices, required=False)
    department_id = CommunityPrimaryKeyRelatedField(source="department", queryset=Department.objects.all_communities(),
                                                    required=False, allow_null=True)
    date_of_birth = serializers.DateField(required=False, allow_null=True)
    gender = serializers.CharField(required=False, allow_blank=True, max_length=20)
    phone = serializers.CharField(required=False, allow_blank=True, max_length=32)
    address = serializers.CharField(required=False, allow_blank=True, max_length=200)
    callsign = serializers.CharField(required=False, allow_blank=True, max_length=32)
    rank = serializers.CharField(required=False, allow_blank=True, max_length=60)


class PlayerConnectSerializer(serializers.Serializer):
    discord_id = serializers.CharField(max_length=32)


class VehicleSerializer(ApiModelSerializer):
    character_id = _character_field(required=False, allow_null=True)
    owner_name = serializers.SerializerMethodField()
    plate = serializers.CharField(max_length=20)
    registration_status = ChoiceField(choices=RegistrationStatus.choices, required=False)
    insurance_status = ChoiceField(choices=InsuranceStatus.choices, required=False)
    year = serializers.IntegerField(required=False, allow_null=True, min_value=1886, max_value=2100)
    vin = serializers.CharField(required=False, allow_blank=True, max_length=17)

    class Meta:
        model = Vehicle
        fields = ["id", "character_id", "owner_name", "plate", "make", "model", "color", "year", "vin", "is_stolen",
                  "registration_status", "insurance_status", "created_at", "updated_at", "archived_at"]
        read_only_fields = ["id", "created_at", "updated_at", "archived_at"]
        validators: list = []  # plate uniqueness is the service's 409, not a 400

    def get_owner_name(self, obj) -> str | None:
        return obj.owner.full_name if obj.owner_id else None


class FivemVehicleSerializer(VehicleSerializer):
    character_id = _character_field()

    class Meta(VehicleSerializer.Meta):
        pass

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data.pop("_id", None)
        return data


class StolenSerializer(serializers.Serializer):
    stolen = serializers.BooleanField()

    def to_internal_value(self, data):
        # 004 sends JSON true/false; "yes", 1 and friends are not a boolean here.
        if not isinstance(data, dict) or not isinstance(data.get("stolen"), bool):
            raise serializers.ValidationError({"stolen": ["Must be true or false."]})
        return {"stolen": data["stolen"]}


class LicenseSerializer(ApiModelSerializer):
    """`class` is the license class code (E, A, B, C, D, M or the community's own); `points` is derived."""

    character_id = _character_field(source="character")
    license_class = serializers.CharField(max_length=8, required=False, write_only=True)  # `class` on the wire
    class_name = serializers.SerializerMethodField()
    status = ChoiceField(choices=LicenseStatus.choices, required=False)
    suspended_until = serializers.DateTimeField(required=False, allow_null=True)
    clear_override = serializers.BooleanField(required=False, write_only=True)

    class Meta:
        model = DrivingLicense
        fields = ["id", "character_id", "license_class", "class_name", "status", "points", "suspended_at",
                  "suspended_until", "override", "clear_override", "issued_at", "updated_at", "archived_at"]
        read_only_fields = ["id", "points", "suspended_at", "override", "issued_at", "updated_at", "archived_at"]
        validators: list = []

    def to_internal_value(self, data):
        if isinstance(data, QueryDict):
            data = data.dict()
        if isinstance(data, dict) and "class" in data:
            data = {**data, "license_class": data["class"]}
            data.pop("class")
        try:
            return super().to_internal_value(data)
        except serializers.ValidationError as exc:
            if isinstance(exc.detail, dict) and "license_class" in exc.detail:
                exc.detail["class"] = exc.detail.pop("license_class")
            raise

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["class"] = instance.license_class.code
        return data

    def get_class_name(self, obj) -> str:
        return obj.license_class.name

    def validate(self, attrs):
        attrs = super().validate(attrs)
        if self.instance is None and not attrs.get("license_class"):
            raise serializers.ValidationError({"class": ["This field is required."]})
        return attrs


class WeaponSerializer(ApiModelSerializer):
    character_id = _character_field()
    owner_name = serializers.SerializerMethodField()
    serial_number = serializers.CharField(max_length=40)

    class Meta:
        model = Weapon
        fields = ["id", "character_id", "owner_name", "serial_number", "make", "model", "caliber", "created_at",
                  "updated_at", "archived_at"]
        read_only_fields = ["id", "created_at", "updated_at", "archived_at"]
        validators: list = []

    def get_owner_name(self, obj) -> str | None:
        return obj.owner.full_name if obj.owner_id else None


class WeaponLicenseApplicationSerializer(ApiModelSerializer):
    character_id = _character_field(source="character")
    character_name = serializers.SerializerMethodField()
    decided_by = serializers.SerializerMethodField()

    class Meta:
        model = WeaponLicenseApplication
        fields = ["id", "character_id", "character_name", "status", "notes", "reason", "decided_by", "decided_at",
                  "created_at"]
        read_only_fields = ["id", "status", "reason", "decided_by", "decided_at", "created_at"]
        validators: list = []

    def get_character_name(self, obj) -> str:
        return obj.character.full_name

    def get_decided_by(self, obj) -> str | None:
        return str(obj.decided_by_id) if obj.decided_by_id else None


class DecisionSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class MugshotSerializer(serializers.Serializer):
    mugshot = serializers.FileField(allow_empty_file=False)
