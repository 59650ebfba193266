"""The event catalogues (`<app>/events.py`): every declared event is published once here, built by its
declared builder from real rows, and its payload (and SSE twin) must match its declaration. Every
other test checks the payloads it causes too (`cad.events.STRICT`, set in conftest.py)."""

from __future__ import annotations

import ast
import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone

from cad import events as ev
from cad.core.choices import Role
from calls.inputs import CallInput

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def world(community, dispatcher, officer):
    from announcements.models import Announcement
    from bolos.models import Bolo
    from cad.core.models import Department, LicenseClass
    from calls import services as calls
    from calls.models import PanicAlert
    from characters.models import Character, DrivingLicense, Vehicle, Weapon, WeaponLicenseApplication
    from dispatch.models import ActiveDispatcher, Tone, Unit
    from maps.choices import TileSourceKind
    from maps.models import MapTileSet
    from postals.models import PostalTable
    from records.models import Arrest, Citation, Report, Suspect, Warrant

    def character(n: int, **kw) -> Character:
        return Character.objects.create(community=community, first_name=f"First{n}", last_name=f"Last{n}",
                                        ssn=f"100-00-{n:04d}", license_number=f"DL-{n:05d}", **kw)

    civ = character(1, type="civilian")
    cop = character(2, type="leo", user=officer, callsign="1-Adam-12")
    unit = Unit.objects.create(community=community, character=cop, user=officer, name="1-Adam-12", on_duty=True)
    call = calls.call_create(community=community, by_user=dispatcher,
        data=CallInput(call_type="Traffic Stop", location="Main St", x=10.0, y=20.0, z=1.0))
    calls.call_assign_units(call=call, units=[unit], by=dispatcher)
    note = calls.call_add_note(call=call, text="Suspect fled north.", by_user=dispatcher)
    panic_alert = PanicAlert.objects.create(community=community, call=call, unit=unit, callsign="1-Adam-12",
                                            acknowledged_at=timezone.now(), acknowledged_by=dispatcher,
                                            acknowledged_by_name="dispatcher")
    vehicle = Vehicle.objects.create(community=community, owner=civ, plate="ABC123", make="Vapid", model="Dominator",
                                     year=2020)
    license_class = LicenseClass.objects.create(community=community, name="Class C", code="C")
    lic = DrivingLicense.objects.create(community=community, character=civ, license_class=license_class)
    weapon = Weapon.objects.create(community=community, owner=civ, serial_number="SN-1", make="Colt", model="M1911")
    application = WeaponLicenseApplication.objects.create(community=community, character=civ, reason="Hunting")
    report = Report.objects.create(community=community, number=1, title="Stop on Main St", author=cop)
    arrest = Arrest.objects.create(community=community, character=civ, arrested_by=cop,
                                   charges=[{"name": "Evading"}], jail_time_min=10, fine_amount=Decimal("250.00"))
    citation = Citation.objects.create(community=community, character=civ, issued_by=cop, violation="Speeding",
                                       fine_amount=Decimal("120.00"), points=2)
    warrant = Warrant.objects.create(community=community, character=civ, title="Failure to appear", issued_by=cop)
    suspect = Suspect.objects.create(community=community, first_name="John", last_name="Doe", call=call)
    bolo = Bolo.objects.create(community=community, type="vehicle", description="Black Dominator",
                               vehicle_plate="ABC123")
    announcement = Announcement.objects.create(community=community, title="Briefing", message="At 20:00")
    tone = Tone.objects.create(community=community, type="leo", description="Shots fired")
    active = ActiveDispatcher.objects.create(community=community, user=dispatcher)
    postal_table = PostalTable.objects.create(community=community, entries=[{"code": "101", "x": 1.0, "y": 2.0}],
                                              size=1)
    department = Department.objects.for_community(community).first()
    tileset = MapTileSet.objects.create(community=community, kind=TileSourceKind.values[0], bounds=[[0, 0], [1, 1]])
    return locals()


def _examples(w) -> dict[str, tuple[tuple, dict, tuple, dict]]:
    """For each declared event name: (builder args, kwargs, SSE builder args, kwargs)."""
    from dispatch import positions
    from dispatch import services as dispatch

    call, unit, now = w["call"], w["unit"], timezone.now()
    entry = positions.make_entry(community_id=str(w["community"].pk), unit_id=str(unit.pk), x=1.0, y=2.0, z=3.0,
                                 heading=90.0, ts=now.timestamp(), unit_name=unit.name)
    panic = dict(character=w["cop"], unit=unit, name="First2 Last2", location="Main St", postal="101",
                 coords={"x": 1.0, "y": 2.0, "z": 3.0})
    calls_ = {
        "new-911-call": ((call,), {}, (call,), {}),
        "callUpdated": ((call,), {}, (call,), {}),
        "call-status-updated": ((call, w["dispatcher"]), {}, None, None),
        "911CallClosed": ((call,), {}, (call,), {}),
        "call-deleted": ((call,), {"deleted_by": "dispatcher", "reason": "Duplicate"}, None, None),
        "call-note-added": ((call, w["note"]), {}, None, None),
        "911Alert": ((call,), {}, None, None),
        "unitsAssignedTo911": ((call, list(call.assignments.select_related("unit"))), {}, None, None),
        "unitRemovedFromCall": ((call, unit), {"reason": "Cleared", "now": now}, None, None),
        "panic-button": ((call,), {**panic, "source": "api", "community": w["community"]}, (call,), panic),
        "panic-acknowledged": ((w["panic_alert"],), {}, None, None),
        "my-911-call-updated": ((call,), {}, None, None),
    }
    dispatch_ = {
        "unit-status-updated": ((unit,), {}, None, None),
        "unitRadioChannelUpdated": ((unit, "Tac 2"), {}, None, None),
        "unit-auto-offline": ((unit,), {"reason": "idle", "now": now}, None, None),
        "unitLocationUpdate": ((entry,), {}, None, None),
        "unit-location-updated": ((entry,), {}, None, None),
        "unitLocationRemoved": ((entry,), {}, None, None),
        "unitLocations": ((), {"community_id": str(w["community"].pk), "units": {str(unit.pk): positions.public(entry)},
                               "removed": ["gone-1"]}, None, None),
        "areaOfPlayUpdated": (("Sandy Shores",), {"by_name": "dispatcher"}, None, None),
        "signal100": ((True,), {"call": call, "by_name": "dispatcher"}, None, None),
        "activeDispatchersUpdated": (([w["active"]],), {}, None, None),
        "tone": (([dispatch.tone_payload(w["tone"])],), {"description": "Shots fired", "leoTone": True,
                                                          "emsFdTone": False}, None, None),
    }
    people = {
        **{name: ((w["civ"],), {}, None, None) for name in (
            "character-created", "character-updated", "character-archived")},
        "character-activated": ((w["civ"], w["officer"]), {}, None, None),
        **{name: ((w["vehicle"],), {}, None, None) for name in (
            "vehicle-registered", "vehicle-updated", "vehicle-deregistered", "vehicle-stolen", "vehicle-recovered")},
        "license-updated": ((w["lic"],), {}, None, None),
        **{name: ((w["weapon"],), {}, None, None) for name in ("weapon-registered", "weapon-updated", "weapon-archived")},
        "weapon-license-application": ((w["application"],), {}, None, None),
        "weapon-license-decided": ((w["application"],), {}, None, None),
    }
    records = {
        "report-created": ((w["report"],), {}, None, None),
        "report-reviewed": ((w["report"],), {}, None, None),
        "report-resubmitted": ((w["report"],), {}, None, None),
        "arrest-created": ((w["arrest"],), {}, None, None),
        "citation-created": ((w["citation"],), {}, None, None),
        "citation-updated": ((w["citation"],), {}, None, None),
        "warrant-created": ((w["warrant"],), {}, None, None),
        "warrant-updated": ((w["warrant"],), {}, None, None),
        "suspect-created": ((w["suspect"],), {}, None, None),
        "suspect-updated": ((w["suspect"],), {}, None, None),
        **{f"{kind}-archived": ((w[kind],), {}, None, None) for kind in
           ("report", "arrest", "citation", "warrant", "suspect")},
    }
    others = {
        "new-bolo": ((w["bolo"],), {}, None, None),
        "bolo-updated": ((w["bolo"],), {}, None, None),
        "bolo-removed": ((w["bolo"].pk,), {}, None, None),
        "new-announcement": ((w["announcement"],), {}, None, None),
        "announcement-removed": ((w["announcement"].pk,), {}, None, None),
        "map-tiles-updated": ((w["tileset"],), {}, None, None),
        "postal-table-updated": ((w["community"], w["postal_table"]), {}, None, None),
        "department-updated": ((w["department"],), {}, None, None),
    }
    return {**calls_, **dispatch_, **people, **records, **others}


def test_every_declared_event_publishes_a_payload_matching_its_declaration(
        world, events, django_capture_on_commit_callbacks):
    examples = _examples(world)
    declared = {t.name for t in ev.catalogue}
    assert declared == set(examples), "each declared event needs an example here (and nothing undeclared)"
    community_id = world["community"].pk
    for event_type in ev.catalogue:
        args, kwargs, sse_args, sse_kwargs = examples[event_type.name]
        payload = event_type.build(*args, **kwargs)
        sse = event_type.sse_build(*sse_args, **sse_kwargs) if event_type.sse_build else None
        with django_capture_on_commit_callbacks(execute=True):
            event_type.publish(community_id, payload, sse=sse)
        names, data = events[-1]
        assert names == event_type.names
        assert ev.check_payload(event_type.schema, data) == [], event_type.name
        if sse is not None:
            sse_json = json.loads(json.dumps(sse, cls=DjangoJSONEncoder))
            assert ev.check_payload(event_type.sse_schema, sse_json) == [], event_type.sse


def test_a_payload_that_does_not_match_its_declaration_is_refused(community):
    with pytest.raises(ev.PayloadMismatch, match="callId: missing"):
        ev.publish(community.pk, "911Alert", {"incidentNumber": "x"})
    with pytest.raises(ev.PayloadMismatch, match="declared in no app"):
        ev.publish(community.pk, "never-declared", {})
    with pytest.raises(ValueError, match="undeclared aliases"):
        ev.catalogue.get("new-911-call").publish(community.pk, {}, aliases=["made-up"])


def test_declarations_are_consistent():
    names = [n for t in ev.catalogue for n in t.names]
    assert len(names) == len(set(names)), "a name is declared twice"
    for event_type in ev.catalogue:
        assert event_type.schema is not None and isinstance(event_type.audience, Role), event_type.name
        assert (event_type.sse is None) == (event_type.sse_build is None), event_type.name
    assert ev.audience(["new-announcement"]) == Role.CIVILIAN
    assert ev.lane(["panic-button"]) == ev.lane(["signal-100"]) == ev.Lane.PRIORITY
    assert ev.lane(["new-call"]) == ev.Lane.NORMAL
    # A personal event names its one recipient from its payload; a payload naming nobody reaches nobody.
    assert ev.recipient(["my-911-call-updated"], {"userId": "u-1"}) == "u-1"
    assert ev.recipient(["my-911-call-updated"], {}) == ev.recipient(["my-911-call-updated"], None) == ev.NOBODY
    assert ev.recipient(["new-call", "callUpdated"], {"userId": "u-1"}) is None


def test_a_personal_event_cannot_have_an_sse_twin():
    """/fivem/events streams to a game server's token, which is nobody's: a personal event declared with an
    SSE twin would be replayed to it (the SSE replay checks roles only), so the declaration is refused."""
    with pytest.raises(ValueError, match="personal event"):
        ev.EventType("my-thing", dict, sse="my_thing", sse_build=dict, recipient=lambda p: p["userId"])


def test_the_realtime_kernel_names_no_domain_event():
    """cad/events.py and cad/realtime/ read audiences, lanes and map roles from the catalogues."""
    declared = {n for t in ev.catalogue for n in t.names}
    for path in [ROOT / "cad" / "events.py", *(ROOT / "cad" / "realtime").glob("*.py")]:
        tree = ast.parse(path.read_text())
        docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                      if isinstance(node, ast.Module | ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
                      and node.body and isinstance(node.body[0], ast.Expr)}
        named = {node.value for node in ast.walk(tree) if isinstance(node, ast.Constant)
                 and isinstance(node.value, str) and id(node) not in docstrings} & declared
        assert not named, f"{path.relative_to(ROOT)} names {sorted(named)}"
        imports = {alias.name.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.Import)
                   for alias in node.names}
        imports |= {(node.module or "").split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
        apps = {"calls", "dispatch", "characters", "records", "bolos", "announcements", "lookups"}
        assert not imports & apps, f"{path.relative_to(ROOT)} imports {sorted(imports & apps)}"
