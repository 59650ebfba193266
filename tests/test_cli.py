import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from cad.core.models import ApiToken, Community, Membership, Profile
from cad.core.services import token_authenticate


def run(*args) -> dict:
    out = StringIO()
    call_command(*args, stdout=out)
    return json.loads(out.getvalue())


def test_createcommunity_json(db):
    data = run("createcommunity", "Los Santos RP", "--owner", "chief", "--password", "s3cret-pass", "--json")
    assert set(data) == {"id", "name", "apiToken"} and data["name"] == "Los Santos RP"
    community = Community.objects.get(pk=data["id"])
    assert Membership.objects.get(community=community, user__username="chief").role == "admin"
    assert token_authenticate(data["apiToken"]).community_id == community.id


def test_addmember_creates_user_and_links_ids(db):
    community_id = run("createcommunity", "Alpha", "--json")["id"]
    data = run("addmember", community_id, "jdoe", "--role", "officer", "--password", "pw-jdoe-123",
               "--discord-id", "123456789012345678", "--steam-id", "steam:110000112345678", "--json")
    assert data["username"] == "jdoe" and data["role"] == "officer" and data["userId"]
    profile = Profile.objects.get(user__username="jdoe")
    assert (profile.discord_id, profile.steam_hex) == ("123456789012345678", "110000112345678")
    # Running it again changes the role, not the user.
    assert run("addmember", community_id, "jdoe", "--role", "supervisor", "--json")["role"] == "supervisor"
    assert Membership.objects.get(user__username="jdoe").role == "supervisor"


def test_addmember_rejects_unknown_community_and_role(db):
    with pytest.raises(CommandError):
        call_command("addmember", "00000000-0000-0000-0000-000000000000", "x", "--role", "officer")
    with pytest.raises(CommandError):
        call_command("addmember", "not-a-uuid", "x", "--role", "officer")
    community_id = run("createcommunity", "Alpha", "--json")["id"]
    with pytest.raises(CommandError):
        call_command("addmember", community_id, "x", "--role", "emperor")


def test_createtoken(db):
    community_id = run("createcommunity", "Alpha", "--json")["id"]
    data = run("createtoken", community_id, "--name", "Second server", "--json")
    assert set(data) == {"token"}
    assert ApiToken.objects.get(community_id=community_id, name="Second server")
    assert token_authenticate(data["token"]).community_id.hex == community_id.replace("-", "")
