"""One access rule (cad.core.access) for every transport: REST, sockets, SSE, media and services."""

from __future__ import annotations

import pytest

from cad.core import access, services
from cad.core.access import TOKEN_ROLE, ServicePrincipal
from cad.core.choices import Role
from cad.core.models import ApiToken
from cad.realtime.auth import roles_now, user_principal


@pytest.fixture
def token(community, api_token):
    return ApiToken.objects.get(community=community)


def test_role_in_members_tokens_and_nobody(community, other_community, officer, outsider, token):
    assert access.role_in(officer, community) == Role.OFFICER
    assert access.role_in(officer, str(community.pk)) == Role.OFFICER
    assert access.role_in(officer, other_community) is None
    assert access.role_in(outsider, community) is None and access.role_in(outsider, other_community) == Role.ADMIN
    assert access.role_in(token, community) == TOKEN_ROLE == access.role_in(ServicePrincipal(token), community.pk)
    assert access.role_in(token, other_community) is None
    assert access.role_in(None, community) is None
    assert access.role_in(officer, "not-a-uuid") is None
    officer.is_active = False
    assert access.role_in(officer, community) is None


def test_the_superuser_is_an_admin_of_every_existing_community(superuser, community, other_community):
    assert access.role_in(superuser, community) == Role.ADMIN
    assert access.role_in(superuser, str(other_community.pk)) == Role.ADMIN
    assert access.role_in(superuser, "00000000-0000-0000-0000-000000000000") is None
    # a superuser who is also a plain member is still an admin: the deployment's owner outranks a membership
    services.membership_set(community=community, user=superuser, role=Role.OFFICER)
    assert access.role_in(superuser, community) == Role.ADMIN


def test_the_superuser_gets_the_same_answer_over_rest_and_sockets(as_, superuser, community):
    # REST: an admin-only endpoint of a community they are not a member of
    r = as_(superuser).get(f"/api/tokens?communityId={community.pk}")
    assert r.status_code == 200, r.content
    # sockets: the batch rule every socket transport asks before joining a room and on revalidation
    # (a real /ws join is in cad/realtime/tests/test_superuser.py)
    principal = user_principal(superuser)
    valid, roles = roles_now([(principal, str(community.pk))])
    assert principal in valid and roles[(principal, str(community.pk))] == Role.ADMIN


def test_people_and_names(officer, token):
    officer.first_name, officer.last_name = "Olive", "Officer"
    assert access.person(officer) is officer
    assert access.person(ServicePrincipal(token)) is None and access.person(None) is None
    assert access.is_token(token) and access.is_token(ServicePrincipal(token)) and not access.is_token(officer)
    assert access.display_name(officer) == "Olive Officer" and access.handle(officer) == "officer_a"
    assert access.display_name(ServicePrincipal(token)) == "test server"
    assert access.handle(ServicePrincipal(token)) == "api-token:test server"
    assert access.display_name(None) == "" and access.handle(None) == "system"
