"""/api/reports, /api/arrests, /api/citations, /api/warrants (officers write, supervisors review,
civilians 403) and 000 §5 /api/suspects. Views validate, call a service, serialize."""

from __future__ import annotations

from rest_framework import status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from cad.core.api.views import UUID_PATTERN, CommunityGenericViewSet, mixins
from cad.core.choices import Role

from .. import selectors, services
from ..choices import ReportKind
from ..filtersets import (
    ArrestFilterSet,
    CitationFilterSet,
    ReportFilterSet,
    SuspectFilterSet,
    WarrantFilterSet,
)
from ..models import Arrest, Citation, Report, Suspect, Warrant
from . import serializers as s


class _RecordViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                     mixins.DestroyModelMixin, CommunityGenericViewSet):
    """List / retrieve / create; DELETE archives (supervisors and above). Creates answer
    201 {"success": true, "<resource>": {...}}."""

    minimum_role = Role.OFFICER
    action_roles = {"destroy": Role.SUPERVISOR}
    lookup_value_regex = UUID_PATTERN
    resource = ""
    model = None
    selector = None
    service = None

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no request community
            return self.model.objects.all_communities().none()
        return type(self).selector(self.request.community)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        row = self.perform_service(serializer.validated_data)
        return Response({"success": True, self.resource: self.get_serializer(row).data}, status=status.HTTP_201_CREATED)

    def perform_service(self, data):
        raise NotImplementedError

    def _by(self):
        return self.request.user if getattr(self.request.user, "pk", None) else None

    def perform_destroy(self, instance):
        services.record_archive(row=instance, by=self._by())


class ReportViewSet(_RecordViewSet):
    """Reports and the supervisor review queue (`?status=pending`, `POST /api/reports/:id/approve|reject`)."""

    serializer_class = s.ReportSerializer
    filterset_class = ReportFilterSet
    action_roles = {"destroy": Role.SUPERVISOR, "approve": Role.SUPERVISOR, "reject": Role.SUPERVISOR}
    resource = "report"
    model = Report
    selector = staticmethod(selectors.reports)

    def perform_service(self, data):
        return services.report_create(community=self.request.community, created_by=self._by(), **data)

    def _review(self, request, approve: bool):
        report = self.get_object()
        serializer = s.ReviewSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        report = services.report_review(report=report, approve=approve, by=self._by(),
                                        note=serializer.validated_data["note"])
        return Response({"success": True, "report": self.get_serializer(selectors.reports(
            request.community).get(pk=report.pk)).data})

    @action(detail=False, methods=["get"])
    def types(self, request):
        """GET /api/reports/types?authorId=: the report types this author's department may file."""
        author_id = request.query_params.get("authorId") or request.query_params.get("author_id")
        params = s.ReportTypesQuerySerializer(data={"author_id": author_id}, context=self.get_serializer_context())
        params.is_valid(raise_exception=True)
        author = params.validated_data["author"]
        codes = selectors.report_types_for(request.community, author)
        return Response([{"code": code, "name": ReportKind(code).label} for code in codes])

    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        return self._review(request, True)

    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        return self._review(request, False)


class ArrestViewSet(_RecordViewSet):
    """Arrests; `POST /api/arrests/:id/photos` (multipart `photo`) attaches a validated image."""

    serializer_class = s.ArrestSerializer
    filterset_class = ArrestFilterSet
    resource = "arrest"
    model = Arrest
    selector = staticmethod(selectors.arrests)

    def perform_service(self, data):
        return services.arrest_create(community=self.request.community, created_by=self._by(),
                                      character=data["character"], arrested_by=data["arrested_by"],
                                      charges=data["charges"], jail_time_min=data.get("jail_time_min"),
                                      fine_amount=data.get("fine_amount"), report=data.get("report"))

    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser, FormParser])
    def photos(self, request, pk=None):
        arrest = self.get_object()
        serializer = s.ArrestPhotoUploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        photo = services.arrest_photo_add(arrest=arrest, upload=serializer.validated_data["photo"], by=self._by())
        return Response({"success": True, "photo": s.ArrestPhotoSerializer(photo).data},
                        status=status.HTTP_201_CREATED)


class CitationViewSet(mixins.UpdateModelMixin, _RecordViewSet):
    """Citations; PATCH/PUT {paid} marks one paid or unpaid."""

    serializer_class = s.CitationSerializer
    filterset_class = CitationFilterSet
    resource = "citation"
    model = Citation
    selector = staticmethod(selectors.citations)
    http_method_names = ["get", "post", "put", "patch", "delete", "head", "options"]

    def perform_service(self, data):
        return services.citation_create(community=self.request.community, created_by=self._by(),
                                        character=data["character"], issued_by=data["issued_by"],
                                        violation=data["violation"], fine_amount=data["fine_amount"],
                                        paid=data["paid"], points=data["points"])

    def update(self, request, *args, **kwargs):
        citation = self.get_object()
        serializer = s.CitationUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        citation = services.citation_set_paid(citation=citation, paid=serializer.validated_data["paid"],
                                              by=self._by())
        return Response(self.get_serializer(citation).data)


class WarrantViewSet(mixins.UpdateModelMixin, _RecordViewSet):
    """Warrants; PATCH/PUT {title, description, status} (active → served | recalled, recalled → active)."""

    serializer_class = s.WarrantSerializer
    filterset_class = WarrantFilterSet
    resource = "warrant"
    model = Warrant
    selector = staticmethod(selectors.warrants)

    def perform_service(self, data):
        data.pop("status", None)
        return services.warrant_create(community=self.request.community, created_by=self._by(),
                                       character=data["character"], title=data["title"],
                                       description=data.get("description", ""), issued_by=data.get("issued_by"))

    def update(self, request, *args, **kwargs):
        warrant = self.get_object()
        serializer = s.WarrantUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        warrant = services.warrant_update(warrant=warrant, by=self._by(), **serializer.validated_data)
        return Response(self.get_serializer(selectors.warrants(request.community).get(pk=warrant.pk)).data)


class SuspectViewSet(mixins.UpdateModelMixin, _RecordViewSet):
    """000 §5: POST/GET /api/suspects, GET/PUT /api/suspects/:id (PUT changes only the given fields, and so
    does PATCH, which the router serves like every other record's)."""

    serializer_class = s.SuspectSerializer
    filterset_class = SuspectFilterSet
    resource = "suspect"
    model = Suspect
    selector = staticmethod(selectors.suspects)

    def perform_service(self, data):
        return services.suspect_create(community=self.request.community, created_by=self._by(), **data)

    def update(self, request, *args, **kwargs):
        suspect = self.get_object()
        serializer = self.get_serializer(suspect, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        suspect = services.suspect_update(suspect=suspect, by=self._by(), **serializer.validated_data)
        return Response(self.get_serializer(selectors.suspects(request.community).get(pk=suspect.pk)).data)
