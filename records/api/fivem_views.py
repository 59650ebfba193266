"""004: POST /fivem/reports, /fivem/reports/arrests, /fivem/reports/citations. The game server's token
acts as a supervisor, so any officer character of the community may be named as the author."""

from __future__ import annotations

from rest_framework import status
from rest_framework.response import Response

from cad.core.api.views import CommunityAPIView, FivemMixin
from cad.core.choices import Role

from .. import services
from . import serializers as s


class _FivemRecordView(FivemMixin, CommunityAPIView):
    minimum_role = Role.OFFICER
    serializer_class = None

    def post(self, request):
        serializer = self.serializer_class(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        user = request.user if getattr(request.user, "pk", None) else None
        row = self.perform(serializer.validated_data, user)
        return Response(self.answer(row, serializer), status=status.HTTP_201_CREATED)

    def answer(self, row, serializer) -> dict:
        return {**type(serializer)(row, context=self.get_serializer_context()).data, "message": self.message}


class FivemReportView(_FivemRecordView):
    serializer_class = s.ReportSerializer

    def perform(self, data, user):
        return services.report_create(community=self.request.community, created_by=user, **data)

    def answer(self, row, serializer) -> dict:
        return {"id": str(row.pk), "report_number": row.number, "status": row.status, "message": "Report submitted"}


class FivemArrestView(_FivemRecordView):
    serializer_class = s.ArrestSerializer
    message = "Arrest recorded"

    def perform(self, data, user):
        return services.arrest_create(community=self.request.community, created_by=user,
                                      character=data["character"], arrested_by=data["arrested_by"],
                                      charges=data["charges"], jail_time_min=data.get("jail_time_min"),
                                      fine_amount=data.get("fine_amount"), report=data.get("report"))


class FivemCitationView(_FivemRecordView):
    serializer_class = s.CitationSerializer
    message = "Citation issued"

    def perform(self, data, user):
        return services.citation_create(community=self.request.community, created_by=user,
                                        character=data["character"], issued_by=data["issued_by"],
                                        violation=data["violation"], fine_amount=data["fine_amount"],
                                        paid=data["paid"], points=data["points"])
