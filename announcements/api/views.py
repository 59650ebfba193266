"""000 §6: GET /api/announcements/active, POST /api/announcements, DELETE /api/announcements/:id."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from announcements import selectors, services
from announcements.models import Announcement
from cad.core.api.pagination import page_parameters, paginated
from cad.core.api.schema import created
from cad.core.api.views import UUID_PATTERN, CommunityGenericViewSet
from cad.core.choices import Role

from .serializers import AnnouncementInputSerializer, AnnouncementSerializer


class AnnouncementViewSet(CommunityGenericViewSet):
    queryset = Announcement.objects.all_communities()
    serializer_class = AnnouncementSerializer
    lookup_value_regex = UUID_PATTERN
    minimum_role = services.MANAGE_ROLE
    action_roles = {"active": Role.OFFICER}  # the dispatch dashboard: every member with LEO access

    def get_object(self) -> Announcement:
        announcement = self.get_queryset().filter(pk=self.kwargs["pk"]).first()
        if announcement is None:
            raise NotFound("Not found.")
        return announcement

    @extend_schema(responses=AnnouncementSerializer(many=True), parameters=page_parameters())
    @action(detail=False, methods=["get"])
    def active(self, request):
        return paginated(self, request, selectors.active_announcements(request.community),
                         lambda page: self.get_serializer(page, many=True).data)

    @extend_schema(request=AnnouncementInputSerializer, responses={201: created("announcement", AnnouncementSerializer)})
    def create(self, request):
        body = AnnouncementInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        announcement = services.announcement_create(community=request.community, by=request.user,
                                                    role=request.role, **body.validated_data)
        return Response({"success": True, "announcement": self.get_serializer(announcement).data},
                        status=status.HTTP_201_CREATED)

    def destroy(self, request, pk=None):
        services.announcement_delete(announcement=self.get_object(), by=request.user, role=request.role)
        return Response({"success": True})
