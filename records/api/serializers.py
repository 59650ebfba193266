"""Records serializers. Field names are 004's snake_case (`author_id`, `arrested_by`, ...), so the same
serializer validates /fivem/* bodies as written and /api/* bodies after the camelCase parser."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cad.core.api.fields import ChoiceField
from cad.core.api.serializers import ApiModelSerializer, CommunityPrimaryKeyRelatedField
from cad.core.errors import Invalid
from calls.models import Call
from characters.models import Character

from ..choices import ReportKind, ReportStatus, SuspectStatus, WarrantStatus
from ..models import Arrest, ArrestPhoto, Citation, Report, Suspect, Warrant
from ..services import may_act_as, parse_charges


def _character_field(source: str | None = None, **kwargs):
    if source:
        kwargs["source"] = source
    return CommunityPrimaryKeyRelatedField(queryset=Character.objects.filter(archived_at__isnull=True),
                                           pk_field=serializers.UUIDField(), **kwargs)


class OfficerFieldsMixin:
    """`author_id` / `arrested_by` / `issued_by` must be the caller's own character unless the caller is
    a supervisor or above (or an API token)."""

    officer_fields: tuple[str, ...] = ()

    def validate(self, attrs):
        attrs = super().validate(attrs)
        request = self.context.get("request")
        for wire, source in self.officer_fields:
            character = attrs.get(source)
            if character is None or request is None:
                continue
            if not may_act_as(character=character, user=request.user, role=request.role):
                raise serializers.ValidationError({wire: ["You can only sign records as one of your own characters."]})
        return attrs


class CharacterBriefMixin:
    @staticmethod
    def name_of(character) -> str:
        return character.full_name if character is not None else ""


class InvolvedPersonSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=120)
    notes = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    character_id = serializers.UUIDField(required=False, allow_null=True, default=None)


class InvolvedVehicleSerializer(serializers.Serializer):
    plate = serializers.CharField(max_length=16)
    is_stolen = serializers.BooleanField(required=False, default=False)


class ReportSerializer(OfficerFieldsMixin, CharacterBriefMixin, ApiModelSerializer):
    officer_fields = (("author_id", "author"),)

    author_id = _character_field("author")
    author_name = serializers.SerializerMethodField()
    call_id = CommunityPrimaryKeyRelatedField(source="call", queryset=Call.objects.all(), required=False,
                                              allow_null=True, pk_field=serializers.UUIDField())
    type = ChoiceField(choices=ReportKind.choices, required=False, default=ReportKind.INCIDENT)
    status = ChoiceField(choices=ReportStatus.choices, read_only=True)
    involved_persons = InvolvedPersonSerializer(many=True, required=False, default=list)
    involved_vehicles = InvolvedVehicleSerializer(many=True, required=False, default=list)
    report_data = serializers.DictField(required=False, default=dict)
    involved_character_ids = serializers.SerializerMethodField()
    reviewed_by = serializers.SerializerMethodField()

    class Meta:
        model = Report
        fields = [
            "id", "number", "type", "title", "body", "evidence", "involved_persons", "involved_vehicles",
            "report_data", "call_id", "author_id", "author_name", "status", "reviewed_by", "reviewed_at",
            "review_note", "involved_character_ids", "created_at", "updated_at",
        ]
        read_only_fields = ["id", "number", "status", "reviewed_at", "review_note", "created_at", "updated_at"]
        extra_kwargs = {"title": {"max_length": 200}, "evidence": {"required": False, "allow_blank": True}}

    def get_author_name(self, obj) -> str:
        return self.name_of(obj.author)

    def get_reviewed_by(self, obj) -> str | None:
        return obj.reviewed_by.username if obj.reviewed_by_id else None

    def get_involved_character_ids(self, obj) -> list[str]:
        return [str(c.pk) for c in obj.involved_characters.all()]


class ReportTypesQuerySerializer(serializers.Serializer):
    author_id = _character_field("author")


class ReviewSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


@extend_schema_field({
    "oneOf": [{"type": "array", "items": {"type": "string"}}, {"type": "string"}],
    "description": "Penal code IDs, codes, names or free text; or one comma-separated string (004). "
                   "Answered as [{penal_code_id, code, name}].",
})
class ChargesField(serializers.Field):
    """A list of charges (penal code IDs, codes, names or free text) or 004's comma-separated string."""

    def to_internal_value(self, data):
        try:
            charges = parse_charges(data)
        except Invalid as exc:
            raise serializers.ValidationError(exc.fields.get("charges") or exc.first_message()) from None
        if not charges:
            raise serializers.ValidationError("At least one charge.")
        return charges

    def to_representation(self, value):
        return value


class ArrestPhotoSerializer(ApiModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = ArrestPhoto
        fields = ["id", "url", "content_type", "size", "created_at"]

    def get_url(self, obj) -> str:
        return obj.image.url if obj.image else ""


class ArrestSerializer(OfficerFieldsMixin, CharacterBriefMixin, ApiModelSerializer):
    officer_fields = (("arrested_by", "arrested_by"),)

    character_id = _character_field("character")
    character_name = serializers.SerializerMethodField()
    arrested_by = _character_field()
    officer_name = serializers.SerializerMethodField()
    charges = ChargesField()
    jail_time_min = serializers.IntegerField(min_value=0, max_value=10**6, required=False, allow_null=True,
                                             default=None)
    fine_amount = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0, required=False,
                                           allow_null=True, default=None, coerce_to_string=False)
    report_id = CommunityPrimaryKeyRelatedField(source="report", queryset=Report.objects.filter(archived_at__isnull=True),
                                                required=False, allow_null=True, pk_field=serializers.UUIDField())
    photos = ArrestPhotoSerializer(many=True, read_only=True)

    class Meta:
        model = Arrest
        fields = ["id", "character_id", "character_name", "arrested_by", "officer_name", "charges", "jail_time_min",
                  "fine_amount", "report_id", "photos", "created_at"]
        read_only_fields = ["id", "created_at"]

    def get_character_name(self, obj) -> str:
        return self.name_of(obj.character)

    def get_officer_name(self, obj) -> str:
        return self.name_of(obj.arrested_by)


class ArrestPhotoUploadSerializer(serializers.Serializer):
    photo = serializers.FileField()


class CitationSerializer(OfficerFieldsMixin, CharacterBriefMixin, ApiModelSerializer):
    officer_fields = (("issued_by", "issued_by"),)

    character_id = _character_field("character")
    character_name = serializers.SerializerMethodField()
    issued_by = _character_field()
    officer_name = serializers.SerializerMethodField()
    fine_amount = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0, required=False,
                                           default=0, coerce_to_string=False)
    points = serializers.IntegerField(required=False, default=0, help_text="Clamped to 0-12.")
    paid = serializers.BooleanField(required=False, default=False)

    class Meta:
        model = Citation
        fields = ["id", "character_id", "character_name", "issued_by", "officer_name", "violation", "fine_amount",
                  "paid", "points", "created_at", "updated_at"]
        read_only_fields = ["id", "created_at", "updated_at"]
        extra_kwargs = {"violation": {"max_length": 200}}

    def get_character_name(self, obj) -> str:
        return self.name_of(obj.character)

    def get_officer_name(self, obj) -> str:
        return self.name_of(obj.issued_by)


class CitationUpdateSerializer(serializers.Serializer):
    paid = serializers.BooleanField()


class WarrantSerializer(OfficerFieldsMixin, CharacterBriefMixin, ApiModelSerializer):
    officer_fields = (("issued_by", "issued_by"),)

    character_id = _character_field("character")
    character_name = serializers.SerializerMethodField()
    issued_by = _character_field(required=False, allow_null=True)
    officer_name = serializers.SerializerMethodField()
    status = ChoiceField(choices=WarrantStatus.choices, required=False)

    class Meta:
        model = Warrant
        fields = ["id", "character_id", "character_name", "title", "description", "status", "issued_by",
                  "officer_name", "created_at", "updated_at"]
        read_only_fields = ["id", "created_at", "updated_at"]
        extra_kwargs = {"title": {"max_length": 200}, "description": {"required": False, "allow_blank": True}}

    def get_character_name(self, obj) -> str:
        return self.name_of(obj.character)

    def get_officer_name(self, obj) -> str:
        return self.name_of(obj.issued_by)

    def validate_status(self, value):
        if self.instance is None and value != WarrantStatus.ACTIVE:
            raise serializers.ValidationError("A new warrant is active.")
        return value


class WarrantUpdateSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200, required=False)
    description = serializers.CharField(required=False, allow_blank=True)
    status = ChoiceField(choices=WarrantStatus.choices, required=False)


class SuspectSerializer(ApiModelSerializer):
    """000 §5: firstName, lastName, description, status (+ links: callId, characterId, reportIds)."""

    status = ChoiceField(choices=SuspectStatus.choices, required=False, default=SuspectStatus.AT_LARGE)
    call_id = CommunityPrimaryKeyRelatedField(source="call", queryset=Call.objects.all(), required=False,
                                              allow_null=True, pk_field=serializers.UUIDField())
    character_id = _character_field("character", required=False, allow_null=True)
    report_ids = CommunityPrimaryKeyRelatedField(source="reports", queryset=Report.objects.filter(archived_at__isnull=True),
                                                 many=True, required=False, pk_field=serializers.UUIDField())
    bolo_ids = serializers.SerializerMethodField(help_text="BOLOs linked to this suspect (set from the BOLO side).")

    class Meta:
        model = Suspect
        fields = ["id", "first_name", "last_name", "description", "status", "call_id", "character_id", "report_ids",
                  "bolo_ids", "created_at", "updated_at"]
        read_only_fields = ["id", "created_at", "updated_at"]
        extra_kwargs = {
            "first_name": {"required": False, "allow_blank": True, "max_length": 60},
            "last_name": {"required": False, "allow_blank": True, "max_length": 60},
            "description": {"required": False, "allow_blank": True, "max_length": 5000},
        }

    def get_bolo_ids(self, obj) -> list[str]:
        related = getattr(obj, "bolos", None)
        return [str(b.pk) for b in related.all()] if related is not None else []
