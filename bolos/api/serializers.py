"""BOLO serializers for three dialects over one row.

- 000 (`/api/bolos/active`, `search`, create/update): `subjectFirstName`, ..., `vehiclePlate`, ...; the date of
  birth is `subjectDOB` on the wire (the renderer would say `subjectDob`, so the key is written as-is).
- 001 (`GET /api/bolos`, and a create/update that sends `type` upper-case): `type` is VEHICLE/PERSON/OTHER and
  `name`, `plate`, `model`, `color` are read from the subject/vehicle columns.
- 004 (`/fivem/bolos`): snake_case, `id` only, `created_by` is the character UUID.
"""

from __future__ import annotations

from djangorestframework_camel_case.util import camelize
from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers

from bolos.choices import BoloPriority, BoloType
from bolos.models import Bolo
from cad.core.api.fields import ChoiceField
from cad.core.api.serializers import ApiModelSerializer, CommunityPrimaryKeyRelatedField
from characters.models import Character
from records.models import Suspect

DIALECT_CDE = "cde"
DIALECT_SNAILY = "snaily"
DIALECT_FIVEM = "fivem"


class CaseInsensitiveChoiceField(ChoiceField):
    """Accepts `VEHICLE` and `vehicle` alike (001 writes upper-case, 004 lower-case); stores lower-case."""

    def to_internal_value(self, data):
        if isinstance(data, str):
            data = data.strip().lower()
        return super().to_internal_value(data)


def _max(name: str) -> int:
    return Bolo._meta.get_field(name).max_length


def _text(name: str | None = None, max_length: int | None = None, **kw) -> serializers.CharField:
    return serializers.CharField(required=False, allow_blank=True, allow_null=True,
                                 max_length=max_length or (_max(name) if name else 4000), **kw)


class BoloInputSerializer(serializers.Serializer):
    """Create and partial update in 000's and 001's shapes (one serializer: both reach the same columns)."""

    type = CaseInsensitiveChoiceField(choices=BoloType.choices, required=False)
    reason = _text("reason")
    description = serializers.CharField(max_length=4000)
    priority = CaseInsensitiveChoiceField(choices=BoloPriority.choices, required=False)
    expires_at = serializers.DateTimeField(required=False, allow_null=True)

    subject_first_name = _text("subject_first_name")
    subject_last_name = _text("subject_last_name")
    subject_dob = _text("subject_dob")
    subject_license = _text("subject_license")
    subject_description = _text(max_length=4000)

    vehicle_plate = _text(max_length=32)
    vehicle_make = _text("vehicle_make")
    vehicle_model = _text("vehicle_model")
    vehicle_year = _text("vehicle_year")
    vehicle_color = _text("vehicle_color")
    vehicle_description = _text(max_length=4000)

    # 001's shape
    name = _text(max_length=121)
    plate = _text(max_length=32)
    model = _text("vehicle_model")
    color = _text("vehicle_color")

    suspect_id = CommunityPrimaryKeyRelatedField(source="suspect", required=False, allow_null=True,
                                                 queryset=Suspect.objects.all_communities())

    def validate_vehicle_year(self, value):
        value = (value or "").strip()
        if value and not (value.isdigit() and len(value) == 4):
            raise serializers.ValidationError("A four-digit year, e.g. 2022.")
        return value

    def validate(self, attrs):
        instance = self.instance
        bolo_type = attrs.get("type") or (instance.type if instance is not None else None)
        name = attrs.pop("name", None)
        plate = attrs.pop("plate", None)
        model = attrs.pop("model", None)
        color = attrs.pop("color", None)
        if name is not None and "subject_first_name" not in attrs and "subject_last_name" not in attrs:
            first, _, last = name.strip().partition(" ")
            if len(first) > _max("subject_first_name") or len(last.strip()) > _max("subject_last_name"):
                raise serializers.ValidationError({"name": ["Name is too long."]})
            attrs["subject_first_name"], attrs["subject_last_name"] = first, last.strip()
        if plate is not None and "vehicle_plate" not in attrs:
            attrs["vehicle_plate"] = plate
        if model is not None and "vehicle_model" not in attrs:
            attrs["vehicle_model"] = model
        if color is not None:
            target = "subject_description" if bolo_type == BoloType.PERSON else "vehicle_color"
            attrs.setdefault(target, color)
        if instance is None and "type" not in attrs and not (attrs.get("reason") or "").strip():
            # 000's shape (no `type`) requires a reason; 001's typed shape has none.
            raise serializers.ValidationError({"reason": ["This field is required."]})
        for key, value in list(attrs.items()):
            if value is None and key not in ("expires_at", "suspect"):
                attrs[key] = ""
        return attrs


class BoloSerializer(ApiModelSerializer):
    """Output of a BOLO. Context `dialect` picks the shape: "cde" (default), "snaily" (upper-case type), "fivem"."""

    viewed_by = serializers.SerializerMethodField()

    class Meta:
        model = Bolo
        fields = [
            "id", "type", "reason", "description", "priority",
            "subject_first_name", "subject_last_name", "subject_dob", "subject_license", "subject_description",
            "vehicle_plate", "vehicle_make", "vehicle_model", "vehicle_year", "vehicle_color", "vehicle_description",
            "is_active", "viewed_by", "expires_at", "created_by_user", "created_by_character", "created_by_name",
            "suspect", "stolen_vehicle", "created_at", "updated_at",
        ]
        read_only_fields = fields

    def get_viewed_by(self, obj) -> list[str]:
        return [str(user.pk) for user in obj.viewed_by.all()]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        dialect = self.context.get("dialect", DIALECT_CDE)
        character = data.pop("created_by_character")
        user = data.pop("created_by_user")
        suspect = data.pop("suspect")
        vehicle = data.pop("stolen_vehicle")
        data["created_by_name"] = instance.created_by_name
        if dialect == DIALECT_FIVEM:
            data.pop("_id", None)
            data.update(created_by=_str(character), created_by_user_id=_str(user), suspect_id=_str(suspect),
                        stolen_vehicle_id=_str(vehicle), plate=instance.vehicle_plate)
            return data
        data["subjectDOB"] = data.pop("subject_dob")
        data.update(
            created_by=_str(user), created_by_character_id=_str(character), suspect_id=_str(suspect),
            stolen_vehicle_id=_str(vehicle),
            # 001's names for the same columns
            name=instance.subject_name,
            plate=instance.vehicle_plate,
            model=instance.vehicle_model,
            color=instance.subject_description if instance.type == BoloType.PERSON else instance.vehicle_color,
        )
        if dialect == DIALECT_SNAILY:
            data["type"] = instance.type.upper()
        return data


def _str(value) -> str | None:
    return None if value is None else str(value)


def bolo_event_payload(bolo: Bolo) -> dict:
    """003's `new-bolo` / `bolo-updated` payload: the full BOLO, camelCase as on /api/*."""
    return camelize(BoloSerializer(bolo).data, ignore_keys=("_id",))


def wants_upper_case(request) -> bool:
    """001's clients write `type` upper-case; answer them in kind."""
    value = request.data.get("type") if isinstance(request.data, dict) else None
    return isinstance(value, str) and value.strip().isupper()


class MarkStolenSerializer(serializers.Serializer):
    """001's body: `{value, color, plate}` (`value` defaults to true)."""

    value = serializers.BooleanField(required=False, default=True)
    color = _text("vehicle_color")
    plate = _text(max_length=32)


class FivemBoloInputSerializer(serializers.Serializer):
    """004's `POST /fivem/bolos`: `{description, type, plate, created_by}`."""

    description = serializers.CharField(max_length=4000)
    type = CaseInsensitiveChoiceField(choices=BoloType.choices, required=False, default=BoloType.VEHICLE)
    plate = _text(max_length=32)
    created_by = CommunityPrimaryKeyRelatedField(required=False, allow_null=True,
                                                 queryset=Character.objects.all_communities())


@extend_schema_serializer(many=False)
class BoloPageSchema(serializers.Serializer):
    """001's page of BOLOs (GET /api/bolos), for the OpenAPI description."""

    bolos = BoloSerializer(many=True)
    total_count = serializers.IntegerField()
