"""Invite services: single use, states, sign-up through an invite (all or nothing)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from accounts import services
from accounts.choices import InviteState
from accounts.models import Invite
from cad.core.choices import Role
from cad.core.errors import Conflict, Invalid
from cad.core.models import AuditEntry, Membership, hash_token

User = get_user_model()


def test_invite_link_secret_is_stored_only_as_a_hash(community, admin):
    invite, raw = services.invite_create(community=community, role=Role.DISPATCHER, by=admin, note="Sam")
    assert raw.startswith("inv_") and invite.token_hash == hash_token(raw) and raw not in str(invite.__dict__)
    assert services.invite_for_link(raw) == invite
    assert services.invite_for_link(raw + "x") is None
    assert services.invite_for_link("nonsense") is None
    assert AuditEntry.objects.for_community(community).first().action == "invite.created"


def test_accept_is_single_use(community, admin, officer, dispatcher):
    invite, raw = services.invite_create(community=community, role=Role.SUPERVISOR, by=admin)
    services.invite_accept(invite=invite, user=officer)
    assert Membership.objects.get(community=community, user=officer).role == Role.SUPERVISOR
    with pytest.raises(Conflict, match="already been used"):
        services.invite_accept(invite=invite, user=dispatcher)
    assert Membership.objects.get(community=community, user=dispatcher).role == Role.DISPATCHER
    assert services.invite_for_link(raw).state == InviteState.USED


def test_revoked_and_expired_invites_refuse(community, admin, officer):
    revoked, _ = services.invite_create(community=community, role=Role.OFFICER, by=admin)
    services.invite_revoke(invite=revoked, by=admin)
    with pytest.raises(Conflict, match="withdrawn"):
        services.invite_accept(invite=revoked, user=officer)
    expired, _ = services.invite_create(community=community, role=Role.OFFICER, by=admin)
    Invite.objects.for_community(community).filter(pk=expired.pk).update(expires_at=timezone.now() - timedelta(1))
    with pytest.raises(Conflict, match="expired"):
        services.invite_accept(invite=expired, user=officer)


def test_invite_never_demotes(community, admin, dispatcher):
    invite, _ = services.invite_create(community=community, role=Role.CIVILIAN, by=admin)
    services.invite_accept(invite=invite, user=dispatcher)
    assert Membership.objects.get(community=community, user=dispatcher).role == Role.DISPATCHER


def test_accept_sets_the_active_community_of_a_newcomer(community, other_community, outsider, admin):
    invite, _ = services.invite_create(community=community, role=Role.OFFICER, by=admin)
    services.invite_accept(invite=invite, user=outsider)
    assert Membership.objects.get(community=community, user=outsider).role == Role.OFFICER
    assert Membership.objects.get(community=other_community, user=outsider).role == Role.ADMIN  # untouched


def test_signup_with_invite(community, admin):
    invite, _ = services.invite_create(community=community, role=Role.OFFICER, by=admin)
    user = services.signup_with_invite(invite=invite, username="newbie", password="a-long-pass-phrase")
    assert user.check_password("a-long-pass-phrase")
    assert Membership.objects.get(community=community, user=user).role == Role.OFFICER
    assert user.profile.active_community == community


@pytest.mark.parametrize("username,password", [
    ("admin_a", "a-long-pass-phrase"),  # taken (any case)
    ("ADMIN_A", "a-long-pass-phrase"),
    ("bad name!", "a-long-pass-phrase"),
    ("", "a-long-pass-phrase"),
    ("fine_name", "short"),
])
def test_bad_signup_creates_nothing(community, admin, username, password):
    invite, _ = services.invite_create(community=community, role=Role.OFFICER, by=admin)
    users = User.objects.count()
    with pytest.raises(Invalid):
        services.signup_with_invite(invite=invite, username=username, password=password)
    assert User.objects.count() == users
    invite.refresh_from_db()
    assert invite.state == InviteState.OPEN


def test_signup_on_a_used_invite_creates_no_user(community, admin, officer):
    invite, _ = services.invite_create(community=community, role=Role.OFFICER, by=admin)
    services.invite_accept(invite=invite, user=officer)
    with pytest.raises(Conflict, match="already been used"):
        services.signup_with_invite(invite=invite, username="latecomer", password="a-long-pass-phrase")
    assert not User.objects.filter(username="latecomer").exists()
