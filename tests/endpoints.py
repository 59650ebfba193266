"""The endpoint table: one declaration per endpoint (method + route) under /api and /fivem, from which
`tests/test_endpoint_table.py` generates the four promises (after NetBox's `utilities/testing/api.py`):

- success: the least role allowed (or the community's API token) gets the declared status;
- bad input: the declared bad body is a JSON 400 and nothing changed (no row added, removed or edited
  anywhere, no event sent);
- another community's object: the same request naming community B's object is a JSON 404 without its data;
- role: a member one role below the minimum gets a JSON 403.

`route` is the URL pattern as Django's resolver prints it, normalised (`{pk}` for every path argument);
`tests/test_endpoint_table.py::test_every_route_is_in_the_table` fails for a route and method that is
neither declared here nor in `EXEMPT` with a reason, so a new endpoint cannot skip the promises.

An endpoint's path arguments are filled by `World.args(obj, community, key)`: `obj` names what the route is
about ("warrant", "call", ...), `MAKERS` makes one in the given community, and `key` names the attribute
that fills the route's arguments (`pk`, `plate` for 004's plate routes, or `license_number` for routes keyed
by a licence number). `path` fixes arguments that name no object (`{"kind": "call-types"}`); `given` names
rows the route needs but does not name (the community's postal table). A read's `bad` goes in its query.
A game server's route (`role=None`) asks the other-community question with our community's own token, and
that answer must carry the ID of no row made in the other community; `foreign_status` is 200 only for a
lookup, which answers another community's plate exactly as an unknown one.

Who acts is an *actor*: a `Role` (the table's member with that role in the community), `None` (the
community's API token) or `ANOTHER_CIVILIAN` (a second civilian member). Civilians own their characters and
what those own: the `civ_*` makers give rows owned by the table's civilian member, and an endpoint whose
refusal is not "one role below" names who is refused (`denied`) and how (`denied_status`: 404 where the
product hides rows the caller may not read, as a civilian's list and detail views do).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from cad.core.choices import Role

ROLES_UP = [Role.CIVILIAN, Role.OFFICER, Role.DISPATCHER, Role.SUPERVISOR, Role.ADMIN]
ANOTHER_CIVILIAN = "another civilian"  # a civilian member who is not the table's civilian (owns nothing here)

Actor = Role | str | None


@dataclass(frozen=True)
class Endpoint:
    method: str
    route: str
    role: Role | None  # the least member role allowed; None: a game server (the community's API token)
    obj: str | None = None  # what the route's {pk}-like arguments name (see MAKERS)
    body: Callable[[World], Any] | dict | None = None  # a valid body (a callable gets the world)
    bad: Callable[[World], dict] | dict | None = None  # merged over the body (a GET: the query): a 400
    status: int = 200
    query: Callable[[World], dict] | dict = field(default_factory=dict)
    key: str = "pk"  # the attribute of `obj` that fills the route's arguments
    format: str = "json"  # "multipart" for uploads (the body's files are made fresh for every request)
    denied: Actor = None  # who may not (default: a member one role below `role`)
    denied_status: int = 403
    path: dict = field(default_factory=dict)  # path arguments that name no object ({"kind": "call-types"})
    given: tuple[str, ...] = ()  # rows (MAKERS names) our community has before the request, named nowhere in it
    # What naming another community's object answers: 404, or (a lookup) the answer for an unknown one
    foreign_status: int = 404

    @property
    def id(self) -> str:
        return f"{self.method} {self.route}"

    def role_below(self) -> Actor:
        if self.denied is not None:
            return self.denied
        if self.role is None or self.role == Role.CIVILIAN:
            return None
        return ROLES_UP[ROLES_UP.index(self.role) - 1]


def normalise(route: str) -> str:
    """Django's printed pattern → `api/warrants/{pk}` (regex and converter arguments alike)."""
    route = route.replace("^", "").replace("$", "")
    route = re.sub(r"\(\?P<(\w+)>[^)]*\)", r"{\1}", route)
    route = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route)
    return route


# --- what routes are about --------------------------------------------------------------------------

class World:
    """Rows for one test, made on demand in community A (ours) or B (theirs)."""

    def __init__(self, community, other_community, officer_char_maker):
        self.community, self.other_community = community, other_community
        self._officer_char = officer_char_maker
        self._made: dict[tuple[str, Any], Any] = {}
        self._members: dict[tuple[Actor, Any], Any] = {}

    def member(self, actor: Actor, community=None):
        """The table's user acting as `actor` in `community` (made once): a Role or ANOTHER_CIVILIAN."""
        from cad.core import services

        community = community or self.community
        key = (actor, community.pk)
        if key not in self._members:
            role = Role.CIVILIAN if actor == ANOTHER_CIVILIAN else Role(actor)
            name = "civilian2" if actor == ANOTHER_CIVILIAN else str(role)
            user = services.user_ensure(username=f"table_{name}_{str(community.pk)[:8]}")
            services.membership_set(community=community, user=user, role=role)
            self._members[key] = user
        return self._members[key]

    def make(self, name: str, community=None):
        community = community or self.community
        key = (name, community.pk)
        if key not in self._made:
            self._made[key] = MAKERS[name](self, community)
        return self._made[key]

    def args(self, obj: str | None, community=None, key: str = "pk") -> dict[str, str]:
        if obj is None:
            return {}
        row = self.make(obj, community)
        return {"pk": str(getattr(row, key))}

    def made_in(self, community) -> list:
        """Every row made so far in `community`."""
        return [row for (_, pk), row in self._made.items() if pk == community.pk]

    def officer_char(self, community=None):
        """The leo character of the table's officer member (made once), who may sign records as it."""
        community = community or self.community
        key = ("officer character", community.pk)
        if key not in self._made:
            self._made[key] = self._officer_char(community, self.member(Role.OFFICER, community))
        return self._made[key]


def _character(world: World, community):
    from tests.factories import CharacterFactory

    return CharacterFactory(community=community, first_name="John", last_name="Smith")


def _warrant(world: World, community):
    from records import services

    return services.warrant_create(community=community, character=world.make("character", community), title="FTA",
                                   issued_by=world.officer_char(community))


def _suspect(world: World, community):
    from records import services

    return services.suspect_create(community=community, first_name="John")


def _citation(world: World, community):
    from records import services

    return services.citation_create(community=community, character=world.make("character", community),
                                    issued_by=world.officer_char(community), violation="Speeding",
                                    fine_amount=100)


def _bolo(world: World, community):
    from bolos import services

    return services.bolo_create(community=community, description="Red sedan", role=Role.ADMIN)


def _tone(world: World, community):
    from dispatch import services

    return services.tone_set(community=community, description="Structure fire", leo=True, ems_fd=False)[0]


# -- table-b: civilians' own rows (characters app), owned by the table's civilian member -----------------

def _civ_character(world: World, community):
    """Community A's civilian owns it in either community (one person playing in two), so the other-community
    promise cannot pass on ownership alone: only tenancy refuses their character in B."""
    from tests.factories import CharacterFactory

    return CharacterFactory(community=community, user=world.member(Role.CIVILIAN), first_name="Carl",
                            last_name="Civvy")


def _civ_vehicle(world: World, community):
    from tests.factories import VehicleFactory

    return VehicleFactory(community=community, owner=world.make("civ_character", community))


def _civ_weapon(world: World, community):
    from characters import services

    return services.weapon_register(community=community, owner=world.make("civ_character", community),
                                    serial_number="SN-TABLE-1")


def _civ_license(world: World, community):
    from characters import services

    return services.license_issue(character=world.make("civ_character", community), license_class="C")


def _civ_application(world: World, community):
    from characters import services

    return services.weapon_license_apply(character=world.make("civ_character", community), notes="Hunting")


# -- table-b: records ----------------------------------------------------------------------------------

def _report(world: World, community):
    from records import services

    return services.report_create(community=community, author=world.officer_char(community), title="Traffic stop",
                                  body="Verbal warning given.")


def _arrest(world: World, community):
    from records import services

    return services.arrest_create(community=community, character=world.make("character", community),
                                  arrested_by=world.officer_char(community), charges=["Resisting arrest"])


# -- table-a: calls, dispatch, game server --------------------------------------------------------------

def _call(world: World, community):
    from calls import services
    from calls.inputs import CallInput

    return services.call_create(community=community, data=CallInput(call_type="Traffic Stop", location="Main St",
                                                                    caller="John Doe", postal="345"))


def _waiting_911_call(world: World, community):
    from calls import services
    from calls.inputs import CallInput

    return services.call_create(community=community, awaiting_approval=True,
                                data=CallInput(call_type="Structure Fire", location="Grove St", caller="Jane"))


def _vehicle(world: World, community):
    from tests.factories import VehicleFactory

    return VehicleFactory(community=community, owner=world.make("character", community))


def _unit(world: World, community):
    """An on-duty LEO unit (its character is `world.officer_char(community)`)."""
    from dispatch import services

    return services.duty_set(character=world.officer_char(community), on=True)


def _assigned_call(world: World, community):
    """A call our on-duty unit is on (what a game server's character acts on)."""
    from calls import services

    return services.call_assign_unit(call=world.make("call", community), unit=world.make("unit", community))


def _tracked_unit(world: World, community):
    """An on-duty unit on the live map."""
    from dispatch import services

    unit = world.make("unit", community)
    services.position_update(community_id=community.pk, unit_id=str(unit.pk), x=1.0, y=2.0, z=3.0,
                             unit_name=unit.name, character_id=str(unit.character_id))
    return unit


def _announcement(world: World, community):
    from announcements import services

    return services.announcement_create(community=community, title="Briefing", message="Roll call at 1900",
                                        role=Role.ADMIN)


def _community(world: World, community):
    return community


def _token(world: World, community):
    from cad.core import services

    return services.token_create(community=community, name="Second server")[0]


def _call_type(world: World, community):
    from cad.core import services

    return services.value_create(community=community, kind="call-types", fields={"name": "Bank robbery"})


def _postal_table(world: World, community):
    from postals import services

    return services.postal_table_replace(community=community, name="base",
                                         entries=[{"code": "101", "x": 0.0, "y": 0.0}])


MAKERS: dict[str, Callable[[World, Any], Any]] = {
    "character": _character, "warrant": _warrant, "suspect": _suspect, "citation": _citation, "bolo": _bolo,
    "tone": _tone,
    # table-b: characters app
    "civ_character": _civ_character, "civ_vehicle": _civ_vehicle, "civ_weapon": _civ_weapon,
    "civ_license": _civ_license, "civ_application": _civ_application,
    # table-b: records
    "report": _report, "arrest": _arrest,
    # table-a
    "call": _call, "waiting_911_call": _waiting_911_call, "unit": _unit, "assigned_call": _assigned_call,
    "tracked_unit": _tracked_unit, "vehicle": _vehicle, "announcement": _announcement, "community": _community,
    "token": _token, "call_type": _call_type, "postal_table": _postal_table,
}


def _warrant_body(world: World) -> dict:
    return {"characterId": str(world.make("character").pk), "title": "Armed Robbery"}


def _citation_body(world: World) -> dict:
    return {"characterId": str(world.make("character").pk), "issuedBy": str(world.officer_char().pk),
            "violation": "Speeding", "fine": 150}


# -- table-b: characters app bodies ---------------------------------------------------------------------

def _png() -> bytes:
    import io

    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buf, "PNG")
    return buf.getvalue()


def _upload(field: str, name: str, content: bytes | None = None) -> Callable[[World], dict]:
    """A multipart body with one file under `field`, sent as image/png: a real PNG, or `content` passed off
    as one. Made per request: an uploaded file is read once."""

    def body(world: World) -> dict:
        from django.core.files.uploadedfile import SimpleUploadedFile

        data = _png() if content is None else content
        return {field: SimpleUploadedFile(name, data, content_type="image/png")}

    return body


def _civ_character_id(world: World) -> str:
    return str(world.make("civ_character").pk)


def _for_civ_character(fields: dict) -> Callable[[World], dict]:
    """A body about the table's civilian's character (`characterId`) with `fields`."""
    return lambda world: {"characterId": _civ_character_id(world), **fields}


# -- table-b: records and lookup bodies ----------------------------------------------------------------

def _officer_char_id(world: World) -> str:
    return str(world.officer_char().pk)


def _report_body(world: World) -> dict:
    return {"authorId": _officer_char_id(world), "title": "Burglary", "body": "Rear window forced."}


def _arrest_body(world: World) -> dict:
    return {"characterId": str(world.make("character").pk), "arrestedBy": _officer_char_id(world),
            "charges": ["Burglary"], "jailTimeMin": 30}


def _acting(world: World, **extra) -> dict:
    """004's body naming our on-duty unit's character (and the call it is on)."""
    unit = world.make("unit")
    return {"character_id": str(unit.character_id), **extra}


def _on_the_call(world: World) -> dict:
    return _acting(world, call_id=str(world.make("assigned_call").pk))


def _on_the_dispatch_desk(world: World) -> dict:
    """Our dispatcher at the desk (001 sets the department of an active dispatcher)."""
    from dispatch import services

    services.dispatcher_set_active(community=world.community, user=world.member(Role.DISPATCHER), value=True)
    return {"activeDepartment": None}


def _fivem_record(world: World, **fields) -> dict:
    """004's report bodies: about our character, signed by our officer's character."""
    return {"character_id": str(world.make("character").pk), **fields}


# --- the table ----------------------------------------------------------------------------------------

ENDPOINTS: list[Endpoint] = [
    # records (000 §5)
    Endpoint("GET", "api/warrants", Role.OFFICER),
    Endpoint("POST", "api/warrants", Role.OFFICER, body=_warrant_body, bad={"title": ""}, status=201),
    Endpoint("GET", "api/warrants/{pk}", Role.OFFICER, obj="warrant"),
    Endpoint("PATCH", "api/warrants/{pk}", Role.OFFICER, obj="warrant", body={"status": "served"},
             bad={"status": "gone"}),
    Endpoint("PUT", "api/warrants/{pk}", Role.OFFICER, obj="warrant", body={"status": "served"},
             bad={"status": "gone"}),
    Endpoint("DELETE", "api/warrants/{pk}", Role.SUPERVISOR, obj="warrant", status=204),
    Endpoint("GET", "api/suspects", Role.OFFICER),
    Endpoint("POST", "api/suspects", Role.OFFICER, body={"firstName": "John"}, bad={"status": "escaped"},
             status=201),
    Endpoint("GET", "api/suspects/{pk}", Role.OFFICER, obj="suspect"),
    Endpoint("PUT", "api/suspects/{pk}", Role.OFFICER, obj="suspect", body={"status": "in-custody"},
             bad={"firstName": ""}),
    Endpoint("DELETE", "api/suspects/{pk}", Role.SUPERVISOR, obj="suspect", status=204),
    # dispatch (001)
    Endpoint("GET", "api/dispatch", Role.OFFICER),
    Endpoint("POST", "api/dispatch/aop", Role.DISPATCHER, body={"aop": "Sandy Shores"}, bad={"aop": ""}),
    Endpoint("POST", "api/dispatch/signal-100", Role.DISPATCHER, body={"value": True}, bad={"value": "perhaps"}),
    Endpoint("GET", "api/dispatch/tones", Role.OFFICER),
    Endpoint("DELETE", "api/dispatch/tones/{tone_id}", Role.DISPATCHER, obj="tone"),
    # BOLOs (000 / 001)
    Endpoint("GET", "api/bolos", Role.OFFICER),
    Endpoint("GET", "api/bolos/{pk}", Role.OFFICER, obj="bolo"),
    # -- table-b: the characters app. A civilian owns their characters and what those own. Another civilian
    # does not see them (404); an officer reads them but does not change them (403).
    Endpoint("GET", "api/characters", Role.CIVILIAN),
    Endpoint("POST", "api/characters", Role.CIVILIAN, body={"firstName": "Ann", "lastName": "Lee"},
             bad={"type": "pilot"}, status=201),
    Endpoint("GET", "api/characters/{pk}", Role.CIVILIAN, obj="civ_character", denied=ANOTHER_CIVILIAN,
             denied_status=404),
    Endpoint("PATCH", "api/characters/{pk}", Role.CIVILIAN, obj="civ_character", body={"phone": "555-0123"},
             bad={"lastName": ""}, denied=Role.OFFICER),
    Endpoint("PUT", "api/characters/{pk}", Role.CIVILIAN, obj="civ_character",
             body={"firstName": "Carl", "lastName": "Civic"}, bad={"dateOfBirth": "2999-01-01"},
             denied=Role.OFFICER),
    Endpoint("DELETE", "api/characters/{pk}", Role.CIVILIAN, obj="civ_character", status=204, denied=Role.OFFICER),
    Endpoint("POST", "api/characters/{pk}/activate", Role.CIVILIAN, obj="civ_character", denied=Role.OFFICER),
    Endpoint("POST", "api/characters/{pk}/mugshot", Role.CIVILIAN, obj="civ_character",
             body=_upload("mugshot", "face.png"), bad=_upload("mugshot", "evil.png", b"<?php echo 1; ?>" * 10),
             format="multipart", denied=Role.OFFICER),
    Endpoint("GET", "api/vehicles", Role.CIVILIAN),
    Endpoint("POST", "api/vehicles", Role.CIVILIAN,
             body=_for_civ_character({"plate": "TBL 001", "make": "Vapid", "model": "Stanier", "color": "Blue",
                                      "year": 2015}),
             bad={"year": 1700}, status=201, denied=ANOTHER_CIVILIAN),
    Endpoint("GET", "api/vehicles/{pk}", Role.CIVILIAN, obj="civ_vehicle", denied=ANOTHER_CIVILIAN,
             denied_status=404),
    Endpoint("PATCH", "api/vehicles/{pk}", Role.CIVILIAN, obj="civ_vehicle", body={"color": "Green"},
             bad={"registrationStatus": "forged"}, denied=Role.OFFICER),
    Endpoint("PUT", "api/vehicles/{pk}", Role.CIVILIAN, obj="civ_vehicle", body={"plate": "TBL 002", "color": "Red"},
             bad={"plate": ""}, denied=Role.OFFICER),
    Endpoint("DELETE", "api/vehicles/{pk}", Role.CIVILIAN, obj="civ_vehicle", status=204, denied=Role.OFFICER),
    Endpoint("GET", "api/weapons", Role.CIVILIAN),
    Endpoint("POST", "api/weapons", Role.CIVILIAN,
             body=_for_civ_character({"serialNumber": "SN-NEW-1", "make": "Vom Feuer", "model": "P99",
                                      "caliber": "9mm"}),
             bad={"serialNumber": ""}, status=201, denied=ANOTHER_CIVILIAN),
    Endpoint("GET", "api/weapons/{pk}", Role.CIVILIAN, obj="civ_weapon", denied=ANOTHER_CIVILIAN,
             denied_status=404),
    Endpoint("PATCH", "api/weapons/{pk}", Role.CIVILIAN, obj="civ_weapon", body={"caliber": ".45"},
             bad={"characterId": "not-a-character"}, denied=Role.OFFICER),
    Endpoint("PUT", "api/weapons/{pk}", Role.CIVILIAN, obj="civ_weapon",
             body=_for_civ_character({"serialNumber": "SN-TABLE-2"}),
             bad={"serialNumber": ""}, denied=Role.OFFICER),
    Endpoint("DELETE", "api/weapons/{pk}", Role.CIVILIAN, obj="civ_weapon", status=204, denied=Role.OFFICER),
    # licenses: a civilian registers their own (self-registration is on by default); admins override
    Endpoint("GET", "api/licenses", Role.CIVILIAN),
    Endpoint("POST", "api/licenses", Role.CIVILIAN, body=_for_civ_character({"class": "C"}),
             bad={"class": "Z9"}, status=201, denied=ANOTHER_CIVILIAN),
    Endpoint("GET", "api/licenses/{pk}", Role.CIVILIAN, obj="civ_license", denied=ANOTHER_CIVILIAN,
             denied_status=404),
    Endpoint("PATCH", "api/licenses/{pk}", Role.ADMIN, obj="civ_license", body={"status": "revoked"},
             bad={"status": "lost"}),
    Endpoint("PUT", "api/licenses/{pk}", Role.ADMIN, obj="civ_license", body={"status": "revoked"},
             bad={"status": "lost"}),
    Endpoint("DELETE", "api/licenses/{pk}", Role.ADMIN, obj="civ_license", status=204),
    Endpoint("GET", "api/weapon-license-applications", Role.CIVILIAN),
    Endpoint("POST", "api/weapon-license-applications", Role.CIVILIAN,
             body=_for_civ_character({"notes": "Sport shooting"}), bad={"characterId": "not-a-character"},
             status=201, denied=ANOTHER_CIVILIAN),
    Endpoint("GET", "api/weapon-license-applications/{pk}", Role.CIVILIAN, obj="civ_application",
             denied=ANOTHER_CIVILIAN, denied_status=404),
    Endpoint("POST", "api/weapon-license-applications/{pk}/approve", Role.SUPERVISOR, obj="civ_application",
             body={"reason": "Background check clear"}, bad={"reason": "x" * 2001}),
    Endpoint("POST", "api/weapon-license-applications/{pk}/deny", Role.SUPERVISOR, obj="civ_application",
             body={"reason": "Record"}, bad={"reason": "x" * 2001}),
    # -- table-b: records (reports and their review queue, arrests with photos, citations, suspects) --------
    Endpoint("GET", "api/reports", Role.OFFICER),
    Endpoint("POST", "api/reports", Role.OFFICER, body=_report_body, bad={"title": ""}, status=201),
    Endpoint("GET", "api/reports/types", Role.OFFICER, query=lambda w: {"authorId": _officer_char_id(w)},
             bad={"authorId": "nobody"}),
    Endpoint("GET", "api/reports/{pk}", Role.OFFICER, obj="report"),
    Endpoint("DELETE", "api/reports/{pk}", Role.SUPERVISOR, obj="report", status=204),
    Endpoint("POST", "api/reports/{pk}/approve", Role.SUPERVISOR, obj="report", body={"note": "Good work"},
             bad={"note": "x" * 2001}),
    Endpoint("POST", "api/reports/{pk}/reject", Role.SUPERVISOR, obj="report", body={"note": "Missing times"},
             bad={"note": "x" * 2001}),
    Endpoint("GET", "api/arrests", Role.OFFICER),
    Endpoint("POST", "api/arrests", Role.OFFICER, body=_arrest_body, bad={"charges": []}, status=201),
    Endpoint("GET", "api/arrests/{pk}", Role.OFFICER, obj="arrest"),
    Endpoint("DELETE", "api/arrests/{pk}", Role.SUPERVISOR, obj="arrest", status=204),
    Endpoint("POST", "api/arrests/{pk}/photos", Role.OFFICER, obj="arrest", body=_upload("photo", "scene.png"),
             bad=_upload("photo", "scene.png", b"MZ\x90\x00 not an image" * 10), format="multipart",
             status=201),
    Endpoint("GET", "api/citations", Role.OFFICER),
    Endpoint("POST", "api/citations", Role.OFFICER, body=_citation_body, bad={"violation": ""}, status=201),
    Endpoint("GET", "api/citations/{pk}", Role.OFFICER, obj="citation"),
    Endpoint("PATCH", "api/citations/{pk}", Role.OFFICER, obj="citation", body={"paid": True},
             bad={"paid": "perhaps"}),
    Endpoint("PUT", "api/citations/{pk}", Role.OFFICER, obj="citation", body={"paid": True},
             bad={"paid": "perhaps"}),
    Endpoint("DELETE", "api/citations/{pk}", Role.SUPERVISOR, obj="citation", status=204),
    Endpoint("PATCH", "api/suspects/{pk}", Role.OFFICER, obj="suspect", body={"status": "in-custody"},
             bad={"status": "escaped"}),
    # -- table-b: lookups (000 §4) -------------------------------------------------------------------------
    Endpoint("POST", "api/lookup", Role.OFFICER, body={"query": "Smith"}, bad={"query": ""}),
    Endpoint("GET", "api/lookup/recent", Role.OFFICER, bad={"limit": 0}),
    Endpoint("GET", "api/lookup/civilian/{pk}", Role.OFFICER, obj="character"),
    Endpoint("GET", "api/lookup/vehicle/{pk}", Role.OFFICER, obj="vehicle"),
    Endpoint("GET", "api/lookup/reports/{license_number}", Role.OFFICER, obj="character", key="license_number"),
    # -- table-a: calls (000 §1, the 911 board §2, 001's /911-calls, CDE's FiveM scripts) ------------------
    Endpoint("GET", "api/calls/pending", Role.OFFICER),
    Endpoint("POST", "api/calls", Role.DISPATCHER, body={"callType": "Traffic Stop", "location": "Main St"},
             bad={"location": ""}, status=201),
    Endpoint("GET", "api/calls/{pk}", Role.OFFICER, obj="call"),
    Endpoint("PUT", "api/calls/{pk}", Role.DISPATCHER, obj="call", body={"description": "Now a red sedan"},
             bad={"status": "gone"}),
    Endpoint("DELETE", "api/calls/{pk}", Role.ADMIN, obj="call"),
    Endpoint("PATCH", "api/calls/{pk}/status", Role.OFFICER, obj="call", body={"status": "active"},
             bad={"status": "gone"}),
    Endpoint("PATCH", "api/calls/{pk}/attach-civilian", Role.DISPATCHER, obj="call",
             body=lambda w: {"civilianId": str(w.make("character").pk)}, bad={"civilianId": "nobody"}),
    Endpoint("PATCH", "api/calls/{pk}/attach-vehicle", Role.DISPATCHER, obj="call",
             body=lambda w: {"vehicleId": str(w.make("vehicle").pk)}, bad={"vehicleId": "nothing"}),
    Endpoint("POST", "api/calls/{pk}/notes", Role.OFFICER, obj="call", body={"text": "Suspect fled north"},
             bad={"text": ""}, status=201),
    Endpoint("PUT", "api/calls/{pk}/assign-unit", Role.DISPATCHER, obj="call",
             body=lambda w: {"action": "add", "unitId": str(w.make("unit").pk)}, bad={"action": "juggle"}),
    Endpoint("GET", "api/dispatch/911", Role.OFFICER),
    Endpoint("GET", "api/dispatch/911/markers", Role.OFFICER),
    Endpoint("POST", "api/dispatch/911/{call_id}/assign", Role.DISPATCHER, obj="call",
             body=lambda w: {"unitIds": [str(w.make("unit").pk)]}, bad={"unitIds": "all of them"}),
    Endpoint("POST", "api/dispatch/911/{call_id}/close", Role.DISPATCHER, obj="call",
             body={"disposition": "Report taken"}, bad={"disposition": "x" * 121}),
    Endpoint("GET", "api/911-calls", Role.OFFICER),
    Endpoint("POST", "api/911-calls", Role.CIVILIAN, body={"name": "Jane", "location": "Grove St",
                                                           "description": "Smoke", "type": "Structure Fire"},
             bad={"location": "x" * 201}, status=201),
    Endpoint("GET", "api/911-calls/{pk}", Role.OFFICER, obj="call"),
    Endpoint("PUT", "api/911-calls/{pk}", Role.DISPATCHER, obj="call", body={"description": "Two cars"},
             bad={"priority": "whenever"}),
    Endpoint("POST", "api/911-calls/{pk}/approve", Role.DISPATCHER, obj="waiting_911_call"),
    Endpoint("POST", "api/911-calls/{pk}/decline", Role.DISPATCHER, obj="waiting_911_call",
             body={"reason": "Prank"}, bad={"reason": "x" * 181}),
    Endpoint("PUT", "api/911-calls/{pk}/end", Role.DISPATCHER, obj="call"),
    Endpoint("POST", "api/fivem/911", Role.CIVILIAN, body={"callType": "Shots fired", "location": "Grove St"},
             bad={"coordinates": {"x": "west"}}, status=201),
    Endpoint("POST", "api/civilian/fivem-911-call", Role.CIVILIAN,
             body={"callType": "Shots fired", "location": "Grove St"}, bad={"coordinates": {"x": "west"}},
             status=201),
    Endpoint("POST", "api/fivem/panic", Role.OFFICER, body={"callerName": "Jane Law", "location": "Legion Sq"},
             bad={"characterId": "nobody"}, status=201),
    # -- table-a: dispatch (000 §2, 001) and 004's duty, live map, sounds, unit, status codes -------------
    Endpoint("GET", "api/dispatch/units", Role.OFFICER),
    Endpoint("GET", "api/dispatch/locations", Role.CIVILIAN),
    Endpoint("DELETE", "api/dispatch/location/{unit_id}", Role.DISPATCHER, obj="tracked_unit"),
    Endpoint("POST", "api/dispatch/duty", Role.OFFICER,
             body=lambda w: {"characterId": str(w.officer_char().pk), "action": "on"}, bad={"action": "maybe"}),
    Endpoint("POST", "api/dispatch/units/search", Role.DISPATCHER, body={"query": "Law"}, bad={"query": ""}),
    Endpoint("POST", "api/dispatch/dispatchers-state", Role.DISPATCHER, body={"value": True},
             bad={"value": "perhaps"}),
    Endpoint("PUT", "api/dispatch/active-dispatcher", Role.DISPATCHER, body=_on_the_dispatch_desk,
             bad={"activeDepartment": "nowhere"}),
    Endpoint("PUT", "api/dispatch/radio-channel/{unit_id}", Role.DISPATCHER, obj="unit",
             body={"radioChannel": "TAC-2"}, bad={"radioChannel": "x" * 41}),
    Endpoint("POST", "api/dispatch/tones", Role.DISPATCHER, body={"description": "Structure fire", "leoTone": True},
             bad={"description": ""}, status=201),
    Endpoint("POST", "fivem/duty", None, body=lambda w: {"character_id": str(w.officer_char().pk), "action": "on"},
             bad={"action": "maybe"}),
    Endpoint("GET", "fivem/livemap", None),
    Endpoint("GET", "fivem/sounds", None),
    Endpoint("GET", "fivem/unit", None, query=lambda w: {"character_id": str(w.make("unit").character_id)},
             bad={"character_id": "nobody"}),
    Endpoint("GET", "fivem/status-codes", None),
    # -- table-a: BOLOs (000, 001; creating, editing, deactivating under the default boloPermission "all") --
    Endpoint("GET", "api/bolos/active", Role.OFFICER),
    Endpoint("GET", "api/bolos/search", Role.OFFICER, query={"query": "sedan"}, bad={"query": ""}),
    Endpoint("POST", "api/bolos", Role.OFFICER, body={"type": "vehicle", "description": "Blue van", "plate": "VAN1"},
             bad={"description": ""}, status=201),
    Endpoint("PUT", "api/bolos/{pk}", Role.OFFICER, obj="bolo", body={"description": "Green van"},
             bad={"vehicleYear": "22"}),
    Endpoint("PATCH", "api/bolos/{pk}", Role.OFFICER, obj="bolo", body={"description": "Green van"},
             bad={"vehicleYear": "22"}),
    Endpoint("DELETE", "api/bolos/{pk}", Role.OFFICER, obj="bolo"),
    Endpoint("POST", "api/bolos/{pk}/viewed", Role.OFFICER, obj="bolo"),
    Endpoint("POST", "api/bolos/mark-stolen/{vehicle_id}", Role.OFFICER, obj="vehicle", body={"value": True},
             bad={"value": "perhaps"}),
    Endpoint("POST", "fivem/bolos", None, body={"description": "Blue van", "plate": "VAN1"}, bad={"type": "boat"},
             status=201),
    # -- table-a: announcements (000 §6) ---------------------------------------------------------------------
    Endpoint("GET", "api/announcements/active", Role.OFFICER),
    Endpoint("POST", "api/announcements", Role.SUPERVISOR,
             body={"title": "Briefing", "message": "Roll call at 1900", "priority": "info"}, bad={"priority": "loud"},
             status=201),
    Endpoint("DELETE", "api/announcements/{pk}", Role.SUPERVISOR, obj="announcement"),
    # -- table-a: who I am, communities, value lists, API tokens ---------------------------------------------
    Endpoint("GET", "api/me", Role.CIVILIAN),
    Endpoint("GET", "api/communities", Role.CIVILIAN),
    Endpoint("GET", "api/communities/{pk}", Role.CIVILIAN, obj="community"),
    Endpoint("PATCH", "api/communities/{pk}", Role.ADMIN, obj="community", body={"areaOfPlay": "Grapeseed"},
             bad={"callExpiryMinutes": -5}),
    Endpoint("POST", "api/communities/{pk}/activate", Role.CIVILIAN, obj="community"),
    Endpoint("GET", "api/values/{kind}", Role.CIVILIAN, path={"kind": "call-types"}),
    Endpoint("POST", "api/values/{kind}", Role.ADMIN, path={"kind": "call-types"},
             body={"name": "Pursuit", "code": "10-80", "defaultPriority": 1}, bad={"defaultPriority": 9}, status=201),
    Endpoint("GET", "api/values/{kind}/{pk}", Role.CIVILIAN, obj="call_type", path={"kind": "call-types"}),
    Endpoint("PUT", "api/values/{kind}/{pk}", Role.ADMIN, obj="call_type", path={"kind": "call-types"},
             body={"name": "Armed bank robbery"}, bad={"name": ""}),
    Endpoint("PATCH", "api/values/{kind}/{pk}", Role.ADMIN, obj="call_type", path={"kind": "call-types"},
             body={"name": "Armed bank robbery"}, bad={"defaultPriority": 0}),
    Endpoint("DELETE", "api/values/{kind}/{pk}", Role.ADMIN, obj="call_type", path={"kind": "call-types"},
             status=204),
    Endpoint("GET", "api/tokens", Role.ADMIN),
    Endpoint("POST", "api/tokens", Role.ADMIN, body={"name": "Second server"}, bad={"name": "x" * 201}, status=201),
    Endpoint("DELETE", "api/tokens/{pk}", Role.ADMIN, obj="token", status=204),
    # -- table-a: postal tables (admins upload; 004's /fivem/postal reads) -----------------------------------
    Endpoint("GET", "api/postals", Role.OFFICER, given=("postal_table",)),
    Endpoint("GET", "api/postals/file", Role.OFFICER, given=("postal_table",)),
    Endpoint("PUT", "api/postals", Role.ADMIN, body={"name": "base", "postals": [{"code": "7", "x": 1, "y": 2}]},
             bad={"postals": [{"code": "7", "x": "west", "y": 2}]}, status=201),
    Endpoint("POST", "api/postals", Role.ADMIN, body={"name": "base", "postals": [{"code": "7", "x": 1, "y": 2}]},
             bad={"postals": []}, status=201),
    Endpoint("DELETE", "api/postals", Role.ADMIN, given=("postal_table",)),
    Endpoint("GET", "fivem/postal", None, query={"x": 3.0, "y": 4.0}, bad={"x": "west"}, given=("postal_table",)),
    # -- table-a: 004's characters, vehicles, records and lookups (/fivem/*, the community's API token) -------
    Endpoint("POST", "fivem/player-connect", None, body={"discord_id": "100000000000000001"},
             bad={"discord_id": "x" * 33}),
    Endpoint("POST", "fivem/create-character", None,
             body=lambda w: {"user_id": str(w.member(Role.CIVILIAN).pk), "first_name": "Ada", "last_name": "Byrne"},
             bad={"first_name": ""}, status=201),
    Endpoint("POST", "fivem/vehicles", None,
             body=lambda w: {"character_id": str(w.make("character").pk), "plate": "TBL 004", "make": "Vapid",
                             "model": "Stanier"},
             bad={"year": 1200}, status=201),
    Endpoint("DELETE", "fivem/vehicles/{plate}", None, obj="vehicle", key="plate"),
    Endpoint("PATCH", "fivem/vehicles/{plate}/stolen", None, obj="vehicle", key="plate", body={"stolen": True},
             bad={"stolen": "yes"}),
    Endpoint("POST", "fivem/reports", None,
             body=lambda w: {"title": "Traffic stop", "body": "Warned", "author_id": str(w.officer_char().pk)},
             bad={"title": ""}, status=201),
    Endpoint("POST", "fivem/reports/arrests", None,
             body=lambda w: _fivem_record(w, arrested_by=str(w.officer_char().pk), charges="Evading"),
             bad={"charges": ""}, status=201),
    Endpoint("POST", "fivem/reports/citations", None,
             body=lambda w: _fivem_record(w, issued_by=str(w.officer_char().pk), violation="Speeding",
                                          fine_amount=150),
             bad={"fine_amount": -1}, status=201),
    Endpoint("GET", "fivem/lookup/player", None, query={"name": "Smith"}, bad={"name": ""}),
    Endpoint("GET", "fivem/lookup/plate/{plate}", None, obj="vehicle", key="plate", foreign_status=200),
    # -- table-a: 004's call routes (/fivem/*, the community's API token) ----------------------------------
    Endpoint("POST", "fivem/calls", None, body={"title": "Shots fired", "location": "Grove St"},
             bad={"title": ""}, status=201),
    Endpoint("GET", "fivem/calls/{pk}", None, obj="call"),
    Endpoint("POST", "fivem/calls/{pk}/close", None, obj="call", body={"disposition": "Report taken"},
             bad={"character_id": "nobody"}),
    Endpoint("POST", "fivem/calls/{pk}/detach", None, obj="assigned_call", body=_acting,
             bad={"character_id": "nobody"}),
    Endpoint("GET", "fivem/poll-calls", None),
    Endpoint("POST", "fivem/respond", None, body=_on_the_call, bad={"character_id": "nobody"}),
    Endpoint("POST", "fivem/on-scene", None, body=_on_the_call, bad={"character_id": "nobody"}),
    Endpoint("POST", "fivem/unit-status", None, body=lambda w: _acting(w, status="busy"),
             bad={"character_id": "nobody"}),
    Endpoint("POST", "fivem/scene-command", None, body=lambda w: {**_on_the_call(w), "take": True},
             bad={"take": "yes"}),
    Endpoint("POST", "fivem/panic", None, body=_acting, bad={"character_id": "nobody"}),
]

# Routes the table leaves to their own tests, each with the reason. A route may be here only until it is
# declared above, or for good when the four promises do not fit it.
EXEMPT: dict[str, str] = {
    "GET api/schema": "the OpenAPI description: public, no community, no input (tests/test_api_docs.py)",
    "GET api/docs": "Swagger UI page (tests/test_api_docs.py)",
    "GET api/docs/": "Swagger UI page (tests/test_api_docs.py)",
    "POST api/auth/token": "sign-in: no community or role yet (tests/test_auth.py, tests/test_throttle.py)",
    "POST api/auth/token/refresh": "token rotation: no community or role (tests/test_auth.py)",
    "GET fivem/events": "a Server-Sent Events stream, not a request/response (cad/realtime/tests/test_sse.py)",
}

# Routes whose four promises are still tested by hand in their app's tests (per-endpoint copies) and not yet
# declared above. The list only shrinks: a route added to the product after this table must be declared.
NOT_YET_IN_THE_TABLE: frozenset[str] = frozenset({
})
