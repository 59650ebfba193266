"""Discord sign-in against a local fake Discord: success, denied consent, a Discord ID that belongs
to someone else, someone with no community, invites and guild-role mappings."""

from __future__ import annotations

import pytest
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth import get_user_model
from django.contrib.messages import get_messages
from django.shortcuts import resolve_url

from accounts import services
from cad.core import services as core_services
from cad.core.choices import Role
from cad.core.models import Membership, Profile

User = get_user_model()


def _signed_in_as(client):
    return client.get("/api/me").json().get("username") if client.get("/api/me").status_code == 200 else None


def _message(response) -> str:
    return " ".join(str(m) for m in get_messages(response.wsgi_request))


def test_sign_in_as_member_known_by_discord_id(client, discord, discord_sign_in, community, officer, server,
                                               settings):
    discord.user = {"id": "100000000000000001", "username": "cop_on_discord"}  # the officer's profile ID
    users = User.objects.count()
    r = discord_sign_in(client)
    assert r.status_code == 302 and r["Location"] == "/"
    assert _signed_in_as(client) == "officer_a"
    assert SocialAccount.objects.get(provider="discord", uid="100000000000000001").user == officer
    assert User.objects.count() == users  # nobody new
    connect = server.post("/fivem/player-connect", {"discord_id": "100000000000000001"}, format="json")
    assert connect.json()["registered"] is True and connect.json()["user"]["username"] == "officer_a"
    # The second time allauth knows the link itself.
    client.logout()
    assert discord_sign_in(client).status_code == 302 and _signed_in_as(client) == "officer_a"


def test_denied_consent_signs_nobody_in(client, discord, discord_sign_in, community, settings):
    discord.deny = True
    users = User.objects.count()
    r = discord_sign_in(client)
    assert r.status_code == 302 and r["Location"] == resolve_url(settings.LOGIN_URL)
    assert "cancelled" in _message(r)
    assert _signed_in_as(client) is None
    assert User.objects.count() == users and not SocialAccount.objects.exists()


def test_unknown_discord_account_without_membership_is_turned_away(client, discord, discord_sign_in, community,
                                                                   settings):
    users = User.objects.count()
    r = discord_sign_in(client)
    assert r.status_code == 302 and r["Location"] == resolve_url(settings.LOGIN_URL)
    assert "not a member of any community" in _message(r)
    assert _signed_in_as(client) is None
    assert User.objects.count() == users and not SocialAccount.objects.exists()


def test_link_from_the_account_page_then_player_connect(client, discord, discord_sign_in, community, dispatcher,
                                                        server):
    client.force_login(dispatcher)
    discord.user = {"id": "555000000000000042", "username": "disp"}
    r = discord_sign_in(client, process="connect")
    assert r.status_code == 302 and r["Location"] == "/account"
    assert Profile.objects.get(user=dispatcher).discord_id == "555000000000000042"
    connect = server.post("/fivem/player-connect", {"discord_id": "555000000000000042"}, format="json")
    assert connect.json()["registered"] is True
    assert server.get("/fivem/lookup/player", {"discord_id": "555000000000000042"}).status_code == 200

    r = client.post("/account/discord/unlink")
    assert r.status_code == 302
    assert Profile.objects.get(user=dispatcher).discord_id is None
    assert not SocialAccount.objects.filter(user=dispatcher).exists()
    assert server.post("/fivem/player-connect", {"discord_id": "555000000000000042"},
                       format="json").json() == {"registered": False}


@pytest.mark.parametrize("through", ["profile", "allauth"])
def test_discord_id_linked_to_another_user_is_refused(client, discord, discord_sign_in, community, officer,
                                                      dispatcher, through):
    if through == "allauth":
        discord.user = {"id": "100000000000000001", "username": "cop"}
        discord_sign_in(client)  # the officer signs in once: allauth now holds the link too
        client.logout()
    client.force_login(dispatcher)
    discord.user = {"id": "100000000000000001", "username": "someone"}
    r = discord_sign_in(client, process="connect")
    assert r.status_code == 302 and r["Location"] == "/account"
    assert "already linked to another user" in _message(r)
    assert Profile.objects.get(user=dispatcher).discord_id is None
    assert Profile.objects.get(user=officer).discord_id == "100000000000000001"
    assert not SocialAccount.objects.filter(user=dispatcher).exists()


def test_second_discord_account_needs_an_unlink_first(client, discord, discord_sign_in, community, officer):
    client.force_login(officer)
    discord.user = {"id": "555000000000000077", "username": "alt"}
    r = discord_sign_in(client, process="connect")
    assert "unlink it first" in _message(r)
    assert Profile.objects.get(user=officer).discord_id == "100000000000000001"


def test_unlink_refused_when_discord_is_the_only_way_in(client, community):
    user = core_services.user_ensure(username="discord_only", discord_id="555000000000000099")
    client.force_login(user)
    r = client.post("/account/discord/unlink")
    assert r.status_code == 302 and "Set a password first" in _message(r)
    assert Profile.objects.get(user=user).discord_id == "555000000000000099"


def test_invite_then_discord_sign_up_makes_a_member(client, discord, discord_sign_in, community, admin, server):
    invite, raw = services.invite_create(community=community, role=Role.OFFICER, by=admin)
    _open_invite_page(client, raw)
    discord.user = {"id": "555000000000000123", "username": "new_recruit"}
    r = discord_sign_in(client, next=f"/invite/{raw}")
    assert r.status_code == 302
    user = User.objects.get(profile__discord_id="555000000000000123")
    assert user.username == "new_recruit" and not user.has_usable_password()
    assert Membership.objects.get(community=community, user=user).role == Role.OFFICER
    invite.refresh_from_db()
    assert invite.used_by == user
    assert _signed_in_as(client) == "new_recruit"
    assert server.post("/fivem/player-connect", {"discord_id": "555000000000000123"},
                       format="json").json()["registered"] is True
    # The link is spent: the next Discord stranger who opens it is told so and gets no account.
    other = client_class_for(client)
    _open_invite_page(other, raw)
    discord.user = {"id": "555000000000000124", "username": "late"}
    discord_sign_in(other, next=f"/invite/{raw}")
    assert not User.objects.filter(profile__discord_id="555000000000000124").exists()


def _open_invite_page(client, raw):
    """What opening the invite page does for a visitor: remember the invite for the Discord round trip."""
    from accounts.adapter import SESSION_INVITE

    session = client.session
    session[SESSION_INVITE] = raw
    session.save()


def client_class_for(client):
    return type(client)()


# --- guild-role mapping ---------------------------------------------------------------------------
GUILD, DISPATCH_ROLE, CIV_ROLE = "700000000000000001", "710000000000000001", "710000000000000002"


@pytest.fixture
def mapped(community, admin, settings):
    settings.DISCORD_GUILD_ROLES = True
    services.role_mapping_set(community=community, guild_id=GUILD, discord_role_id=DISPATCH_ROLE,
                              role=Role.DISPATCHER, by=admin)
    services.role_mapping_set(community=community, guild_id=GUILD, discord_role_id=CIV_ROLE,
                              role=Role.CIVILIAN, by=admin)


def test_guild_role_makes_a_new_member(client, discord, discord_sign_in, community, mapped):
    discord.user = {"id": "555000000000000200", "username": "guildie"}
    discord.guilds = {GUILD: [CIV_ROLE, DISPATCH_ROLE], "799999999999999999": ["1"]}
    r = discord_sign_in(client)
    assert r.status_code == 302
    user = User.objects.get(username="guildie")
    assert Membership.objects.get(community=community, user=user).role == Role.DISPATCHER  # the highest
    assert f"GET /users/@me/guilds/{GUILD}/member" in discord.requests
    assert "GET /users/@me/guilds/799999999999999999/member" not in discord.requests  # only mapped guilds


def test_guild_role_raises_an_existing_member_at_sign_in(client, discord, discord_sign_in, community, civilian,
                                                         mapped):
    discord.user = {"id": "100000000000000002", "username": "civ"}  # the civilian's Discord ID
    discord.guilds = {GUILD: [DISPATCH_ROLE]}
    discord_sign_in(client)
    assert Membership.objects.get(community=community, user=civilian).role == Role.DISPATCHER


def test_guild_member_without_a_mapped_role_is_turned_away(client, discord, discord_sign_in, community, mapped):
    discord.user = {"id": "555000000000000201", "username": "lurker"}
    discord.guilds = {GUILD: ["719999999999999999"]}
    discord_sign_in(client)
    assert not User.objects.filter(username="lurker").exists()


def test_roles_not_asked_without_the_scope(client, discord, discord_sign_in, community, mapped, settings):
    settings.DISCORD_GUILD_ROLES = False
    discord.user = {"id": "555000000000000202", "username": "guildie2"}
    discord.guilds = {GUILD: [DISPATCH_ROLE]}
    discord_sign_in(client)
    assert not User.objects.filter(username="guildie2").exists()
    assert not any("guilds" in r for r in discord.requests)


def test_role_mapping_validates_ids(community, admin):
    from cad.core.errors import Invalid

    with pytest.raises(Invalid):
        services.role_mapping_set(community=community, guild_id="abc", discord_role_id="1234567",
                                  role=Role.OFFICER, by=admin)
