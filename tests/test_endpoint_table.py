"""The four promises for every endpoint in `tests/endpoints.py`, and a check that no /api or /fivem route is
missing from it (or from its exemptions)."""

from __future__ import annotations

import re

import pytest
from django.apps import apps
from django.urls import URLPattern, URLResolver, get_resolver

from cad.core.tenancy import CommunityOwned
from tests.endpoints import ENDPOINTS, EXEMPT, NOT_YET_IN_THE_TABLE, Actor, Endpoint, World, normalise

pytestmark = pytest.mark.django_db

METHODS = ("get", "post", "put", "patch", "delete")
PREFIXES = ("api/", "fivem/")


def routes() -> set[str]:
    """Every `METHOD route` Django serves under /api and /fivem."""
    found: set[str] = set()

    def walk(patterns, prefix=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                route = normalise(prefix + str(pattern.pattern))
                if route.startswith(PREFIXES):
                    found.update(f"{m.upper()} {route}" for m in _methods(pattern.callback))

    walk(get_resolver().url_patterns)
    return found


def _methods(callback) -> list[str]:
    view = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
    if getattr(callback, "actions", None):  # a viewset route: every mapped method (one the viewset then
        return [m for m in callback.actions if m in METHODS]  # refuses with 405 is still a route to declare)
    if view is not None:
        allowed = [m for m in getattr(view, "http_method_names", METHODS) if m in METHODS]
        return [m for m in allowed if hasattr(view, m)]
    return ["get"]  # a plain function view (the SSE stream)


def test_every_route_is_in_the_table():
    declared = {e.id for e in ENDPOINTS}
    missing = sorted(routes() - declared - set(EXEMPT) - NOT_YET_IN_THE_TABLE)
    assert not missing, ("declare these in tests/endpoints.py (or exempt them with a reason):\n"
                         + "\n".join(missing))


def test_the_table_names_only_real_routes():
    served = routes()
    stale = sorted(({e.id for e in ENDPOINTS} | set(EXEMPT) | NOT_YET_IN_THE_TABLE) - served)
    assert not stale, "no such route: " + ", ".join(stale)
    assert not {e.id for e in ENDPOINTS} & NOT_YET_IN_THE_TABLE, "declared: take it off NOT_YET_IN_THE_TABLE"


def test_exemptions_give_a_reason():
    assert all(len(reason.split()) >= 3 for reason in EXEMPT.values())


# --- the four promises ------------------------------------------------------------------------------

@pytest.fixture
def world(community, other_community):
    from tests.factories import CharacterFactory

    def officer_char(target, user):
        return CharacterFactory(community=target, user=user, type="leo", first_name="Jane", last_name="Law")

    return World(community, other_community, officer_char)


@pytest.fixture(autouse=True)
def _modules_on_and_media_apart(community, other_community, settings, tmp_path):
    """Both communities run every optional module (DMV, weapons), so a route answers for itself rather than
    for a switched-off module; uploads land in the test's own directory."""
    for target in (community, other_community):
        target.dmv_enabled = target.weapons_enabled = True
        target.save()
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def client_as(as_, world, server):
    def make(actor: Actor, target=None):
        return server if actor is None else as_(world.member(actor, target))

    return make


def _url(endpoint: Endpoint, world: World, community=None) -> str:
    """The route with its fixed arguments (`Endpoint.path`) and, for the others, the object's."""
    for name in endpoint.given:
        world.make(name)
    obj = world.args(endpoint.obj, community, endpoint.key).get("pk")
    return "/" + re.sub(r"\{(\w+)\}", lambda m: endpoint.path.get(m.group(1)) or obj or m.group(0), endpoint.route)


def _made(value, world: World):
    return value(world) if callable(value) else value


def _send(client, endpoint: Endpoint, world: World, url: str, body):
    call = getattr(client, endpoint.method.lower())
    if endpoint.method == "GET":  # a read's input is its query: its `bad` goes there
        return call(url, {**_made(endpoint.query, world), **(body or {})})
    return call(url, body, format=endpoint.format) if body is not None else call(url)


def _snapshot() -> dict[str, int]:
    """Row counts of every model and the newest change time of those that keep one."""
    out = {}
    for model in apps.get_models():
        manager = model.objects
        queryset = manager.all_communities() if issubclass(model, CommunityOwned) else manager.all()
        out[model._meta.label] = queryset.count()
        if any(f.name == "updated_at" for f in model._meta.get_fields()):
            out[model._meta.label + ".updated_at"] = str(queryset.order_by("-updated_at")
                                                         .values_list("updated_at", flat=True).first())
    return out


def _is_json(response) -> bool:
    return response["Content-Type"].startswith("application/json")


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda e: e.id)
def test_success(endpoint, world, client_as):
    url, body = _url(endpoint, world), _made(endpoint.body, world)
    r = _send(client_as(endpoint.role), endpoint, world, url, body)
    assert r.status_code == endpoint.status, (r.status_code, r.content[:300])


@pytest.mark.parametrize("endpoint", [e for e in ENDPOINTS if e.bad is not None], ids=lambda e: e.id)
def test_bad_input_is_400_and_changes_nothing(endpoint, world, client_as, events,
                                              django_capture_on_commit_callbacks):
    url, body = _url(endpoint, world), {**(_made(endpoint.body, world) or {}), **_made(endpoint.bad, world)}
    client = client_as(endpoint.role)
    _made(endpoint.query, world)  # the rows a query names exist before the snapshot
    before, sent = _snapshot(), len(events)
    with django_capture_on_commit_callbacks(execute=True):
        r = _send(client, endpoint, world, url, body)
    assert r.status_code == 400 and _is_json(r), (r.status_code, r.content[:300])
    assert _snapshot() == before and len(events) == sent


@pytest.mark.parametrize("endpoint", [e for e in ENDPOINTS if e.obj], ids=lambda e: e.id)
def test_another_communitys_object_is_404(endpoint, world, client_as, other_community):
    theirs = world.make(endpoint.obj, other_community)
    url, body = _url(endpoint, world, other_community), _made(endpoint.body, world)
    r = _send(client_as(endpoint.role), endpoint, world, url, body)  # None: our community's game server
    assert r.status_code == endpoint.foreign_status and _is_json(r), (r.status_code, r.content[:300])
    answer = r.content.decode()
    assert str(theirs.pk) not in answer
    assert not [row for row in world.made_in(other_community) if str(row.pk) in answer]  # nor what it names


@pytest.mark.parametrize("endpoint", [e for e in ENDPOINTS if e.role_below()], ids=lambda e: e.id)
def test_a_lower_role_is_403(endpoint, world, client_as, events, django_capture_on_commit_callbacks):
    """A member one role below the minimum (or the endpoint's `denied` actor) is refused, and nothing
    changes: 403, or the declared 404 without the object where the product hides what they may not read."""
    url, body = _url(endpoint, world), _made(endpoint.body, world)
    client = client_as(endpoint.role_below())
    _made(endpoint.query, world)
    before, sent = _snapshot(), len(events)
    with django_capture_on_commit_callbacks(execute=True):
        r = _send(client, endpoint, world, url, body)
    assert r.status_code == endpoint.denied_status and _is_json(r), (r.status_code, r.content[:300])
    assert _snapshot() == before and len(events) == sent
    if endpoint.obj:
        assert str(world.make(endpoint.obj).pk) not in r.content.decode()
