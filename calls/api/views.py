"""/api/* call endpoints: 000 §1 (/calls), 000 §2's 911 board (/dispatch/911), 001 (/911-calls).

Views parse and authorize; every change is one `calls.services` call. A call in a URL may be given by ID
or by number; another community's call, or an archived one for a non-admin, is a 404.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, status
from rest_framework.response import Response

from cad.core.api.pagination import page_parameters, paginated
from cad.core.api.views import CommunityAPIView, CommunityGenericViewSet
from cad.core.choices import Role
from characters.models import Character, Vehicle
from characters.selectors import vehicle_for_plate

from .. import selectors, services
from ..choices import CallApproval, CallOrigin
from ..filtersets import CallFilterSet
from ..inputs import CallInput
from ..models import Call
from . import serializers as s

MAX_TAKE = 100
MAX_SKIP = 2**31 - 1


class _CallViews(CommunityGenericViewSet):
    minimum_role = Role.OFFICER
    queryset = Call.objects.none()  # for the schema generator; reads go through `selectors`
    # Request bodies per action, for the OpenAPI schema (answers are `CallSerializer` objects).
    body_serializers: dict = {}

    def get_serializer_class(self):
        return self.body_serializers.get(self.action, s.CallWriteSerializer)

    def get_call(self, key: str = "pk", *, include_unapproved: bool = False):
        admin = Role(self.request.role).at_least(Role.ADMIN)
        return selectors.call_by_id_or_number(self.request.community, self.kwargs[key], include_archived=admin,
                                              include_unapproved=include_unapproved)

    def call_data(self, call) -> dict:
        fresh = selectors.call_by_id_or_number(self.request.community, call.pk, include_archived=True,
                                               include_unapproved=True)
        return s.CallSerializer(fresh).data

    def calls_data(self, queryset) -> list[dict]:
        return [s.CallSerializer(call).data for call in queryset]

    def valid(self, serializer_class, **kwargs) -> dict:
        serializer = serializer_class(data=self.request.data, context=self.get_serializer_context(), **kwargs)
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)


class CallViewSet(_CallViews):
    """000 §1: /api/calls, /api/calls/pending, /api/calls/:id and its actions."""

    action_roles = {
        "create": Role.DISPATCHER, "update": Role.DISPATCHER, "destroy": Role.ADMIN,
        "attach_civilian": Role.DISPATCHER, "attach_vehicle": Role.DISPATCHER, "assign_unit": Role.DISPATCHER,
    }
    body_serializers = {
        "create": s.CallCreateSerializer, "set_status": s.StatusSerializer, "add_note": s.NoteSerializer,
        "attach_civilian": s.AttachCivilianSerializer, "attach_vehicle": s.AttachVehicleSerializer,
        "assign_unit": s.AssignUnitSerializer,
    }

    @extend_schema(responses=s.CallSchema(many=True), parameters=page_parameters())
    def pending(self, request):
        return paginated(self, request, selectors.pending_calls(request.community), self.calls_data)

    @extend_schema(responses={201: s.CallCreatedSchema})
    def create(self, request):
        data = self.valid(s.CallCreateSerializer)
        call = services.call_create(community=request.community, by_user=request.user, data=CallInput(**data))
        # 000's body names no units, notes, civilians or vehicles: the new call has none, so it is shown
        # as created instead of read back (five queries on the request every socket's event waits behind).
        call._prefetched_objects_cache = {"assignments": [], "notes": [], "attached_civilians": [],
                                          "attached_vehicles": []}
        return Response({"success": True, "call": s.CallSerializer(call).data}, status=status.HTTP_201_CREATED)

    @extend_schema(responses=s.CallSchema)
    def retrieve(self, request, pk):
        return Response(s.CallSerializer(self.get_call()).data)

    @extend_schema(responses=s.CallSchema)
    def update(self, request, pk):
        call = self.get_call()
        data = self.valid(s.CallWriteSerializer, partial=True)
        return Response(self.call_data(services.call_update(call=call, by=request.user, **data)))

    @extend_schema(responses=s.CallDeletedSchema)
    def destroy(self, request, pk):
        call = services.call_archive(call=self.get_call(), by=request.user, reason="Deleted by an admin")
        return Response({"success": True, "callId": str(call.pk), "callNumber": call.number})

    @extend_schema(responses=s.CallSchema)
    def set_status(self, request, pk):
        call = self.get_call()
        data = self.valid(s.StatusSerializer)
        return Response(self.call_data(services.call_set_status(call=call, status=data["status"], by=request.user)))

    @extend_schema(responses=s.CallSchema)
    def attach_civilian(self, request, pk):
        call = self.get_call()
        data = self.valid(s.AttachCivilianSerializer)
        people = Character.objects.for_community(request.community).filter(archived_at__isnull=True)
        if data.get("civilian_id"):
            matches = list(people.filter(pk=data["civilian_id"]))
        elif data.get("license_number"):
            matches = list(people.filter(license_number__iexact=data["license_number"].strip()))
        else:
            matches = list(people.filter(first_name__iexact=data["first_name"].strip(),
                                         last_name__iexact=data["last_name"].strip())[:2])
        if not matches:
            raise exceptions.NotFound("Civilian not found.")
        if len(matches) > 1:
            raise exceptions.ValidationError({"first_name": ["Several civilians have that name; use civilianId "
                                                             "or licenseNumber."]})
        call = services.call_attach_civilian(call=call, civilian=matches[0], by=request.user)
        return Response(self.call_data(call))

    @extend_schema(responses=s.CallSchema)
    def attach_vehicle(self, request, pk):
        call = self.get_call()
        data = self.valid(s.AttachVehicleSerializer)
        if data.get("vehicle_id"):
            vehicle = (Vehicle.objects.for_community(request.community)
                       .filter(pk=data["vehicle_id"], archived_at__isnull=True).first())
        else:
            vehicle = vehicle_for_plate(request.community, data["plate"])
        if vehicle is None:
            raise exceptions.NotFound("Vehicle not found.")
        return Response(self.call_data(services.call_attach_vehicle(call=call, vehicle=vehicle, by=request.user)))

    @extend_schema(responses={201: s.NoteAddedSchema})
    def add_note(self, request, pk):
        call = self.get_call()
        data = self.valid(s.NoteSerializer)
        note = services.call_add_note(call=call, text=data["text"], label=data.get("label", ""), by_user=request.user)
        return Response({"success": True, "note": s.note_data(note), "call": self.call_data(call)},
                        status=status.HTTP_201_CREATED)

    @extend_schema(responses=s.CallSchema)
    def assign_unit(self, request, pk):
        from dispatch.selectors import units_by_ids_or_names

        call = self.get_call()
        data = self.valid(s.AssignUnitSerializer)
        unit_id, unit_name = data.get("unit_id") or "", (data.get("unit_name") or "").strip()
        if data["action"] == "add":
            units = units_by_ids_or_names(request.community, ids=[unit_id]) if unit_id else []
            units = units or units_by_ids_or_names(request.community, names=[unit_name])
            if not units:
                raise exceptions.ValidationError({"unit_id": ["No on-duty unit with that ID or name."]})
            call = services.call_assign_unit(call=call, unit=units[0], by=request.user)
        else:
            on_call = [a.unit for a in call.assignments.all()]
            unit = next((u for u in on_call if unit_id and unit_id in (str(u.pk), u.external_id)), None) or next(
                (u for u in on_call if unit_name and u.name.lower() == unit_name.lower()), None)
            if unit is None:
                raise exceptions.ValidationError({"unit_id": ["That unit is not assigned to this call."]})
            call = services.call_remove_unit(call=call, unit=unit, by=request.user)
        return Response(self.call_data(call))


class Dispatch911ViewSet(_CallViews):
    """000 §2's 911 board: list, map markers, assign by unit IDs or names, close."""

    action_roles = {"assign": Role.DISPATCHER, "close": Role.DISPATCHER}
    body_serializers = {"assign": s.AssignUnitsSerializer, "close": s.CloseSerializer}

    @extend_schema(responses=s.CallSchema(many=True))
    def list(self, request):
        return paginated(self, request, selectors.active_911_calls_queryset(request.community), self.calls_data)

    @extend_schema(responses=s.MarkerSchema(many=True), parameters=page_parameters())
    def markers(self, request):
        return paginated(self, request, selectors.active_911_calls_queryset(request.community),
                         lambda page: [s.marker(c) for c in page])

    @extend_schema(responses=s.CallSchema)
    def assign(self, request, call_id):
        from dispatch.selectors import units_by_ids_or_names

        call = self.get_call("call_id")
        data = self.valid(s.AssignUnitsSerializer)
        ids, names = data.get("unit_ids") or [], data.get("unit_names") or []
        units = units_by_ids_or_names(request.community, ids=ids, names=names)
        known = {str(u.pk) for u in units} | {u.external_id for u in units} | {u.name.lower() for u in units}
        missing = [i for i in ids if i not in known] + [n for n in names if n.strip().lower() not in known]
        if missing:
            raise exceptions.ValidationError({"unit_ids": [f"No on-duty unit for: {', '.join(missing)}."]})
        return Response(self.call_data(services.call_assign_units(call=call, units=units, by=request.user)))

    @extend_schema(responses=s.CallSchema)
    def close(self, request, call_id):
        call = self.get_call("call_id")
        data = self.valid(s.CloseSerializer)
        call = services.call_close(call=call, by=request.user, disposition=data.get("disposition", ""),
                                   notes=data.get("notes", ""))
        return Response(self.call_data(call))


class Calls911ViewSet(_CallViews):
    """001's /api/911-calls. Anyone may call 911, and a call made here is a 911 call (origin CALLER) unless
    the body names another origin. With the community's `call911Approval` on, calls of callers below
    dispatcher wait in `?approval=pending` until a dispatcher approves or declines them;
    `is-from-dispatch: true` from a dispatcher (or a token) only skips that queue, as in 001. SnailyCAD's
    scripts send that header on every request, whoever the player is: from anyone else it is ignored."""

    action_roles = {"create": Role.CIVILIAN, "update": Role.DISPATCHER, "end": Role.DISPATCHER,
                    "approve": Role.DISPATCHER, "decline": Role.DISPATCHER}
    body_serializers = {"create": s.Call911WriteSerializer, "update": s.Call911WriteSerializer,
                        "decline": s.DeclineSerializer}
    dispatcher_fields = ("origin", "status", "priority", "department", "division", "metadata")
    # 001's page: `{totalCount, calls}`, `skip`/`take` (cad.core.api.pagination).
    page_wrapper = "calls"
    page_size = 25
    max_page_size = MAX_TAKE

    @extend_schema(responses=s.CallPageSchema)
    def list(self, request):
        awaiting = request.query_params.get("approval") == CallApproval.PENDING
        if awaiting and not Role(request.role).at_least(Role.DISPATCHER):
            raise exceptions.PermissionDenied("Only dispatchers see the 911 approval queue.")
        queryset = selectors.call_queryset(request.community, include_unapproved=awaiting)
        filterset = CallFilterSet(request.query_params, queryset=queryset, request=request)
        if not filterset.is_valid():
            raise exceptions.ValidationError(filterset.errors)
        return paginated(self, request, filterset.qs, self.calls_data)

    @extend_schema(responses={201: s.Created911CallSerializer})
    def create(self, request):
        dispatcher = Role(request.role).at_least(Role.DISPATCHER)
        from_dispatch = dispatcher and request.headers.get("is-from-dispatch", "").strip().lower() == "true"
        data = self.valid(s.Call911WriteSerializer)
        if not dispatcher:
            for name in self.dispatcher_fields:  # a member of the public reports; dispatch decides the rest
                data.pop(name, None)
        data.setdefault("origin", CallOrigin.CALLER)
        waits = services.call911_needs_approval(community=request.community, role=request.role,
                                                from_dispatch=from_dispatch)
        call = services.call_create(community=request.community, by_user=request.user, awaiting_approval=waits,
                                    data=CallInput(**data))
        # SnailyCAD's scripts read `id` (and `caseNumber`) at the top level of the answer.
        return Response(created_911_call(call), status=status.HTTP_201_CREATED)

    @extend_schema(responses=s.CallSchema)
    def retrieve(self, request, pk):
        dispatcher = Role(request.role).at_least(Role.DISPATCHER)
        return Response(s.CallSerializer(self.get_call(include_unapproved=dispatcher)).data)

    @extend_schema(responses=s.CallSchema)
    def approve(self, request, pk):
        call = services.call_approve(call=self.get_call(include_unapproved=True), by=request.user)
        return Response(self.call_data(call))

    @extend_schema(responses=s.CallSchema)
    def decline(self, request, pk):
        call = self.get_call(include_unapproved=True)
        data = self.valid(s.DeclineSerializer)
        return Response(self.call_data(services.call_decline(call=call, by=request.user,
                                                             reason=data.get("reason", ""))))

    @extend_schema(responses=s.CallSchema)
    def update(self, request, pk):
        call = self.get_call()
        data = self.valid(s.Call911WriteSerializer, partial=True)
        return Response(self.call_data(services.call_update(call=call, by=request.user, **data)))

    @extend_schema(responses=s.CallSchema)
    def end(self, request, pk):
        return Response(self.call_data(services.call_close(call=self.get_call(), by=request.user)))


class CdeFivem911View(CommunityAPIView):
    """CDE CAD's FiveM 911 scripts: `POST /api/fivem/911` and `/api/civilian/fivem-911-call` (x-api-key, or a
    member's session/JWT). A caller's 911 call, on the 911 board at once unless the community's approval
    queue holds callers below dispatcher. The answer carries `_id` at the top, which the script logs."""

    minimum_role = Role.CIVILIAN

    @extend_schema(request=s.CdeFivem911Serializer, responses={201: s.Created911CallSerializer})
    def post(self, request):
        serializer = s.CdeFivem911Serializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        dispatcher = Role(request.role).at_least(Role.DISPATCHER)
        if not dispatcher:
            for name in Calls911ViewSet.dispatcher_fields:
                data.pop(name, None)
        data.setdefault("origin", CallOrigin.CALLER)
        waits = services.call911_needs_approval(community=request.community, role=request.role, from_dispatch=False)
        call = services.call_create(community=request.community, by_user=request.user, awaiting_approval=waits,
                                    data=CallInput(**data))
        return Response(created_911_call(call), status=status.HTTP_201_CREATED)


class CdePanicView(CommunityAPIView):
    """CDE CAD's FiveM panic script: `POST /api/fivem/panic` (x-api-key). The officer is found by
    `characterId`, `unitId` or `unitName`/`callsign` among on-duty units; a panic from a player the CAD
    does not know still raises the alert under the `callerName` the script sent."""

    minimum_role = Role.OFFICER

    @extend_schema(request=s.CdePanicSerializer, responses={201: s.PanicCreatedSerializer})
    def post(self, request):
        from characters.models import Character as _Character
        from dispatch.selectors import units_by_ids_or_names

        serializer = s.CdePanicSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        character = unit = None
        if data.get("character_id"):
            character = (_Character.objects.for_community(request.community)
                         .filter(pk=data["character_id"], archived_at__isnull=True).first())
            if character is None:
                raise exceptions.ValidationError({"character_id": ["No such character in this community."]})
        elif data.get("unit_id") or data.get("unit_name") or data.get("callsign"):
            found = units_by_ids_or_names(request.community, ids=[data.get("unit_id")],
                                          names=[data.get("unit_name"), data.get("callsign")])
            unit = found[0] if found else None
        coords = data.get("coordinates")
        call = services.panic_trigger(
            community=request.community, character=character, unit=unit,
            name=data.get("caller_name") or data.get("officer_name") or data.get("unit_name") or data.get("callsign")
            or "", location=data.get("location", ""), postal=data.get("postal", ""),
            coords={k: v for k, v in coords.items() if k in ("x", "y", "z")} if coords else None, source="api",
        )
        return Response({"success": True, "_id": str(call.pk), "id": str(call.pk), "call_id": str(call.pk),
                         "call_number": call.number}, status=status.HTTP_201_CREATED)


def created_911_call(call) -> dict:
    """What a 911 script reads back: `_id` (CDE), `id` and `caseNumber` (SnailyCAD), and the whole call."""
    fresh = selectors.call_by_id_or_number(call.community, call.pk, include_archived=True, include_unapproved=True)
    return {"success": True, "_id": str(call.pk), "id": str(call.pk), "case_number": call.number,
            "call_number": call.number, "call": s.CallSerializer(fresh).data}
