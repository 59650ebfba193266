"""/mdt without a browser: every panel and action for success, bad input, another community and role."""

from __future__ import annotations

import pytest

from calls import services as call_services
from calls.inputs import CallInput
from characters.models import DrivingLicense
from characters.services import license_issue
from dispatch import services as dispatch_services
from dispatch.selectors import unit_for_character
from lookups.models import LookupHistory
from records import services as record_services
from records.models import Citation, Warrant

pytestmark = pytest.mark.django_db


def test_roles(web, officer, civilian, dispatcher, client):
    assert web(civilian).get("/mdt").status_code == 403
    assert web(civilian).get("/mdt/lookup?q=john").status_code == 403
    assert client.get("/mdt").status_code == 302  # to sign-in
    page = web(officer).get("/mdt")
    assert page.status_code == 200
    html = page.content.decode()
    assert '<label for="id_q">Lookup</label>' in html and 'aria-labelledby="unit-heading"' in html
    assert web(dispatcher).get("/mdt").status_code == 200


def test_duty_and_status_with_number_keys(web, officer, officer_char, community):
    client = web(officer)
    page = client.get("/mdt/unit").content.decode()
    assert "Go on duty" in page
    assert 'fill="#2563eb"' in page  # LSPD's colour beside its name
    assert client.post("/mdt/unit/duty", {"on": "1"}).status_code == 200
    unit = unit_for_character(officer_char)
    assert unit is not None and unit.on_duty
    page = client.get("/mdt/unit").content.decode()
    assert 'data-status-key="1"' in page and "10-8" in page and 'aria-keyshortcuts="1"' in page
    assert client.post("/mdt/unit/status", {"status": "10-6"}).status_code == 200
    unit.refresh_from_db()
    assert unit.status_code.code == "10-6"
    response = client.post("/mdt/unit/status", {"status": "10-999"})
    assert response.status_code == 400
    unit.refresh_from_db()
    assert unit.status_code.code == "10-6"
    assert client.post("/mdt/unit/duty", {"on": "0"}).status_code == 200
    assert unit_for_character(officer_char) is None


def test_duty_needs_a_responder_character(web, officer):
    response = web(officer).post("/mdt/unit/duty", {"on": "1"})
    assert response.status_code == 400 and "character" in response.content.decode()


def test_panic_from_the_mdt(web, officer, officer_char, community, events, django_capture_on_commit_callbacks):
    client = web(officer)
    client.post("/mdt/unit/duty", {"on": "1"})
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/mdt/unit/panic")
    assert response.status_code == 200 and "Panic sent" in response.content.decode()
    assert any("panic-button" in names for names, _ in events)


def test_my_call_actions(web, officer, officer_char, community, dispatcher):
    client = web(officer)
    client.post("/mdt/unit/duty", {"on": "1"})
    unit = unit_for_character(officer_char)
    call = call_services.call_create(community=community, by_user=dispatcher,
        data=CallInput(title="10-50 MVA", location="Route 1", postal="334"))
    panel = client.get("/mdt/call").content.decode()
    assert f"Attach to call #{call.number}" in panel
    assert client.post(f"/mdt/calls/{call.pk}/attach").status_code == 200
    panel = client.get("/mdt/call").content.decode()
    assert "10-50 MVA" in panel and "Route 1" in panel and ">334<" in panel
    assert client.post(f"/mdt/calls/{call.pk}/progress", {"state": "enroute"}).status_code == 200
    assert call.assignments.get(unit=unit).state == "enroute"
    assert client.post(f"/mdt/calls/{call.pk}/progress", {"state": "flying"}).status_code == 400
    assert client.post(f"/mdt/calls/{call.pk}/progress", {"state": "on_scene"}).status_code == 200
    assert client.post(f"/mdt/calls/{call.pk}/clear").status_code == 200
    assert not call.assignments.filter(unit=unit).exists()
    # Closing needs to be on the call.
    assert client.post(f"/mdt/calls/{call.pk}/close").status_code == 400
    client.post(f"/mdt/calls/{call.pk}/attach")
    assert client.post(f"/mdt/calls/{call.pk}/close").status_code == 200
    call.refresh_from_db()
    assert call.status == "closed"


def test_call_of_another_community_is_404(web, officer, officer_char, other_community):
    other = call_services.call_create(community=other_community, data=CallInput(title="Theirs"))
    client = web(officer)
    client.post("/mdt/unit/duty", {"on": "1"})
    assert client.post(f"/mdt/calls/{other.pk}/attach").status_code == 404
    assert not other.assignments.exists()


def test_lookup_flags_only_when_they_hold(web, officer, officer_char, subject, stolen_car, community, supervisor):
    client = web(officer)
    html = client.get("/mdt/lookup", {"q": "STOLEN1"}).content.decode()
    assert '<li class="flag flag-stolen">Stolen</li>' in html
    assert "Warrant<" not in html
    record_services.warrant_create(community=community, character=subject, title="Armed robbery")
    html = client.get("/mdt/lookup", {"q": "John Smith"}).content.decode()
    assert '<li class="flag flag-warrant">Warrant</li>' in html
    assert "Stolen" not in html.split("Vehicles")[0]
    assert LookupHistory.objects.for_community(community).filter(user=officer).count() == 2
    assert "STOLEN1" in client.get("/mdt/recent").content.decode()


def test_person_history_alone(web, officer, officer_char, subject, civilian, outsider, community, other_subject):
    record_services.citation_create(community=community, character=subject, issued_by=officer_char,
                                    violation="Running a red light", fine_amount=200)
    html = web(officer).get(f"/mdt/people/{subject.pk}/history").content.decode()
    assert 'id="person-history"' in html and "Running a red light" in html and "<form" not in html
    assert web(civilian).get(f"/mdt/people/{subject.pk}/history").status_code == 403
    assert web(outsider).get(f"/mdt/people/{subject.pk}/history").status_code == 404
    assert web(officer).get(f"/mdt/people/{other_subject.pk}/history").status_code == 404


def test_lookup_bad_input(web, officer):
    response = web(officer).get("/mdt/lookup", {"q": ""})
    assert response.status_code == 400
    response = web(officer).get("/mdt/lookup", {"q": "x" * 101})
    assert response.status_code == 400


def test_person_and_vehicle_records(web, officer, subject, stolen_car, other_subject):
    client = web(officer)
    html = client.get(f"/mdt/people/{subject.pk}").content.decode()
    assert "John Smith" in html and "STOLEN1" in html and 'aria-label="Citation"' in html
    assert '<label for="id_violation">Violation</label>' in html and '<label for="id_fine_amount">Fine</label>' in html
    assert '<label for="id_points">Points</label>' in html
    assert "Vehicle STOLEN1" in client.get(f"/mdt/vehicles/{stolen_car.pk}").content.decode()
    assert client.get(f"/mdt/people/{other_subject.pk}").status_code == 404
    assert client.get("/mdt/people/not-a-uuid").status_code == 404


def test_citation_from_a_person_card_adds_points(web, officer, officer_char, subject, community):
    community.dmv_enabled = community.dmv_points_enabled = True
    community.save()
    license_issue(character=subject, license_class="E")
    client = web(officer)
    response = client.post(f"/mdt/people/{subject.pk}/citation",
                           {"violation": "Speeding", "fine_amount": "250", "points": "3"})
    assert response.status_code == 200, response.content.decode()
    html = response.content.decode()
    assert "Citation written" in html and '<dd id="person-points">3</dd>' in html
    assert DrivingLicense.objects.for_community(community).get(character=subject).points == 3
    # Bad input: the form's errors, nothing written.
    response = client.post(f"/mdt/people/{subject.pk}/citation", {"violation": "", "fine_amount": "-1", "points": "13"})
    assert response.status_code == 400
    assert Citation.objects.for_community(community).count() == 1


def test_citation_needs_an_officer_character(web, officer, subject, community):
    response = web(officer).post(f"/mdt/people/{subject.pk}/citation",
                                 {"violation": "Speeding", "fine_amount": "0", "points": "0"})
    assert response.status_code == 400
    assert not Citation.objects.for_community(community).exists()


def test_arrest_and_warrant_from_a_person_card(web, officer, officer_char, subject, community):
    from records.models import Arrest

    report = record_services.report_create(community=community, author=officer_char, title="Pursuit", body="x",
                                           created_by=officer)
    client = web(officer)
    assert f"#{report.number} Pursuit" in client.get(f"/mdt/people/{subject.pk}").content.decode()
    response = client.post(f"/mdt/people/{subject.pk}/arrest", {"charges": "Reckless driving, Evading",
                                                                 "report": str(report.pk)})
    assert response.status_code == 200 and "Arrest recorded" in response.content.decode()
    assert Arrest.objects.for_community(community).get().report == report
    assert client.post(f"/mdt/people/{subject.pk}/arrest", {"charges": "x", "report": "bogus"}).status_code == 400
    response = client.post(f"/mdt/people/{subject.pk}/warrant", {"title": "Failure to appear", "description": ""})
    assert response.status_code == 200 and Warrant.objects.for_community(community).filter(character=subject).exists()
    assert client.post(f"/mdt/people/{subject.pk}/warrant", {"title": ""}).status_code == 400


def test_writes_refused_to_civilians_and_for_other_communities(web, civilian, officer, officer_char, other_subject,
                                                               subject):
    assert web(civilian).post(f"/mdt/people/{subject.pk}/citation",
                              {"violation": "x", "fine_amount": "0", "points": "0"}).status_code == 403
    assert web(officer).post(f"/mdt/people/{other_subject.pk}/citation",
                             {"violation": "x", "fine_amount": "0", "points": "0"}).status_code == 404


def test_bolos_panel(web, officer, community, dispatcher):
    from bolos import services as bolo_services

    bolo_services.bolo_create(community=community, by_user=dispatcher, type="vehicle", description="Red Dodge",
                              vehicle_plate="ABC123")
    assert "ABC123" in web(officer).get("/mdt/bolos").content.decode()


def test_duty_state_is_not_leaked_between_communities(web, outsider, other_community, officer, officer_char):
    web(officer).post("/mdt/unit/duty", {"on": "1"})
    assert dispatch_services  # imported for the duty service the view uses
    html = web(outsider).get("/mdt").content.decode()
    assert "1-A-12" not in html and "Adam Adams" not in html
