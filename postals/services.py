"""State changes of postals: a community's postal table (replace, archive)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from cad.core.access import person
from cad.core.models import Community
from cad.events import publish

from . import selectors
from .models import PostalTable


def _payload(community: Community, table: PostalTable | None) -> dict:
    return {"communityId": str(community.pk), "size": table.size if table else 0,
            "revision": str(table.revision) if table else None, "updatedAt": timezone.now()}


def _forget_now_and_on_commit(community_id) -> None:
    # Now, so this thread sees its own change; after commit, so no index rebuilt meanwhile from the old
    # table survives.
    selectors.forget_postal_index(community_id)
    transaction.on_commit(lambda: selectors.forget_postal_index(community_id))


def postal_table_replace(*, community: Community, entries: list[dict], name: str = "", by=None) -> PostalTable:
    """Make `entries` (clean, see `postals.file_format.parse_postal_table`) the community's postal table;
    the previous table is archived. Every process rebuilds its index on its next revision check."""
    with transaction.atomic():
        now = timezone.now()
        (PostalTable.objects.for_community(community).select_for_update()
         .live().update(archived_at=now))
        table = PostalTable.objects.create(community=community, entries=entries, size=len(entries),
                                           name=name[:120], uploaded_by=person(by))
        publish(community.pk, "postal-table-updated", _payload(community, table))
        _forget_now_and_on_commit(community.pk)
    return table


def postal_table_archive(*, community: Community, by=None) -> PostalTable | None:
    """Stop filling postals (the table is kept, archived). Returns the archived table, or None."""
    with transaction.atomic():
        table = (PostalTable.objects.for_community(community).select_for_update()
                 .live().first())
        if table is None:
            return None
        table.archived_at = timezone.now()
        table.save(update_fields=["archived_at"])
        publish(community.pk, "postal-table-updated", _payload(community, None))
        _forget_now_and_on_commit(community.pk)
    return table
