import pytest

from cad.core.tenancy import UnscopedQueryError
from calls.models import Call


def test_unscoped_query_fails_closed(community):
    with pytest.raises(UnscopedQueryError):
        list(Call.objects.filter(status="pending"))
    assert list(Call.objects.for_community(community)) == []
    assert Call.objects.filter(community=community).count() == 0
    assert Call.objects.all_communities().count() == 0


def test_communities_list_and_detail(as_, admin, outsider, community, other_community):
    r = as_(admin).get("/api/communities")
    assert r.status_code == 200, r.content
    assert [c["_id"] for c in r.json()] == [str(community.id)]
    r = as_(admin).get(f"/api/communities/{community.id}")
    assert r.status_code == 200 and r.json()["boloPermission"] == "all"
    assert as_(outsider).get(f"/api/communities/{community.id}").status_code == 404
    r = as_(admin).patch(f"/api/communities/{community.id}", {"boloPermission": "nope"}, format="json")
    assert r.status_code == 400 and "boloPermission" in r.json()["fields"], r.json()
