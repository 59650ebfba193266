"""Call serializers. Output is snake_case (the /api renderer camelizes it; /fivem uses `payloads.call_fivem`).
Inputs accept every dialect's spelling of priority, status and origin and name the allowed values."""

from __future__ import annotations

import uuid

from drf_spectacular.utils import extend_schema_field, extend_schema_serializer
from rest_framework import serializers

from cad.core.api.fields import ChoiceField
from cad.core.api.serializers import CommunityPrimaryKeyRelatedField
from cad.core.models import Department, Division

from .. import payloads, selectors
from ..choices import (
    ENDED_STATUSES,
    PRIORITY_TO_WORD,
    CallOrigin,
    CallStatus,
    parse_origin,
    parse_priority,
    parse_status,
)


class _ParsedField(serializers.Field):
    parser = staticmethod(lambda value: value)

    def to_internal_value(self, data):
        try:
            return type(self).parser(data)
        except ValueError as exc:
            raise serializers.ValidationError(str(exc)) from None

    def to_representation(self, value):
        return value


@extend_schema_field({"oneOf": [{"type": "string", "enum": ["low", "normal", "high", "1", "2", "3"]},
                           {"type": "integer", "enum": [1, 2, 3]}]})
class PriorityField(_ParsedField):
    """000's low|normal|high, 003's "1"|"2"|"3", 002/004's 1|2|3 → 1-3."""

    parser = staticmethod(parse_priority)


@extend_schema_field({"type": "string", "enum": [*CallStatus.values, "active"]})
class StatusField(_ParsedField):
    parser = staticmethod(parse_status)


@extend_schema_field({"oneOf": [{"type": "string", "enum": CallOrigin.values}, {"type": "integer", "enum": [0, 1, 2, 3]}]})
class OriginField(_ParsedField):
    parser = staticmethod(parse_origin)


def _related(model):
    return CommunityPrimaryKeyRelatedField(queryset=model.objects.all_communities(), required=False, allow_null=True)


class CoordinatesSerializer(serializers.Serializer):
    """A point in the game world: CDE scripts' `coordinates: {x, y, z}`, SnailyCAD's `gtaMapPosition`
    (which adds `heading`)."""

    x = serializers.FloatField()
    y = serializers.FloatField()
    z = serializers.FloatField(required=False, allow_null=True)
    heading = serializers.FloatField(required=False, allow_null=True)


class CallWriteSerializer(serializers.Serializer):
    """The call fields any dialect may set; `partial=True` for updates. CDE CAD's FiveM scripts name the
    caller `callerName` and send `coordinates: {x, y, z}`: both are read as `caller` and `x`/`y`/`z`."""

    point_fields = ("coordinates",)

    call_type = serializers.CharField(max_length=120, required=False, allow_blank=True)
    call_type_id = serializers.CharField(max_length=64, required=False, allow_blank=True, allow_null=True)
    situation_code = serializers.CharField(max_length=60, required=False, allow_blank=True)
    title = serializers.CharField(max_length=200, required=False, allow_blank=True)
    code = serializers.CharField(max_length=60, required=False, allow_blank=True)
    location = serializers.CharField(max_length=200, required=False, allow_blank=True)
    block = serializers.CharField(max_length=20, required=False, allow_blank=True)
    postal = serializers.CharField(max_length=20, required=False, allow_blank=True)
    x = serializers.FloatField(required=False, allow_null=True)
    y = serializers.FloatField(required=False, allow_null=True)
    z = serializers.FloatField(required=False, allow_null=True)
    caller = serializers.CharField(max_length=120, required=False, allow_blank=True)
    description = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    origin = OriginField(required=False)
    priority = PriorityField(required=False)
    status = StatusField(required=False)
    metadata = serializers.DictField(required=False)
    department = _related(Department)
    division = _related(Division)
    caller_name = serializers.CharField(max_length=120, required=False, allow_blank=True, write_only=True)
    coordinates = CoordinatesSerializer(required=False, allow_null=True, write_only=True)

    def to_internal_value(self, data):
        if isinstance(data, dict):
            # Scripts send `null` for text they do not have (SnailyCAD's `postal: null`): an empty value.
            blanks = {name for name, field in self.fields.items()
                      if isinstance(field, serializers.CharField) and field.allow_blank and not field.allow_null}
            data = {k: ("" if v is None and k in blanks else v) for k, v in data.items()}
        attrs = super().to_internal_value(data)
        caller_name = attrs.pop("caller_name", None)
        if caller_name is not None and not attrs.get("caller"):
            attrs["caller"] = caller_name
        for name in self.point_fields:
            point = attrs.pop(name, None)
            for axis in ("x", "y", "z") if point else ():
                if attrs.get(axis) is None and point.get(axis) is not None:
                    attrs[axis] = point[axis]
        return attrs


class CallCreateSerializer(CallWriteSerializer):
    """000 POST /api/calls: callType (or a configured callTypeId) and location are required."""

    location = serializers.CharField(max_length=200)

    def validate(self, attrs):
        if not (attrs.get("call_type") or "").strip() and not attrs.get("call_type_id"):
            raise serializers.ValidationError({"call_type": ["This field is required."]})
        return attrs


class Call911WriteSerializer(CallWriteSerializer):
    """001's 911 call: `name` is the caller, `type` a call type ID (or a name, or free text; absent: the
    community's default call type), `gtaMapPosition` the call's coordinates. SnailyCAD's script sends
    `null` for text it does not have (`postal: null`): that is an empty value, not an error."""

    name = serializers.CharField(max_length=120, required=False, allow_blank=True)
    type = serializers.CharField(max_length=120, required=False, allow_blank=True)
    gta_map_position = CoordinatesSerializer(required=False, allow_null=True, write_only=True)

    point_fields = ("coordinates", "gta_map_position")

    def validate(self, attrs):
        if "name" in attrs:
            attrs["caller"] = attrs.pop("name")
        if "type" in attrs:
            value = attrs.pop("type").strip()
            if _looks_like_uuid(value):
                attrs["call_type_id"] = value
            else:
                attrs["call_type"] = value
        if not self.partial and not attrs.get("call_type") and not attrs.get("call_type_id"):
            default = selectors.default_call_type(self.context["community"])
            if default is None:
                raise serializers.ValidationError({"type": ["This field is required (the community has no call "
                                                            "types to default to)."]})
            attrs["call_type_id"] = str(default.pk)
        return attrs


class CdeFivem911Serializer(CallWriteSerializer):
    """CDE CAD's FiveM 911 scripts (`POST /api/fivem/911`, `/api/civilian/fivem-911-call`): `callerName`,
    `location`, `postal`, `coordinates: {x, y, z}`, a `callType` (often "911 - <what the player typed>")
    or none (the community's default call type), the player's words as `description` or `message`."""

    call_type = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    message = serializers.CharField(max_length=5000, required=False, allow_blank=True, write_only=True)
    caller_info = serializers.DictField(required=False, allow_null=True, write_only=True)

    def validate(self, attrs):
        message = attrs.pop("message", "")
        attrs.pop("caller_info", None)
        if message and not attrs.get("description"):
            attrs["description"] = message
        call_type = (attrs.get("call_type") or "").strip()
        if len(call_type) > 120:  # the script puts the player's whole sentence in the type
            attrs.setdefault("description", call_type)
            attrs["call_type"] = call_type[:120]
        if not call_type and not attrs.get("call_type_id"):
            default = selectors.default_call_type(self.context["community"])
            if default is None:
                raise serializers.ValidationError({"call_type": ["This field is required (the community has no "
                                                                 "call types to default to)."]})
            attrs["call_type_id"] = str(default.pk)
        return attrs


class CdePanicSerializer(serializers.Serializer):
    """CDE CAD's FiveM panic script (`POST /api/fivem/panic`): who pressed it (`callerName`, and where the
    script knows them `unitId`, `unitName`/`callsign` or `characterId`), `location`, `postal`,
    `coordinates: {x, y, z}`."""

    caller_name = serializers.CharField(max_length=120, required=False, allow_blank=True, allow_null=True)
    officer_name = serializers.CharField(max_length=120, required=False, allow_blank=True, allow_null=True)
    unit_id = serializers.CharField(max_length=80, required=False, allow_blank=True, allow_null=True)
    unit_name = serializers.CharField(max_length=60, required=False, allow_blank=True, allow_null=True)
    callsign = serializers.CharField(max_length=60, required=False, allow_blank=True, allow_null=True)
    character_id = serializers.UUIDField(required=False, allow_null=True)
    location = serializers.CharField(max_length=200, required=False, allow_blank=True, allow_null=True)
    postal = serializers.CharField(max_length=20, required=False, allow_blank=True, allow_null=True)
    coordinates = CoordinatesSerializer(required=False, allow_null=True)

    def validate(self, attrs):
        attrs = {k: v for k, v in attrs.items() if v not in (None, "")}
        if not any(attrs.get(k) for k in ("caller_name", "officer_name", "unit_id", "unit_name", "callsign",
                                          "character_id")):
            raise serializers.ValidationError({"caller_name": ["Say who pressed the panic button (callerName, "
                                                               "unitId, unitName or characterId)."]})
        return attrs


def _looks_like_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


class DeclineSerializer(serializers.Serializer):
    """POST /api/911-calls/:id/decline: an optional reason, kept as the archive reason."""

    reason = serializers.CharField(max_length=180, required=False, allow_blank=True)


class StatusSerializer(serializers.Serializer):
    status = StatusField()


class NoteSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=5000)
    label = serializers.CharField(max_length=40, required=False, allow_blank=True)


class CloseSerializer(serializers.Serializer):
    disposition = serializers.CharField(max_length=120, required=False, allow_blank=True)
    notes = serializers.CharField(max_length=5000, required=False, allow_blank=True)


class AttachCivilianSerializer(serializers.Serializer):
    civilian_id = serializers.UUIDField(required=False)
    license_number = serializers.CharField(max_length=16, required=False)
    first_name = serializers.CharField(max_length=60, required=False)
    last_name = serializers.CharField(max_length=60, required=False)

    def validate(self, attrs):
        if not (attrs.get("civilian_id") or attrs.get("license_number")
                or (attrs.get("first_name") and attrs.get("last_name"))):
            raise serializers.ValidationError("Give civilianId, licenseNumber, or firstName and lastName.")
        return attrs


class AttachVehicleSerializer(serializers.Serializer):
    vehicle_id = serializers.UUIDField(required=False)
    plate = serializers.CharField(max_length=16, required=False)

    def validate(self, attrs):
        if not attrs.get("vehicle_id") and not attrs.get("plate"):
            raise serializers.ValidationError("Give vehicleId or plate.")
        return attrs


class AssignUnitSerializer(serializers.Serializer):
    """000 PUT assign-unit: {action: add|remove, unitId, unitName}."""

    action = ChoiceField(choices=["add", "remove"])
    unit_id = serializers.CharField(max_length=80, required=False, allow_blank=True)
    unit_name = serializers.CharField(max_length=60, required=False, allow_blank=True)

    def validate(self, attrs):
        if not attrs.get("unit_id") and not attrs.get("unit_name"):
            raise serializers.ValidationError({"unit_id": ["Give unitId or unitName."]})
        return attrs


class AssignUnitsSerializer(serializers.Serializer):
    """000 POST /dispatch/911/:callId/assign: unitIds or unitNames."""

    unit_ids = serializers.ListField(child=serializers.CharField(max_length=80), required=False, max_length=50)
    unit_names = serializers.ListField(child=serializers.CharField(max_length=60), required=False, max_length=50)

    def validate(self, attrs):
        if not attrs.get("unit_ids") and not attrs.get("unit_names"):
            raise serializers.ValidationError({"unit_ids": ["Give unitIds or unitNames (a non-empty list)."]})
        return attrs


# --- output ---------------------------------------------------------------------------------------

def _person(character) -> dict:
    return {"_id": str(character.pk), "id": str(character.pk), "first_name": character.first_name,
            "last_name": character.last_name, "license_number": character.license_number}


def _vehicle(vehicle) -> dict:
    return {"_id": str(vehicle.pk), "id": str(vehicle.pk), "plate": vehicle.plate, "make": vehicle.make,
            "model": vehicle.model, "color": vehicle.color, "year": str(vehicle.year) if vehicle.year else None}


def note_data(note) -> dict:
    """000's {text, createdBy, createdAt} and 002's note object {time, label, type, content} in one."""
    return {"_id": str(note.pk), "id": str(note.pk), "text": note.text, "content": note.text, "label": note.label,
            "type": note.kind, "time": f"{note.created_at:%H:%M:%S}", "created_by": note.author_name,
            "created_at": payloads.iso(note.created_at)}


def _unit(assignment) -> dict:
    unit = assignment.unit
    return {"_id": str(unit.pk), "id": str(unit.pk), "unit_name": unit.name,
            "status": assignment.state.replace("_", "-"), "unit_status": unit.state,
            "is_primary": assignment.is_primary, "assigned_at": payloads.iso(assignment.assigned_at)}


class CallSerializer(serializers.BaseSerializer):
    """One call as 000 shows it (with 001's `name`/`caseNumber`/`ended`), from `selectors.call_queryset`."""

    def to_representation(self, call) -> dict:
        assignments = list(call.assignments.all())
        primary = next((a for a in assignments if a.is_primary), None)
        return {
            "_id": str(call.pk),
            "id": str(call.pk),
            "call_number": call.number,
            "case_number": call.number,
            "incident_number": call.incident_number,
            "call_type": call.call_type,
            "call_type_id": str(call.call_type_ref_id) if call.call_type_ref_id else None,
            "situation_code": call.situation_code,
            "title": call.title,
            "code": call.code,
            "location": call.location,
            "block": call.block,
            "postal": call.postal,
            "x": call.x,
            "y": call.y,
            "z": call.z,
            "caller": call.caller,
            "name": call.caller,
            "description": call.description,
            "origin": call.origin,
            "is_911": call.origin == CallOrigin.CALLER,
            "priority": PRIORITY_TO_WORD[call.priority],
            "priority_level": call.priority,
            "status": call.status,
            "approval": call.approval,
            "ended": call.status in ENDED_STATUSES,
            "disposition": call.disposition,
            "closing_notes": call.closing_notes,
            "metadata": call.metadata,
            "department_id": str(call.department_id) if call.department_id else None,
            "division_id": str(call.division_id) if call.division_id else None,
            "assigned_units": [_unit(a) for a in assignments],
            "primary_unit_id": str(primary.unit_id) if primary else None,
            "scene_commander": ({"_id": str(call.scene_commander_id), "id": str(call.scene_commander_id),
                                 "unit_name": call.scene_commander.name} if call.scene_commander_id else None),
            "attached_civilians": [_person(c) for c in call.attached_civilians.all()],
            "attached_vehicles": [_vehicle(v) for v in call.attached_vehicles.all()],
            "notes": [note_data(n) for n in call.notes.all()],
            "community_id": str(call.community_id),
            "created_by": call.created_by.username if call.created_by_id else None,
            "created_at": payloads.iso(call.created_at),
            "updated_at": payloads.iso(call.updated_at),
            "closed_at": payloads.iso(call.closed_at),
            "last_activity_at": payloads.iso(call.last_activity_at),
            "archived_at": payloads.iso(call.archived_at),
            "archive_reason": call.archive_reason,
        }


def marker(call) -> dict:
    """000 GET /dispatch/911/markers: what the live map draws for a 911 call."""
    return {"_id": str(call.pk), "call_id": str(call.pk), "call_number": call.number,
            "incident_number": call.incident_number, "call_type": call.call_type or call.title,
            "location": call.location, "postal": call.postal, "priority": PRIORITY_TO_WORD[call.priority],
            "status": call.status, "coordinates": payloads.coordinates(call), "x": call.x, "y": call.y, "z": call.z,
            "created_at": payloads.iso(call.created_at)}


# --- response shapes (for the OpenAPI description; the views build the bodies) ----------------------

class PanicCreatedSerializer(serializers.Serializer):
    success = serializers.BooleanField()
    _id = serializers.UUIDField()
    id = serializers.UUIDField()
    call_id = serializers.UUIDField()
    call_number = serializers.IntegerField()


# The call as `CallSerializer` writes it, declared field by field for the OpenAPI description.

class _RefSchema(serializers.Serializer):
    _id = serializers.CharField()
    id = serializers.CharField()


class AssignedUnitSchema(_RefSchema):
    unit_name = serializers.CharField()
    status = serializers.CharField()
    unit_status = serializers.CharField()
    is_primary = serializers.BooleanField()
    assigned_at = serializers.CharField(allow_null=True)


class SceneCommanderSchema(_RefSchema):
    unit_name = serializers.CharField()


class AttachedCivilianSchema(_RefSchema):
    first_name = serializers.CharField()
    last_name = serializers.CharField()
    license_number = serializers.CharField(allow_blank=True, allow_null=True)


class AttachedVehicleSchema(_RefSchema):
    plate = serializers.CharField()
    make = serializers.CharField(allow_blank=True)
    model = serializers.CharField(allow_blank=True)
    color = serializers.CharField(allow_blank=True)
    year = serializers.CharField(allow_null=True)


class NoteSchema(_RefSchema):
    text = serializers.CharField()
    content = serializers.CharField()
    label = serializers.CharField(allow_blank=True)
    type = serializers.CharField()
    time = serializers.CharField()
    created_by = serializers.CharField(allow_blank=True, allow_null=True)
    created_at = serializers.CharField(allow_null=True)


def _text_out(**kwargs):
    return serializers.CharField(allow_blank=True, **kwargs)


class CallSchema(_RefSchema):
    call_number = serializers.IntegerField()
    case_number = serializers.IntegerField()
    incident_number = serializers.CharField(allow_null=True)
    call_type = _text_out()
    call_type_id = serializers.CharField(allow_null=True)
    situation_code = _text_out()
    title = _text_out()
    code = _text_out()
    location = _text_out()
    block = _text_out()
    postal = _text_out()
    x = serializers.FloatField(allow_null=True)
    y = serializers.FloatField(allow_null=True)
    z = serializers.FloatField(allow_null=True)
    caller = _text_out()
    name = _text_out()
    description = _text_out()
    origin = serializers.ChoiceField(choices=CallOrigin.values)
    is_911 = serializers.BooleanField()
    priority = serializers.ChoiceField(choices=["high", "normal", "low"])
    priority_level = serializers.IntegerField()
    status = serializers.ChoiceField(choices=CallStatus.values)
    approval = serializers.CharField()
    ended = serializers.BooleanField()
    disposition = _text_out()
    closing_notes = _text_out()
    metadata = serializers.DictField()
    department_id = serializers.CharField(allow_null=True)
    division_id = serializers.CharField(allow_null=True)
    assigned_units = AssignedUnitSchema(many=True)
    primary_unit_id = serializers.CharField(allow_null=True)
    scene_commander = SceneCommanderSchema(allow_null=True)
    attached_civilians = AttachedCivilianSchema(many=True)
    attached_vehicles = AttachedVehicleSchema(many=True)
    notes = NoteSchema(many=True)
    community_id = serializers.CharField()
    created_by = serializers.CharField(allow_null=True)
    created_at = serializers.CharField(allow_null=True)
    updated_at = serializers.CharField(allow_null=True)
    closed_at = serializers.CharField(allow_null=True)
    last_activity_at = serializers.CharField(allow_null=True)
    archived_at = serializers.CharField(allow_null=True)
    archive_reason = _text_out()


class MarkerSchema(serializers.Serializer):
    _id = serializers.CharField()
    call_id = serializers.CharField()
    call_number = serializers.IntegerField()
    incident_number = serializers.CharField(allow_null=True)
    call_type = _text_out()
    location = _text_out()
    postal = _text_out()
    priority = serializers.CharField()
    status = serializers.CharField()
    coordinates = serializers.DictField(allow_null=True)
    x = serializers.FloatField(allow_null=True)
    y = serializers.FloatField(allow_null=True)
    z = serializers.FloatField(allow_null=True)
    created_at = serializers.CharField(allow_null=True)


@extend_schema_serializer(many=False)
class CallCreatedSchema(serializers.Serializer):
    success = serializers.BooleanField()
    call = CallSchema()


@extend_schema_serializer(many=False)
class CallPageSchema(serializers.Serializer):
    """001's page of 911 calls."""

    total_count = serializers.IntegerField()
    calls = CallSchema(many=True)


class CallDeletedSchema(serializers.Serializer):
    success = serializers.BooleanField()
    call_id = serializers.CharField()
    call_number = serializers.IntegerField()


class NoteAddedSchema(serializers.Serializer):
    success = serializers.BooleanField()
    note = NoteSchema()
    call = CallSchema()


class Created911CallSerializer(serializers.Serializer):
    """201 of a 911 call: CDE scripts read `_id`, SnailyCAD's `id` and `caseNumber`."""

    success = serializers.BooleanField()
    _id = serializers.UUIDField()
    id = serializers.UUIDField()
    case_number = serializers.IntegerField()
    call_number = serializers.IntegerField()
    call = CallSchema()
