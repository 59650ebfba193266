import json
from io import StringIO

from django.core.management import call_command

from cad.core.models import Community, Membership
from cad.core.services import token_authenticate
from characters.models import Character, Vehicle


def _run(*args) -> dict:
    out = StringIO()
    call_command("seed_demo", "--json", *args, stdout=out)
    return json.loads(out.getvalue())


def test_seed_demo_is_idempotent_and_prints_logins(db):
    first = _run()
    assert set(first) == {"id", "name", "apiToken", "users"}
    assert {u["role"] for u in first["users"]} == {"admin", "supervisor", "dispatcher", "officer", "civilian"}
    community = Community.objects.get(pk=first["id"])
    assert community.dmv_enabled and community.dmv_points_enabled and community.weapons_enabled
    characters = Character.objects.for_community(community).count()
    vehicles = Vehicle.objects.for_community(community).count()
    assert characters >= 4 and vehicles >= 2
    second = _run()
    assert second["id"] == first["id"]
    assert Community.objects.filter(name=community.name).count() == 1
    assert Character.objects.for_community(community).count() == characters
    # Each run shows a fresh token and revokes the previous one.
    assert token_authenticate(second["apiToken"]).community_id == community.id
    assert token_authenticate(first["apiToken"]) is None
    assert "apiToken" not in _run("--if-new")
    assert Membership.objects.filter(community=community).count() == 5
