"""API base classes: authentication, community scoping, role permissions, serializers, errors.

Every app's `api/views.py` builds on `CommunityViewSet` / `CommunityAPIView`, which resolve the
request's community once (see `resolve_community`) and check the caller's role, so app views
stay a few lines long.
"""
