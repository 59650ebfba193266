"""/settings on the server side: admins change, supervisors read, others get 403; bad input changes
nothing; another community's rows are 404."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import DiscordRoleMapping, Invite
from cad.core import services
from cad.core.choices import Role
from cad.core.models import ApiToken, AuditEntry, CallType, Community, Department, Membership


@pytest.fixture
def adm(client, admin):
    client.force_login(admin)
    return client


ALL_PAGES = ["/settings", "/settings/members", "/settings/values", "/settings/values/call-types",
             "/settings/tokens", "/settings/discord", "/settings/game", "/settings/audit",
             "/settings/values/export"]


@pytest.mark.parametrize("persona", ["dispatcher", "officer", "civilian"])
def test_below_supervisor_gets_403(client, community, persona, request):
    client.force_login(request.getfixturevalue(persona))
    for path in ALL_PAGES:
        assert client.get(path).status_code == 403, path
    assert client.post("/settings/save", {"name": "Hijack"}).status_code == 403


def test_supervisor_reads_members_and_values_only(client, community, supervisor):
    client.force_login(supervisor)
    assert client.get("/settings").status_code == 200
    assert "Save settings" not in client.get("/settings").content.decode()
    assert client.get("/settings/members").status_code == 200
    assert "Create invite" not in client.get("/settings/members").content.decode()
    assert client.get("/settings/values/call-types").status_code == 200
    for path in ("/settings/tokens", "/settings/audit", "/settings/discord", "/settings/values/export"):
        assert client.get(path).status_code == 403, path
    assert client.post("/settings/tokens/create", {"name": "x"}).status_code == 403
    assert client.post("/settings/invites", {"role": "admin"}).status_code == 403
    assert not ApiToken.objects.filter(name="x").exists() and not Invite.objects.for_community(community).exists()


def _settings_post(**changes):
    base = {"name": "Alpha RP", "bolo_permission": "all", "call_expiry_minutes": 25, "dmv_point_threshold": 12,
            "dmv_point_expiry_days": 365, "dmv_suspension_days": 30, "duty_webhook_url": "",
            "overdue_pending": 2, "overdue_assigned": 5, "overdue_enroute": 10, "overdue_on_scene": 30}
    return {**base, **changes}


def test_save_modules(adm, community):
    r = adm.post("/settings/save", _settings_post(bolo_permission="supervisor", weapons_enabled="on"))
    assert r.status_code == 302
    community.refresh_from_db()
    assert community.bolo_permission == "supervisor" and community.weapons_enabled
    entry = AuditEntry.objects.for_community(community).first()
    assert entry.changes["bolo_permission"] == ["all", "supervisor"]
    body = adm.get("/settings").content.decode()
    assert 'value="admin"' in body and "BOLO permission" in body


def test_overdue_thresholds_saved_per_status(adm, community, other_community):
    body = adm.get("/settings").content.decode()
    assert "Overdue after, en route (minutes)" in body and 'name="overdue_on_scene" value="30"' in body
    r = adm.post("/settings/save", _settings_post(overdue_pending=7, overdue_on_scene=""))
    assert r.status_code == 302
    community.refresh_from_db()
    assert community.overdue_minutes == {"pending": 7, "assigned": 5, "enroute": 10}  # on scene: never
    entry = AuditEntry.objects.for_community(community).first()
    assert entry.changes["overdue_minutes"][1] == {"pending": 7, "assigned": 5, "enroute": 10}
    assert 'name="overdue_on_scene"' in adm.get("/settings").content.decode()
    other_community.refresh_from_db()
    assert other_community.overdue_minutes == {"pending": 2, "assigned": 5, "enroute": 10, "on-scene": 30}


@pytest.mark.parametrize("changes", [{"overdue_assigned": 0}, {"overdue_enroute": "x"}, {"overdue_assigned": 1441},
                                     {"overdue_on_scene": "2.5"}])
def test_bad_overdue_threshold_is_a_form_error_and_changes_nothing(adm, community, changes):
    r = adm.post("/settings/save", _settings_post(**{"overdue_pending": 9, **changes}, weapons_enabled="on"))
    assert r.status_code == 400
    assert 'aria-invalid="true"' in r.content.decode() or "errorlist" in r.content.decode()
    community.refresh_from_db()
    assert community.overdue_minutes == {"pending": 2, "assigned": 5, "enroute": 10, "on-scene": 30}
    assert not community.weapons_enabled


def test_supervisor_may_not_change_overdue_thresholds(client, community, supervisor):
    client.force_login(supervisor)
    assert 'name="overdue_pending"' in client.get("/settings").content.decode()  # read-only view
    assert client.post("/settings/save", _settings_post(overdue_pending=99)).status_code == 403
    community.refresh_from_db()
    assert community.overdue_minutes["pending"] == 2


@pytest.mark.parametrize("changes", [
    {"bolo_permission": "everyone"}, {"dmv_point_threshold": 0}, {"call_expiry_minutes": "x"},
    {"duty_webhook_url": "http://127.0.0.1/hook"}, {"name": "  "},
])
def test_bad_modules_change_nothing(adm, community, changes):
    r = adm.post("/settings/save", _settings_post(**changes, weapons_enabled="on"))
    assert r.status_code == 400
    community.refresh_from_db()
    assert community.bolo_permission == "all" and not community.weapons_enabled


def test_sound_settings(adm, community, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    r = adm.post("/settings/sounds/panic", {"sound-panic-event": "panic", "sound-panic-volume": 40,
                                            "sound-panic-file": SimpleUploadedFile("p.wav", b"RIFF\x00\x00\x00\x00WAVE" + b"\x00" * 30)})
    assert r.status_code == 302
    community.refresh_from_db()
    panic = next(s for s in community.sounds if s["event"] == "panic")
    assert (panic["enabled"], panic["volume"]) == (False, 0.4) and panic["custom_url"].startswith("/media/sounds/")
    r = adm.post("/settings/sounds/panic", {"sound-panic-event": "panic", "sound-panic-volume": 400})
    assert r.status_code == 400
    assert adm.post("/settings/sounds/nope", {}).status_code == 404
    assert adm.post("/settings/sounds/panic/reset").status_code == 302


def test_members_role_change_and_last_admin(adm, community, admin, officer, outsider, other_community):
    officer_m = Membership.objects.get(community=community, user=officer)
    r = adm.post(f"/settings/members/{officer_m.pk}/role", {f"m-{officer_m.pk}-role": "dispatcher"})
    assert r.status_code == 302
    officer_m.refresh_from_db()
    assert officer_m.role == Role.DISPATCHER
    assert adm.post(f"/settings/members/{officer_m.pk}/role", {f"m-{officer_m.pk}-role": "god"}).status_code == 400
    foreign = Membership.objects.get(community=other_community, user=outsider)
    assert adm.post(f"/settings/members/{foreign.pk}/remove").status_code == 404
    assert Membership.objects.filter(pk=foreign.pk).exists()
    # The owner is the other admin; once they are gone, the last admin stays.
    owner_m = Membership.objects.get(community=community, user=community.owner)
    assert adm.post(f"/settings/members/{owner_m.pk}/remove").status_code == 302
    me = Membership.objects.get(community=community, user=admin)
    r = adm.post(f"/settings/members/{me.pk}/remove")
    assert r.status_code == 409 and "at least one admin" in r.content.decode()
    r = adm.post(f"/settings/members/{me.pk}/role", {f"m-{me.pk}-role": "officer"})
    assert r.status_code == 409
    me.refresh_from_db()
    assert me.role == Role.ADMIN


def test_invites(adm, community):
    r = adm.post("/settings/invites", {"role": "officer", "note": "Sam"})
    assert r.status_code == 200
    body = r.content.decode()
    invite = Invite.objects.for_community(community).get()
    assert "/invite/inv_" in body and invite.note == "Sam"
    assert "/invite/inv_" not in adm.get("/settings/members").content.decode()  # shown once
    assert adm.post("/settings/invites", {"role": "king"}).status_code == 400
    assert adm.post(f"/settings/invites/{invite.pk}/withdraw").status_code == 302
    invite.refresh_from_db()
    assert invite.revoked_at is not None


def test_tokens(adm, community, other_community):
    r = adm.post("/settings/tokens/create", {"name": "Main server"})
    assert r.status_code == 200
    token = ApiToken.objects.get(community=community, name="Main server")
    raw = r.content.decode().split('id="new-token" class="secret" type="text" readonly value="')[1].split('"')[0]
    assert services.token_authenticate(raw) == token
    page = adm.get("/settings/tokens").content.decode()
    assert "Main server" in page and raw not in page
    assert adm.post("/settings/tokens/create", {"name": "  "}).status_code == 400
    foreign, _ = services.token_create(community=other_community, name="theirs")
    assert adm.post(f"/settings/tokens/{foreign.pk}/revoke").status_code == 404
    assert adm.post(f"/settings/tokens/{token.pk}/revoke").status_code == 302
    assert services.token_authenticate(raw) is None
    foreign.refresh_from_db()
    assert foreign.revoked_at is None


def test_value_lists(adm, community, other_community):
    r = adm.post("/settings/values/call-types/add", {"call-types-name": "Bank Alarm", "call-types-code": "10-90",
                                                     "call-types-default_priority": 1})
    assert r.status_code == 302
    entry = CallType.objects.for_community(community).get(name="Bank Alarm")
    assert adm.post("/settings/values/call-types/add", {"call-types-name": "X",
                                                        "call-types-default_priority": 9}).status_code == 400
    assert adm.post("/settings/values/status-codes/add", {"status-codes-name": "X", "status-codes-code": "1",
                                                          "status-codes-meaning": "available",
                                                          "status-codes-color": "red"}).status_code == 400
    assert adm.get("/settings/values/nope").status_code == 404
    r = adm.post(f"/settings/values/call-types/{entry.pk}", {"call-types-name": "Bank Alarm (silent)",
                                                             "call-types-code": "10-90",
                                                             "call-types-default_priority": 1})
    assert r.status_code == 302
    foreign = CallType.objects.for_community(other_community).first()
    assert adm.get(f"/settings/values/call-types/{foreign.pk}").status_code == 404
    assert adm.post(f"/settings/values/call-types/{foreign.pk}/archive").status_code == 404
    assert adm.post(f"/settings/values/call-types/{entry.pk}/archive").status_code == 302
    entry.refresh_from_db()
    assert entry.archived_at is not None


def test_department_colour_round_trip(adm, client, community, other_community, officer):
    def form(name, type_, color):
        return {"departments-name": name, "departments-short_name": "", "departments-type": type_,
                "departments-color": color}

    # Blank: the type's colour.
    assert adm.post("/settings/values/departments/add", form("Paleto Fire", "fire", "")).status_code == 302
    fire = Department.objects.for_community(community).get(name="Paleto Fire")
    assert fire.color == "#dc2626"
    assert adm.post("/settings/values/departments/add", form("Park Rangers", "state", "#14B8A6")).status_code == 302
    rangers = Department.objects.for_community(community).get(name="Park Rangers")
    assert rangers.color == "#14B8A6"
    page = adm.get("/settings/values/departments").content.decode()
    assert 'data-color="#14B8A6"' in page and 'data-color="#dc2626"' in page
    edit = adm.get(f"/settings/values/departments/{rangers.pk}").content.decode()
    assert 'value="#14B8A6"' in edit
    assert adm.post(f"/settings/values/departments/{rangers.pk}",
                    form("Park Rangers", "state", "#0d9488")).status_code == 302
    rangers.refresh_from_db()
    assert rangers.color == "#0d9488"
    for bad in ("teal", "#12345", "#1234567", "#12345g"):
        r = adm.post(f"/settings/values/departments/{rangers.pk}", form("Park Rangers", "state", bad))
        assert r.status_code == 400, bad
        assert "A colour like #22c55e." in r.content.decode() or "at most 7" in r.content.decode()
    rangers.refresh_from_db()
    assert rangers.color == "#0d9488"
    assert not Department.objects.for_community(community).filter(name="Teal Rangers").exists()
    foreign = Department.objects.for_community(other_community).first()
    assert adm.post(f"/settings/values/departments/{foreign.pk}", form("Mine", "state", "#000000")).status_code == 404
    foreign.refresh_from_db()
    assert foreign.name != "Mine"
    client.force_login(officer)
    assert client.post(f"/settings/values/departments/{rangers.pk}",
                       form("Park Rangers", "state", "#000000")).status_code == 403


def test_export_and_import(adm, community, outsider, client):
    exported = adm.get("/settings/values/export")
    assert exported.status_code == 200 and exported["Content-Type"] == "application/json"
    data = json.loads(exported.content)
    data["lists"]["dispositions"].append({"name": "Referred"})
    client.force_login(outsider)  # admin of the other community imports it
    r = client.post("/settings/values/import", {"file": SimpleUploadedFile("v.json", json.dumps(data).encode())})
    assert r.status_code == 302
    other = Community.objects.get(name="Bravo RP")
    from cad.core.models import Disposition

    assert Disposition.objects.for_community(other).filter(name="Referred").exists()
    assert not Disposition.objects.for_community(community).filter(name="Referred").exists()
    for bad in (b"not json", json.dumps({"format": "x"}).encode(), b"\xff\xfe"):
        r = client.post("/settings/values/import", {"file": SimpleUploadedFile("v.json", bad)})
        assert r.status_code == 400


def test_discord_mapping(adm, community):
    r = adm.post("/settings/discord/add", {"guild_id": "700000000000000001", "discord_role_id": "710000000000000001",
                                           "role": "dispatcher"})
    assert r.status_code == 302
    mapping = DiscordRoleMapping.objects.for_community(community).get()
    assert adm.post("/settings/discord/add", {"guild_id": "abc", "discord_role_id": "1",
                                              "role": "dispatcher"}).status_code == 400
    assert adm.post(f"/settings/discord/{mapping.pk}/delete").status_code == 302
    assert not DiscordRoleMapping.objects.for_community(community).exists()


def test_audit_log_shows_this_community_only(adm, community, other_community, outsider):
    services.community_update(community=other_community, by=outsider, area_of_play="Secret place")
    services.community_update(community=community, by=None, area_of_play="Sandy")
    body = adm.get("/settings/audit").content.decode()
    assert "Sandy" in body and "Secret place" not in body


def test_map_upload_bad_input(adm, community, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    r = adm.post("/settings/game/map", {"files": SimpleUploadedFile("x.txt", b"hello")})
    assert r.status_code == 400
    from maps.models import MapTileSet

    assert not MapTileSet.objects.for_community(community).exists()


def test_postal_table_upload(adm, community):
    from postals.models import PostalTable

    good = json.dumps([{"code": "2000", "x": 2325.43, "y": 5147.21}, {"code": 2001, "x": 1.0, "y": 2.0}]).encode()
    assert adm.post("/settings/game/postals", {"file": SimpleUploadedFile("new-postals.json", good)}).status_code == 302
    table = PostalTable.objects.for_community(community).get(archived_at__isnull=True)
    assert table.size == 2 and "2 postals" in adm.get("/settings/game").content.decode()
    for bad in (b"nope", b"[]", json.dumps([{"code": "1", "x": "a", "y": 1}]).encode()):
        r = adm.post("/settings/game/postals", {"file": SimpleUploadedFile("p.json", bad)})
        assert r.status_code == 400
    assert PostalTable.objects.for_community(community).get(archived_at__isnull=True) == table


def test_resource_download_has_the_url_and_never_a_token(adm, community, api_token, client, officer):
    import io
    import zipfile

    r = adm.get("/settings/game/cad_mdt.zip")
    assert r.status_code == 200 and r["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(r.content))
    names = archive.namelist()
    assert "cad_mdt/fxmanifest.lua" in names and "cad_mdt/config.lua" in names
    config = archive.read("cad_mdt/config.lua").decode()
    assert "Config.CadUrl = 'http://testserver'" in config and "Config.CadToken = ''" in config
    assert not any(api_token.encode() in archive.read(n) for n in names)
    client.force_login(officer)
    assert client.get("/settings/game/cad_mdt.zip").status_code == 403
