"""Fail-closed scoping and community resolution through every authentication method."""

import pytest
from rest_framework.test import APIClient

from cad.core import services
from cad.core.models import CallType
from cad.core.tenancy import UnscopedQueryError


def test_unscoped_queries_fail_closed(community):
    with pytest.raises(UnscopedQueryError):
        list(CallType.objects.filter(name="Robbery"))
    with pytest.raises(UnscopedQueryError):
        CallType.objects.count()
    with pytest.raises(UnscopedQueryError):
        CallType.objects.update(name="x")
    assert CallType.objects.for_community(community).filter(name="Robbery").count() == 1
    assert CallType.objects.filter(community=community).exists()
    assert CallType.objects.all_communities().filter(name="Robbery").count() == 1


def test_for_community_none_is_an_error():
    with pytest.raises(UnscopedQueryError):
        CallType.objects.for_community(None)


def test_value_lists_are_seeded_per_community(community, other_community):
    mine = CallType.objects.for_community(community)
    theirs = CallType.objects.for_community(other_community)
    assert mine.count() == theirs.count() > 0
    assert not set(mine.values_list("id", flat=True)) & set(theirs.values_list("id", flat=True))


def _jwt(username):
    client = APIClient()
    r = client.post("/api/auth/token", {"username": username, "password": f"pw-{username}"}, format="json")
    assert r.status_code == 200, r.content
    return r.json()["access"]


@pytest.fixture
def b_value(other_community):
    return CallType.objects.for_community(other_community).first()


def test_member_of_b_never_sees_a_by_session(client, outsider, community, admin):
    client.force_login(outsider)
    r = client.get(f"/api/values/call-types?communityId={community.id}")
    assert r.status_code == 403 and "error" in r.json()
    value = CallType.objects.for_community(community).first()
    r = client.get(f"/api/values/call-types/{value.id}")  # own community resolved: A's row is 404
    assert r.status_code == 404 and "name" not in r.json()


def test_member_of_b_never_sees_a_by_jwt(outsider, community):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {_jwt('outsider_b')}")
    assert client.get(f"/api/values/call-types?communityId={community.id}").status_code == 403
    assert client.get("/api/values/call-types", HTTP_X_COMMUNITY_ID=str(community.id)).status_code == 403
    value = CallType.objects.for_community(community).first()
    assert client.get(f"/api/values/call-types/{value.id}").status_code == 404


def test_token_of_b_never_sees_a(other_server, community):
    assert other_server.get(f"/api/values/call-types?communityId={community.id}").status_code == 403
    value = CallType.objects.for_community(community).first()
    r = other_server.get(f"/api/values/call-types/{value.id}")
    assert r.status_code == 404 and "name" not in r.json()


def test_community_resolution_order(as_, admin, community, other_community):
    services.membership_set(community=other_community, user=admin, role="officer")
    client = as_(admin)
    # Two memberships and nothing chosen: the caller must say which.
    r = client.get("/api/values/call-types")
    assert r.status_code == 400 and "communityId" in r.json()["fields"]
    assert client.get(f"/api/values/call-types?communityId={community.id}").status_code == 200
    assert client.get("/api/values/call-types", HTTP_X_COMMUNITY_ID=str(other_community.id)).status_code == 200
    # Picking an active community makes it the default.
    assert client.post(f"/api/communities/{other_community.id}/activate").status_code == 200
    r = client.get("/api/values/status-codes")
    assert r.status_code == 200 and r.json()[0]["communityId"] == str(other_community.id)


def test_bad_community_id_is_400(as_, admin):
    r = as_(admin).get("/api/values/call-types?communityId=not-a-uuid")
    assert r.status_code == 400 and r.json()["fields"]["communityId"]


def test_token_with_foreign_community_id_is_403(server, other_community):
    assert server.get(f"/api/values/call-types?communityId={other_community.id}").status_code == 403


def test_token_resolves_its_community(server, community):
    r = server.get("/api/values/departments")
    assert r.status_code == 200 and r.json() and all(d["communityId"] == str(community.id) for d in r.json())


@pytest.mark.parametrize("picked", ["first", "second"])
def test_the_picked_community_is_the_default_whichever_membership_came_first(as_, admin, community, other_community,
                                                                              picked):
    services.membership_set(community=other_community, user=admin, role="officer")
    chosen = community if picked == "first" else other_community
    client = as_(admin)
    assert client.post(f"/api/communities/{chosen.id}/activate").status_code == 200
    r = client.get("/api/values/status-codes")
    assert r.status_code == 200 and r.json()[0]["communityId"] == str(chosen.id)


def test_a_picked_community_one_has_left_falls_back_to_the_only_membership(as_, officer, community, other_community):
    from cad.core.models import Membership, Profile

    Profile.objects.update_or_create(user=officer, defaults={"active_community": other_community})
    assert not Membership.objects.filter(user=officer, community=other_community).exists()
    r = as_(officer).get("/api/values/status-codes")
    assert r.status_code == 200 and r.json()[0]["communityId"] == str(community.id)


def test_a_jwt_request_reads_its_user_profile_and_membership_in_two_queries(rf, admin, community, other_community,
                                                                               django_assert_num_queries):
    """Every API request signed in with a JWT resolves its user and community: the user with their profile
    (the community they picked), then the membership in it."""
    from rest_framework.request import Request
    from rest_framework_simplejwt.tokens import AccessToken

    from cad.core.api.authentication import JWTAuthentication
    from cad.core.api.views import resolve_community

    services.membership_set(community=other_community, user=admin, role="officer")
    services.active_community_set(user=admin, community=other_community)
    token = str(AccessToken.for_user(admin))
    request = Request(rf.get("/api/values/status-codes", HTTP_AUTHORIZATION=f"Bearer {token}"))
    with django_assert_num_queries(2):
        request.user, request.auth = JWTAuthentication().authenticate(request)
        resolved, role = resolve_community(request)
    assert resolved == other_community and role == "officer"


def test_a_jwt_request_follows_the_community_picked_since_the_last_one(admin, community, other_community):
    from rest_framework_simplejwt.tokens import AccessToken

    services.membership_set(community=other_community, user=admin, role="officer")
    client = APIClient(HTTP_AUTHORIZATION=f"Bearer {AccessToken.for_user(admin)}")
    for chosen in (community, other_community, community):
        assert client.post(f"/api/communities/{chosen.id}/activate").status_code == 200
        r = client.get("/api/values/status-codes")
        assert r.status_code == 200 and r.json()[0]["communityId"] == str(chosen.id)
