"""Admin services: member roles and removal (never the last admin), the audit log, value-list
export and import, token revocation."""

from __future__ import annotations

import json

import pytest

from cad.core import services
from cad.core.choices import Role
from cad.core.errors import Conflict, Invalid
from cad.core.models import ApiToken, AuditEntry, CallType, Department, Division, Membership, StatusCode


def _membership(community, user) -> Membership:
    return Membership.objects.get(community=community, user=user)


def _log(community) -> list[AuditEntry]:
    return list(AuditEntry.objects.for_community(community))


def test_role_change_is_audited(community, admin, officer):
    services.member_set_role(membership=_membership(community, officer), role=Role.DISPATCHER, by=admin)
    assert _membership(community, officer).role == Role.DISPATCHER
    entry = _log(community)[0]
    assert (entry.action, entry.actor, entry.actor_name, entry.target_label) == (
        "member.role_changed", admin, "admin_a", "officer_a")
    assert entry.changes == {"role": ["officer", "dispatcher"]}


def test_same_role_changes_and_logs_nothing(community, admin, officer):
    before = len(_log(community))
    services.member_set_role(membership=_membership(community, officer), role=Role.OFFICER, by=admin)
    assert len(_log(community)) == before


def test_last_admin_cannot_be_demoted_or_removed(community, admin):
    # The community's owner is its other admin: take them away first.
    owner = community.owner
    services.member_remove(membership=_membership(community, owner), by=admin)
    only = _membership(community, admin)
    with pytest.raises(Conflict, match="at least one admin"):
        services.member_set_role(membership=only, role=Role.SUPERVISOR, by=admin)
    with pytest.raises(Conflict, match="at least one admin"):
        services.member_remove(membership=only, by=admin)
    assert _membership(community, admin).role == Role.ADMIN


def test_an_admin_may_leave_when_another_remains(community, admin):
    services.member_remove(membership=_membership(community, admin), by=admin)
    assert not Membership.objects.filter(community=community, user=admin).exists()
    entry = _log(community)[0]
    assert (entry.action, entry.changes) == ("member.removed", {"role": ["admin", None]})


def test_removal_clears_the_active_community(community, admin, officer):
    profile = services.profile_for(officer)
    profile.active_community = community
    profile.save()
    services.member_remove(membership=_membership(community, officer), by=admin)
    profile.refresh_from_db()
    assert profile.active_community is None


def test_join_never_lowers_a_role(community, dispatcher, other_community):
    services.member_join(community=community, user=dispatcher, role=Role.OFFICER, how="invite")
    assert _membership(community, dispatcher).role == Role.DISPATCHER
    services.member_join(community=community, user=dispatcher, role=Role.SUPERVISOR, how="invite")
    assert _membership(community, dispatcher).role == Role.SUPERVISOR
    services.member_join(community=other_community, user=dispatcher, role=Role.CIVILIAN, how="discord-role")
    assert _membership(other_community, dispatcher).role == Role.CIVILIAN
    assert [e.action for e in _log(other_community)] == ["member.joined"]


def test_settings_change_is_audited_with_before_and_after(community, admin):
    services.community_update(community=community, by=admin, bolo_permission="admin", weapons_enabled=False)
    entry = _log(community)[0]
    assert entry.action == "settings.updated"
    assert entry.changes == {"bolo_permission": ["all", "admin"]}  # unchanged fields are not listed


def test_token_create_and_revoke_are_audited(community, admin):
    token, raw = services.token_create(community=community, name="Main", created_by=admin)
    services.token_revoke(token=token, by=admin)
    services.token_revoke(token=token, by=admin)  # twice: logged once
    assert [e.action for e in _log(community)][:2] == ["token.revoked", "token.created"]
    assert sum(e.action == "token.revoked" for e in _log(community)) == 1
    assert services.token_authenticate(raw) is None
    assert ApiToken.objects.get(pk=token.pk).revoked_at is not None


def test_audit_names_a_token_actor(community, api_token):
    token = services.token_authenticate(api_token)
    services.community_update(community=community, by=token, area_of_play="Sandy Shores")
    assert _log(community)[0].actor_name == "api-token:test server"


def test_audit_log_is_per_community(community, other_community, admin, outsider):
    services.community_update(community=other_community, by=outsider, area_of_play="Paleto")
    assert all(e.community_id == community.pk for e in _log(community))
    assert [e.actor_name for e in _log(other_community)] == ["outsider_b"]


# --- value lists -----------------------------------------------------------------------------------
def test_value_create_checks_ranges(community, admin):
    with pytest.raises(Invalid):
        services.value_create(community=community, kind="call-types", fields={"name": "X", "default_priority": 7},
                              by=admin)
    with pytest.raises(Invalid):
        services.value_create(community=community, kind="status-codes",
                              fields={"name": "X", "code": "10-1", "color": "red"}, by=admin)
    entry = services.value_create(community=community, kind="status-codes",
                                  fields={"name": "Meal", "code": "10-1", "color": "#123456"}, by=admin)
    assert entry.community == community
    assert _log(community)[0].action == "value.created"


def test_export_round_trips_into_another_community(community, other_community, admin):
    dept = Department.objects.for_community(community).get(short_name="LSPD")
    Division.objects.create(community=community, department=dept, name="Traffic")
    services.value_update(entry=StatusCode.objects.for_community(community).get(code="10-6"),
                          fields={"color": "#000000"}, by=admin)
    exported = json.loads(json.dumps(services.values_export(community=community)))
    assert exported["format"] == "cad-value-lists"
    assert {"name": "Traffic", "department": "Los Santos Police Department"} in exported["lists"]["divisions"]

    counts = services.values_import(community=other_community, data=exported)
    assert counts["divisions"] == {"created": 1, "updated": 0}
    assert counts["status-codes"] == {"created": 0, "updated": 6}
    assert StatusCode.objects.for_community(other_community).get(code="10-6").color == "#000000"
    assert Division.objects.for_community(other_community).get(name="Traffic").department.community == other_community
    again = services.values_import(community=other_community, data=exported)
    assert again["divisions"] == {"created": 0, "updated": 1}  # idempotent: nothing duplicated
    assert CallType.objects.for_community(other_community).count() == CallType.objects.for_community(community).count()


def test_an_import_tells_open_maps_about_its_departments(community, admin, events,
                                                         django_capture_on_commit_callbacks):
    data = {"format": "cad-value-lists", "lists": {
        "departments": [{"name": "Los Santos Police Department", "color": "#111111"},
                        {"name": "Coast Guard", "type": "state", "color": "#222222"}],
        "call-types": [{"name": "Fishing"}]}}
    with django_capture_on_commit_callbacks(execute=True):
        services.values_import(community=community, data=data, by=admin)
    assert sorted((names, d["name"], d["color"], d["communityId"]) for names, d in events) == [
        (("department-updated",), "Coast Guard", "#222222", str(community.pk)),
        (("department-updated",), "Los Santos Police Department", "#111111", str(community.pk))]


@pytest.mark.parametrize("data", [
    [], {"lists": {}}, {"format": "cad-value-lists", "lists": {"nope": []}},
    {"format": "cad-value-lists", "lists": {"call-types": "x"}},
    {"format": "cad-value-lists", "lists": {"call-types": [{"name": "Ok"}, {"name": "Bad", "default_priority": 9}]}},
    {"format": "cad-value-lists", "lists": {"call-types": [{"code": "no name"}]}},
    {"format": "cad-value-lists", "lists": {"divisions": [{"name": "D", "department": "Nowhere"}]}},
    {"format": "cad-value-lists", "lists": {"penal-codes": [{"name": "P", "fine": "lots"}]}},
])
def test_bad_import_changes_nothing(community, admin, data):
    before = CallType.objects.for_community(community).count(), len(_log(community))
    with pytest.raises(Invalid):
        services.values_import(community=community, data=data, by=admin)
    assert (CallType.objects.for_community(community).count(), len(_log(community))) == before


def test_value_api_writes_the_audit_log(as_, community, admin):
    r = as_(admin).post("/api/values/dispositions", {"name": "Towed"}, format="json")
    assert r.status_code == 201, r.content
    assert _log(community)[0].action == "value.created"
    r = as_(admin).patch(f"/api/values/dispositions/{r.json()['id']}", {"name": "Vehicle Towed"}, format="json")
    assert r.status_code == 200
    assert _log(community)[0].changes == {"list": "dispositions", "name": ["Towed", "Vehicle Towed"]}
