"""Every list is bounded (issue 9): the records lists page with `limit`/`offset` (or 001's `take`/`skip`),
with a default and a maximum page size (cad.core.api.pagination)."""

from __future__ import annotations

import pytest

from records import services
from records.models import Warrant


@pytest.fixture
def warrants(community, subject, officer_char):
    return [services.warrant_create(community=community, character=subject, title=f"FTA {i}", issued_by=officer_char)
            for i in range(5)]


def test_warrants_limit_returns_a_page(as_, officer, warrants, other_subject, other_community):
    services.warrant_create(community=other_community, character=other_subject, title="Elsewhere")
    client = as_(officer)
    response = client.get("/api/warrants?limit=2")
    assert response.status_code == 200
    first = response.json()
    assert len(first) == 2 and response["X-Total-Count"] == "5"
    assert 'rel="next"' in response["Link"]
    second = client.get("/api/warrants?limit=2&offset=2").json()
    last = client.get("/api/warrants?take=2&skip=4").json()  # SnailyCAD's names
    ids = [w["_id"] for w in first + second + last]
    assert len(ids) == len(set(ids)) == 5
    assert {w["_id"] for w in client.get("/api/warrants").json()} == set(ids)  # no other community's row


def test_default_and_maximum_page_size(as_, officer, warrants, settings):
    settings.API_PAGE_SIZE, settings.API_MAX_PAGE_SIZE = 3, 4
    client = as_(officer)
    assert len(client.get("/api/warrants").json()) == 3
    assert len(client.get("/api/warrants?limit=4").json()) == 4
    for query in ("limit=5", "limit=0", "limit=two", "offset=-1", "skip=1e3", "limit=%EF%BC%92", "offset=99999999999999999999"):
        response = client.get(f"/api/warrants?{query}")
        assert response.status_code == 400, query
        assert response.json()["fields"], query
    assert Warrant.objects.for_community(warrants[0].community).count() == 5


@pytest.mark.parametrize("path", ["/api/reports", "/api/arrests", "/api/citations", "/api/suspects"])
def test_every_records_list_is_paged(as_, supervisor, path, settings):
    settings.API_PAGE_SIZE = 1
    response = as_(supervisor).get(path)
    assert response.status_code == 200 and "X-Total-Count" in response
    assert as_(supervisor).get(f"{path}?limit=999999").status_code == 400
