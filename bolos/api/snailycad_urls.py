"""001's BOLO routes (typed BOLOs, mark stolen) for SnailyCAD scripts whose base URL ends in /v1: the same
viewset as /api/bolos."""

from .urls import urlpatterns  # noqa: F401
