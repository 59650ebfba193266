"""A plain form submission to an MDT action (a shortcut that beat htmx's processing of a freshly swapped
form, or a browser without JavaScript) is sent back to /mdt with the outcome, never a bare fragment."""

from __future__ import annotations

import pytest

from calls import services as call_services
from calls.inputs import CallInput
from dispatch.selectors import unit_for_character
from records.models import Citation


def _messages(client) -> str:
    return client.get("/mdt").content.decode()


def test_status_without_htmx_goes_back_to_the_page(web, officer, officer_char):
    plain = web(officer, htmx=False)
    r = plain.post("/mdt/unit/duty", {"on": "1"})
    assert (r.status_code, r["Location"]) == (303, "/mdt")
    unit = unit_for_character(officer_char)
    assert unit is not None and unit.on_duty
    r = plain.post("/mdt/unit/status", {"status": "10-6"})
    assert (r.status_code, r["Location"]) == (303, "/mdt")
    unit.refresh_from_db()
    assert unit.status_code.code == "10-6"
    page = _messages(plain)
    assert "<html" in page and "Status 10-6." in page  # the whole page, with the outcome
    # htmx still gets its fragment.
    fragment = web(officer).post("/mdt/unit/status", {"status": "10-8"})
    assert fragment.status_code == 200 and "<html" not in fragment.content.decode()


def test_bad_input_without_htmx_changes_nothing_and_says_why(web, officer, officer_char, subject):
    plain = web(officer, htmx=False)
    plain.post("/mdt/unit/duty", {"on": "1"})
    r = plain.post("/mdt/unit/status", {"status": ""})
    assert (r.status_code, r["Location"]) == (303, "/mdt")
    unit = unit_for_character(officer_char)
    assert unit.status_code.code == "10-8"
    assert "Choose a status." in _messages(plain)
    plain.post("/mdt/unit/status", {"status": "10-999"})  # the service's own refusal, in its words
    unit.refresh_from_db()
    assert unit.status_code.code == "10-8" and "10-999" in _messages(plain)
    r = plain.post(f"/mdt/people/{subject.pk}/citation", {"violation": "", "fine_amount": "-5"})
    assert (r.status_code, r["Location"]) == (303, "/mdt")
    assert not Citation.objects.for_community(subject.community).exists()
    assert "Not saved" in _messages(plain)


def test_call_actions_without_htmx(web, officer, officer_char, community):
    plain = web(officer, htmx=False)
    plain.post("/mdt/unit/duty", {"on": "1"})
    call = call_services.call_create(community=community, data=CallInput(title="10-50", location="Route 1"))
    r = plain.post(f"/mdt/calls/{call.pk}/attach")
    assert (r.status_code, r["Location"]) == (303, "/mdt")
    assert call.assignments.filter(unit=unit_for_character(officer_char)).exists()
    assert f"Attached to call #{call.number}." in _messages(plain)


@pytest.mark.parametrize("path", ["/mdt/unit/status", "/mdt/unit/duty", "/mdt/unit/panic"])
def test_refusals_stay_refusals(web, client, civilian, path):
    """Only a fragment becomes a redirect: signed out is still the sign-in page, a civilian still 403."""
    r = client.post(path, {"status": "10-8"})
    assert r.status_code == 302 and r["Location"].startswith("/login")
    assert web(civilian, htmx=False).post(path, {"status": "10-8"}).status_code == 403


def test_another_communitys_call_is_still_404(web, officer, officer_char, other_community):
    plain = web(officer, htmx=False)
    plain.post("/mdt/unit/duty", {"on": "1"})
    call = call_services.call_create(community=other_community, data=CallInput(title="x", location="y"))
    assert plain.post(f"/mdt/calls/{call.pk}/attach").status_code == 404
    assert not call.assignments.exists()
