"""BOLO endpoints of 000 (`active`, `search`, create/update/deactivate/viewed), 001 (list, typed create,
mark stolen) and 004 (`POST /fivem/bolos`). Thin: serializers validate, services change state."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response

from bolos import selectors, services
from bolos.filtersets import BoloFilterSet
from bolos.models import Bolo
from cad.core.api.pagination import page_parameters, paginated
from cad.core.api.views import UUID_PATTERN, CommunityAPIView, CommunityGenericViewSet, FivemMixin
from cad.core.choices import Role
from characters.models import Vehicle
from characters.services import vehicle_mark_stolen

from .serializers import (
    DIALECT_CDE,
    DIALECT_FIVEM,
    DIALECT_SNAILY,
    BoloInputSerializer,
    BoloPageSchema,
    BoloSerializer,
    FivemBoloInputSerializer,
    MarkStolenSerializer,
    wants_upper_case,
)

PAGE_SIZE = 35  # 001's page
SEARCH_LIMIT = 100
MANAGE_ACTIONS = ("create", "update", "partial_update", "destroy")


class BoloViewSet(CommunityGenericViewSet):
    queryset = Bolo.objects.all_communities()
    serializer_class = BoloSerializer
    filterset_class = BoloFilterSet
    lookup_value_regex = UUID_PATTERN
    http_method_names = ["get", "post", "put", "patch", "delete", "head", "options"]

    def required_role(self) -> Role:
        if self.action in MANAGE_ACTIONS:
            return services.bolo_create_role(self.request.community)
        return super().required_role()  # officer: every member with LEO access, and API tokens

    def get_object(self) -> Bolo:
        bolo = self.get_queryset().filter(pk=self.kwargs["pk"]).first()
        if bolo is None:
            raise NotFound("Not found.")
        return bolo

    def _out(self, bolo_or_rows, *, dialect: str = DIALECT_CDE, many: bool = False):
        return BoloSerializer(bolo_or_rows, many=many, context={**self.get_serializer_context(),
                                                               "dialect": dialect}).data

    def _input(self, **kwargs) -> BoloInputSerializer:
        serializer = BoloInputSerializer(context=self.get_serializer_context(), **kwargs)
        serializer.is_valid(raise_exception=True)
        return serializer

    @property
    def page_wrapper(self):
        """001's list is `{bolos, totalCount}`; 000's lists are plain arrays (cad.core.api.pagination)."""
        return "bolos" if self.action == "list" else None

    @property
    def page_size(self):
        return PAGE_SIZE if self.action == "list" else None

    # 001: GET /api/bolos?skip=&includeAll=&query=&type= → {bolos, totalCount}
    @extend_schema(responses=BoloPageSchema)
    def list(self, request):
        rows = self.filter_queryset(self.get_queryset()).order_by("-created_at", "-id")
        return paginated(self, request, rows.prefetch_related("viewed_by"),
                         lambda page: self._out(page, dialect=DIALECT_SNAILY, many=True))

    # 000: GET /api/bolos/active
    @extend_schema(responses=BoloSerializer(many=True), parameters=page_parameters())
    @action(detail=False, methods=["get"])
    def active(self, request):
        rows = selectors.active_bolos(request.community).prefetch_related("viewed_by")
        return paginated(self, request, rows, lambda page: self._out(page, many=True))

    # 000: GET /api/bolos/search?query=
    @action(detail=False, methods=["get"])
    def search(self, request):
        query = (request.query_params.get("query") or "").strip()
        if not query:
            raise ValidationError({"query": ["This field is required."]})
        if len(query) > 200:
            raise ValidationError({"query": ["Ensure this field has no more than 200 characters."]})
        rows = selectors.bolo_search(request.community, query=query).prefetch_related("viewed_by")
        return Response(self._out(rows.order_by("-is_active", "-created_at", "-id")[:SEARCH_LIMIT], many=True))

    def retrieve(self, request, pk=None):
        return Response(self._out(self.get_object()))

    # POST /api/bolos in 000's shape or 001's (`type`, `description`, `plate`, `model`, `color`, `name`)
    def create(self, request):
        data = self._input(data=request.data).validated_data
        bolo = services.bolo_create(community=request.community, role=request.role, by_user=request.user, **data)
        dialect = DIALECT_SNAILY if wants_upper_case(request) else DIALECT_CDE
        return Response({"success": True, "bolo": self._out(bolo, dialect=dialect)}, status=status.HTTP_201_CREATED)

    # PUT /api/bolos/:id (partial: only the fields sent change)
    def update(self, request, pk=None, partial=True):
        bolo = self.get_object()
        data = self._input(instance=bolo, data=request.data, partial=True).validated_data
        bolo = services.bolo_update(bolo=bolo, role=request.role, by=request.user, **data)
        dialect = DIALECT_SNAILY if wants_upper_case(request) else DIALECT_CDE
        return Response({"success": True, "bolo": self._out(bolo, dialect=dialect)})

    def partial_update(self, request, pk=None):
        return self.update(request, pk=pk)

    # DELETE /api/bolos/:id: deactivate; the row stays
    def destroy(self, request, pk=None):
        bolo = services.bolo_deactivate(bolo=self.get_object(), by=request.user, role=request.role)
        return Response({"success": True, "bolo": self._out(bolo)})

    # POST /api/bolos/:id/viewed
    @action(detail=True, methods=["post"])
    def viewed(self, request, pk=None):
        bolo = services.bolo_mark_viewed(bolo=self.get_object(), user=request.user)
        return Response({"success": True, "bolo": self._out(bolo)})

    # 001: POST /api/bolos/mark-stolen/:vehicleId {value, color, plate}
    @action(detail=False, methods=["post"], url_path=f"mark-stolen/(?P<vehicle_id>{UUID_PATTERN})")
    def mark_stolen(self, request, vehicle_id=None):
        vehicle = (Vehicle.objects.for_community(request.community)
                   .filter(pk=vehicle_id, archived_at__isnull=True).first())
        if vehicle is None:
            raise NotFound("Not found.")
        body = MarkStolenSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        stolen = body.validated_data["value"]
        mark = vehicle_mark_stolen(
            vehicle=vehicle, stolen=stolen, by=request.user, role=request.role,
            color=body.validated_data.get("color"), plate=body.validated_data.get("plate"),
        )
        vehicle, bolo = mark.vehicle, mark.effects.get("bolo")
        return Response({
            "success": True,
            "vehicle": {"id": str(vehicle.pk), "plate": vehicle.plate, "is_stolen": vehicle.is_stolen},
            "bolo": None if bolo is None else self._out(bolo, dialect=DIALECT_SNAILY),
        })


class FivemBoloCreateView(FivemMixin, CommunityAPIView):
    """004: POST /fivem/bolos {description, type, plate, created_by} → the full BOLO row (snake_case)."""

    def required_role(self) -> Role:
        return services.bolo_create_role(self.request.community)

    serializer_class = FivemBoloInputSerializer

    # 004 writes the row in its own snake_case shape (DIALECT_FIVEM), not BoloSerializer's /api one.
    @extend_schema(request=FivemBoloInputSerializer, responses={201: OpenApiTypes.OBJECT})
    def post(self, request):
        body = FivemBoloInputSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        data = body.validated_data
        bolo = services.bolo_create(
            community=request.community, role=request.role, by_user=request.user,
            by_character=data.get("created_by"), type=data["type"], description=data["description"],
            vehicle_plate=data.get("plate") or "",
        )
        out = BoloSerializer(bolo, context={**self.get_serializer_context(), "dialect": DIALECT_FIVEM}).data
        return Response(out, status=status.HTTP_201_CREATED)
