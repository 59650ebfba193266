"""Fail-closed community scoping, written once.

Every community-owned model inherits `CommunityOwned`. Its default manager refuses to run a query that
has not been narrowed to one community: `Call.objects.filter(status="pending")` raises
`UnscopedQueryError` when evaluated, while `Call.objects.for_community(c)` (or any filter on
`community`/`community_id`, or a related manager such as `call.notes`) runs. Cross-community work
(Celery sweeps, superuser admin) says so explicitly with `.all_communities()`.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.db import models


class UnscopedQueryError(RuntimeError):
    pass


class CommunityQuerySet(models.QuerySet):
    _scoped = False

    def _clone(self):
        clone = super()._clone()
        clone._scoped = self._scoped
        return clone

    def for_community(self, community: Any) -> CommunityQuerySet:
        if community is None:
            raise UnscopedQueryError(f"{self.model.__name__}: for_community(None)")
        qs = self.filter(community_id=getattr(community, "pk", community))
        return qs

    def live(self) -> CommunityQuerySet:
        """The rows nobody archived (models built on `Archivable`)."""
        return self.filter(archived_at__isnull=True)

    def all_communities(self) -> CommunityQuerySet:
        """Explicitly cross-community: system jobs and superuser admin only."""
        clone = self._chain()
        clone._scoped = True
        return clone

    def _filter_or_exclude(self, negate, args, kwargs):
        clone = super()._filter_or_exclude(negate, args, kwargs)
        if not negate and any(k == "community" or k.startswith("community_") or k.startswith("community__")
                              for k in kwargs):
            clone._scoped = True
        return clone

    def _check_scoped(self) -> None:
        # Related managers (call.notes, prefetches) carry the parent instance as a hint: they are
        # already narrowed through a row that is itself community-scoped.
        if self._scoped or "instance" in self._hints:
            return
        raise UnscopedQueryError(
            f"Query on {self.model.__name__} without a community; use .for_community(c) "
            "or .all_communities() for deliberate cross-community work."
        )

    def _fetch_all(self):
        if self._result_cache is None:
            self._check_scoped()
        super()._fetch_all()

    def iterator(self, *args, **kwargs):
        self._check_scoped()
        return super().iterator(*args, **kwargs)

    def count(self):
        self._check_scoped()
        return super().count()

    def exists(self):
        self._check_scoped()
        return super().exists()

    def aggregate(self, *args, **kwargs):
        self._check_scoped()
        return super().aggregate(*args, **kwargs)

    def update(self, **kwargs):
        self._check_scoped()
        return super().update(**kwargs)

    def delete(self):
        self._check_scoped()
        return super().delete()

    async def acount(self):
        self._check_scoped()
        return await super().acount()

    async def aexists(self):
        self._check_scoped()
        return await super().aexists()


class CommunityManager(models.Manager.from_queryset(CommunityQuerySet)):
    pass


class CommunityOwned(models.Model):
    """Abstract base of every row that belongs to a community."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    community = models.ForeignKey("core.Community", on_delete=models.CASCADE, related_name="+")

    objects = CommunityManager()
    # Forward FK access and deletion cascades go through this plain base manager.
    _plain = models.Manager()  # noqa: DJ012

    class Meta:
        abstract = True
        base_manager_name = "_plain"


class Archivable(models.Model):
    """A row that is archived, never deleted, unless a user asked for a permanent deletion: `archived_at`
    is when. Lists read `.live()`; archiving is the app's service (it publishes the change)."""

    archived_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None


class Timestamped(models.Model):
    """A row that says when it was made and last saved. Services that save with `update_fields` name
    `updated_at` too (`auto_now` only fills the fields being saved)."""

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True
