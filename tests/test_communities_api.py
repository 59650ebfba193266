import pytest

from cad.core import services
from cad.core.choices import Role
from cad.core.models import ApiToken, CallType, Community, Department
from dispatch.selectors import dispatch_state


def test_list_only_my_communities(as_, admin, community, other_community):
    r = as_(admin).get("/api/communities")
    assert r.status_code == 200
    assert [c["_id"] for c in r.json()] == [str(community.id)]
    assert r.json()[0]["id"] == str(community.id)


def test_read_settings_with_seed_defaults(as_, civilian, community):
    r = as_(civilian).get(f"/api/communities/{community.id}")
    assert r.status_code == 200
    body = r.json()
    assert body["boloPermission"] == "all"
    assert body["dmvEnabled"] is False and body["dmvPointsEnabled"] is False
    assert (body["dmvPointThreshold"], body["dmvPointExpiryDays"], body["dmvSuspensionDays"]) == (12, 365, 30)
    assert body["callExpiryMinutes"] == 25


def test_admin_patches_settings(as_, admin, community):
    r = as_(admin).patch(f"/api/communities/{community.id}",
                         {"boloPermission": "supervisor", "dmvEnabled": True, "areaOfPlay": "Sandy Shores"},
                         format="json")
    assert r.status_code == 200, r.json()
    community.refresh_from_db()
    assert (community.bolo_permission, community.dmv_enabled) == ("supervisor", True)
    assert dispatch_state(community).area_of_play == "Sandy Shores"


def test_patch_bad_input_changes_nothing(as_, admin, community):
    r = as_(admin).patch(f"/api/communities/{community.id}",
                         {"boloPermission": "everyone", "dmvEnabled": True}, format="json")
    assert r.status_code == 400
    assert "boloPermission" in r.json()["fields"] and r.json()["error"].startswith("Invalid input")
    community.refresh_from_db()
    assert community.dmv_enabled is False
    r = as_(admin).patch(f"/api/communities/{community.id}", {"callExpiryMinutes": -5}, format="json")
    assert r.status_code == 400 and "callExpiryMinutes" in r.json()["fields"]


def test_other_community_is_404(as_, outsider, community, server, other_community):
    assert as_(outsider).get(f"/api/communities/{community.id}").status_code == 404
    assert as_(outsider).patch(f"/api/communities/{community.id}", {"areaOfPlay": "x"},
                               format="json").status_code == 404
    assert server.get(f"/api/communities/{other_community.id}").status_code in (403, 404)
    assert as_(outsider).get("/api/communities/not-a-uuid").status_code == 404


def test_value_lists(as_, officer, community):
    for kind in ("call-types", "status-codes", "dispositions", "license-classes", "report-types", "penal-codes",
                 "departments", "divisions"):
        r = as_(officer).get(f"/api/values/{kind}")
        assert r.status_code == 200, kind
        assert all("_id" in row and "id" in row for row in r.json())
    codes = [row["code"] for row in as_(officer).get("/api/values/status-codes").json()]
    assert codes == ["10-8", "10-6", "10-7", "10-15", "10-97", "10-98"]
    classes = [row["code"] for row in as_(officer).get("/api/values/license-classes").json()]
    assert classes == ["E", "A", "B", "C", "D", "M"]
    assert as_(officer).get("/api/values/nonsense").status_code == 404


def test_admin_edits_value_lists(as_, admin, officer, community):
    r = as_(admin).post("/api/values/call-types", {"name": "Bank Alarm", "code": "10-90", "defaultPriority": 1},
                        format="json")
    assert r.status_code == 201, r.json()
    new_id = r.json()["id"]
    r = as_(admin).patch(f"/api/values/call-types/{new_id}", {"name": "Bank Alarm (silent)"}, format="json")
    assert r.status_code == 200 and r.json()["name"] == "Bank Alarm (silent)"
    r = as_(admin).post("/api/values/call-types", {"name": "", "defaultPriority": 9}, format="json")
    assert r.status_code == 400 and {"name", "defaultPriority"} <= set(r.json()["fields"])
    assert as_(officer).post("/api/values/call-types", {"name": "X"}, format="json").status_code == 403
    assert as_(admin).delete(f"/api/values/call-types/{new_id}").status_code == 204
    # Archived, not deleted: old calls may still name it.
    assert CallType.objects.for_community(community).get(pk=new_id).archived_at is not None
    assert new_id not in [row["id"] for row in as_(admin).get("/api/values/call-types").json()]


def test_department_colour_over_the_api(as_, admin, officer, outsider, community):
    seeded = {row["shortName"]: row["color"] for row in as_(officer).get("/api/values/departments").json()}
    assert seeded["LSPD"] == "#2563eb" and seeded["SAFR"] == "#dc2626"
    r = as_(admin).post("/api/values/departments", {"name": "Coast Guard", "type": "state"}, format="json")
    assert r.status_code == 201 and r.json()["color"] == "#0f766e"  # the type's colour when none is given
    new_id = r.json()["id"]
    r = as_(admin).patch(f"/api/values/departments/{new_id}", {"color": "#0EA5E9"}, format="json")
    assert r.status_code == 200 and r.json()["color"] == "#0EA5E9"
    assert as_(officer).get(f"/api/values/departments/{new_id}").json()["color"] == "#0EA5E9"
    for bad in ("blue", "#0ea5e", 5, "#0ea5e9ff"):
        r = as_(admin).patch(f"/api/values/departments/{new_id}", {"color": bad}, format="json")
        assert r.status_code == 400 and "color" in r.json()["fields"], bad
    assert Department.objects.for_community(community).get(pk=new_id).color == "#0EA5E9"
    assert as_(officer).patch(f"/api/values/departments/{new_id}", {"color": "#000000"},
                              format="json").status_code == 403
    assert as_(outsider).patch(f"/api/values/departments/{new_id}", {"color": "#000000"},
                               format="json").status_code == 404
    assert Department.objects.for_community(community).get(pk=new_id).color == "#0EA5E9"


@pytest.fixture
def sent():
    """Every event sent (after its commit) as (community id, names, data)."""
    from cad import events as ev

    seen: list[tuple[str, tuple[str, ...], dict]] = []
    with ev.recorder(lambda e: seen.append((e.community_id, e.names, e.data))):
        yield seen


def test_a_department_change_is_published_to_its_community_on_commit(
        as_, admin, officer, outsider, community, other_community, sent, django_capture_on_commit_callbacks):
    """Open maps redraw units in their department's colour: a create, a change and an archive each tell
    the department's community (its officers and above) once committed; nothing else does."""
    from cad import events as ev

    def departments():
        return [(c, data) for c, names, data in sent if names == ("department-updated",)]

    def request(client, method, url, body=None):
        with django_capture_on_commit_callbacks(execute=True):
            return getattr(client, method)(url, body, format="json")

    assert ev.audience(["department-updated"]) == Role.OFFICER
    r = request(as_(admin), "post", "/api/values/departments", {"name": "Coast Guard", "short_name": "USCG",
                                                                 "type": "state"})
    assert r.status_code == 201
    new_id = r.json()["id"]
    assert departments() == [(str(community.pk), {
        "id": new_id, "communityId": str(community.pk), "name": "Coast Guard", "shortName": "USCG", "type": "state",
        "color": "#0f766e", "archivedAt": None})]
    assert request(as_(admin), "patch", f"/api/values/departments/{new_id}",
                   {"color": "#0ea5e9", "name": "Coastguard"}).status_code == 200
    changed = departments()[-1][1]
    assert (changed["color"], changed["name"], changed["archivedAt"]) == ("#0ea5e9", "Coastguard", None)
    count = len(departments())
    # Nothing changed, refused, not allowed, not found: nothing is published.
    assert request(as_(admin), "patch", f"/api/values/departments/{new_id}", {"color": "#0ea5e9"}).status_code == 200
    assert request(as_(admin), "patch", f"/api/values/departments/{new_id}", {"color": "teal"}).status_code == 400
    assert request(as_(officer), "patch", f"/api/values/departments/{new_id}", {"color": "#000000"}).status_code == 403
    assert request(as_(outsider), "patch", f"/api/values/departments/{new_id}",
                   {"color": "#000000"}).status_code == 404
    assert request(as_(outsider), "delete", f"/api/values/departments/{new_id}").status_code == 404
    assert len(departments()) == count
    assert request(as_(admin), "delete", f"/api/values/departments/{new_id}").status_code == 204
    archived = departments()[-1][1]
    assert archived["id"] == new_id and archived["archivedAt"] is not None
    assert request(as_(admin), "delete", f"/api/values/departments/{new_id}").status_code == 404
    assert len(departments()) == count + 1  # archived once
    # Another community's department reaches that community only.
    assert request(as_(outsider), "post", "/api/values/departments", {"name": "Bravo PD"}).status_code == 201
    assert departments()[-1][0] == str(other_community.pk)
    assert {c for c, _ in departments()[:-1]} == {str(community.pk)}
    # Other value lists publish nothing (no page draws them live).
    before = len(sent)
    assert request(as_(admin), "post", "/api/values/call-types", {"name": "Fishing"}).status_code == 201
    assert len(sent) == before


def test_a_department_change_leaves_only_on_commit(admin, community, sent, django_capture_on_commit_callbacks):
    from django.db import transaction

    department = Department.objects.for_community(community).get(short_name="LSPD")
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            services.value_update(entry=department, fields={"color": "#111111"}, by=admin)
            raise RuntimeError("rolled back")
    assert sent == []
    department.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        services.value_update(entry=department, fields={"color": "#111111"}, by=admin)
    assert [(names, data["color"]) for _c, names, data in sent] == [(("department-updated",), "#111111")]


def test_api_tokens_lifecycle(as_, admin, dispatcher, community, outsider):
    r = as_(admin).post("/api/tokens", {"name": "Main server"}, format="json")
    assert r.status_code == 201
    raw, token_id = r.json()["token"], r.json()["apiToken"]["id"]
    assert raw.startswith("cad_")
    listed = as_(admin).get("/api/tokens").json()
    assert [t["id"] for t in listed] == [token_id] and "token" not in listed[0]
    assert as_(dispatcher).get("/api/tokens").status_code == 403
    assert as_(outsider).delete(f"/api/tokens/{token_id}").status_code == 404
    assert as_(admin).delete(f"/api/tokens/{token_id}").status_code == 204
    assert ApiToken.objects.get(pk=token_id).revoked_at is not None
    r = as_(admin).post("/api/tokens", {"name": "x" * 200}, format="json")
    assert r.status_code == 400


def test_community_defaults_in_model(db):
    community = Community.objects.create(name="Plain")
    assert community.bolo_permission == "all" and community.dmv_point_threshold == 12


# Every writable setting under its documented camelCase name, with a value unlike its default. A new
# setting must be added here (the test checks the list is complete), so each one is proven to stick.
NEW_SETTINGS = {
    "name": "Alpha RP Renamed",
    "boloPermission": "supervisor",
    "areaOfPlay": "Paleto Bay",
    "dmvEnabled": True,
    "dmvPointsEnabled": True,
    "dmvSelfRegister": False,
    "dmvPointThreshold": 9,
    "dmvPointExpiryDays": 90,
    "dmvSuspensionDays": 7,
    "weaponsEnabled": True,
    "callExpiryMinutes": 60,
    "call911Approval": True,
    "overdueMinutes": {"pending": 4, "on-scene": 45},
    "dutyWebhookUrl": "https://93.184.215.14/hooks/duty",
    "sounds": [{"event": "panic", "enabled": False, "volume": 0.25, "customUrl": "https://cdn.example/panic.ogg"}],
    "mugshotMaxBytes": 4096,
    "mugshotTypes": ["image/png"],
}


def test_every_setting_round_trips_under_its_camel_case_name(as_, admin, community):
    from djangorestframework_camel_case.util import camelize

    from cad.core.api.serializers import CommunitySerializer

    writable = {camelize({name: None}).popitem()[0] for name, field in CommunitySerializer().fields.items()
                if not field.read_only}
    assert writable == set(NEW_SETTINGS), "list every writable setting in NEW_SETTINGS"
    before = as_(admin).get(f"/api/communities/{community.id}").json()
    for name, value in NEW_SETTINGS.items():
        assert before[name] != value, name
        r = as_(admin).patch(f"/api/communities/{community.id}", {name: value}, format="json")
        assert r.status_code == 200 and r.json()[name] == value, (name, r.content)
    after = as_(admin).get(f"/api/communities/{community.id}").json()
    assert {name: after[name] for name in NEW_SETTINGS} == NEW_SETTINGS
    community.refresh_from_db()
    assert community.call911_approval is True and community.sounds[0]["custom_url"] == "https://cdn.example/panic.ogg"


def test_the_settings_read_back_can_be_written_back_whole(as_, admin, community):
    client = as_(admin)
    settings = client.get(f"/api/communities/{community.id}").json()
    r = client.patch(f"/api/communities/{community.id}", {**settings, "areaOfPlay": "Grapeseed"}, format="json")
    assert r.status_code == 200 and r.json()["areaOfPlay"] == "Grapeseed"


def test_an_unknown_setting_is_400_and_changes_nothing(as_, admin, community):
    r = as_(admin).patch(f"/api/communities/{community.id}",
                         {"call911Aproval": True, "areaOfPlay": "Grapeseed"}, format="json")
    assert r.status_code == 400 and "call911Aproval" in r.json()["fields"], r.content
    assert "call911Approval" in r.json()["error"]  # the message lists the real names
    community.refresh_from_db()
    assert dispatch_state(community).area_of_play == "" and community.call911_approval is False


@pytest.mark.parametrize("bad", [{"closed": 5}, {"pending": 0}, {"pending": "5"}, {"pending": True}, {"pending": 1441},
                                 [5], "5"])
def test_bad_overdue_minutes_is_400_and_changes_nothing(as_, admin, community, bad):
    r = as_(admin).patch(f"/api/communities/{community.id}", {"overdueMinutes": bad, "areaOfPlay": "Grapeseed"},
                         format="json")
    assert r.status_code == 400 and "overdueMinutes" in r.json()["fields"], r.content
    community.refresh_from_db()
    assert community.overdue_minutes == {"pending": 2, "assigned": 5, "enroute": 10, "on-scene": 30}
    assert dispatch_state(community).area_of_play == ""


def test_overdue_minutes_null_means_never_and_only_admins_of_the_community_change_it(
        as_, admin, supervisor, outsider, community, other_community):
    r = as_(admin).patch(f"/api/communities/{community.id}", {"overdueMinutes": {"pending": 3, "enroute": None}},
                         format="json")
    assert r.status_code == 200 and r.json()["overdueMinutes"] == {"pending": 3}, r.content
    assert as_(supervisor).patch(f"/api/communities/{community.id}", {"overdueMinutes": {"pending": 60}},
                                 format="json").status_code == 403
    r = as_(outsider).patch(f"/api/communities/{community.id}", {"overdueMinutes": {"pending": 60}}, format="json")
    assert r.status_code in (403, 404) and "overdueMinutes" not in r.content.decode()
    assert as_(admin).patch(f"/api/communities/{other_community.id}", {"overdueMinutes": {"pending": 60}},
                            format="json").status_code in (403, 404)
    community.refresh_from_db()
    other_community.refresh_from_db()
    assert community.overdue_minutes == {"pending": 3}
    assert other_community.overdue_minutes["pending"] == 2
