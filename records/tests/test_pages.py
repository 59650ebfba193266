"""/records without a browser: lists, the review queue, the report form and resubmission."""

from __future__ import annotations

import pytest
from django.test import Client

from calls import services as call_services
from calls.inputs import CallInput
from records import services
from records.models import Report

pytestmark = pytest.mark.django_db


@pytest.fixture
def web():
    def make(user) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return make


def _file(web, officer, **extra):
    data = {"type": "incident", "title": "Traffic stop", "body": "Stopped a red car.", "evidence": "",
            "persons": "John Smith — driver", "vehicles": "ABC123 stolen", "call": "", **extra}
    return web(officer).post("/records/reports/new", data)


def test_roles(web, civilian, officer, supervisor, client):
    for url in ("/records", "/records/reports/new", "/records/mine"):
        assert web(civilian).get(url).status_code == 403
    assert client.get("/records").status_code == 302
    assert web(officer).get("/records").status_code == 200
    assert web(officer).get("/records/queue").status_code == 403
    assert 'aria-label="Review queue"' not in web(officer).get("/records").content.decode()
    assert 'aria-label="Review queue"' in web(supervisor).get("/records").content.decode()


def test_officer_files_a_report_the_supervisor_approves(web, officer, officer_char, subject, supervisor, community):
    response = _file(web, officer)
    assert response.status_code == 302
    report = Report.objects.for_community(community).get()
    assert report.author == officer_char and report.status == "pending"
    assert report.involved_persons == [{"name": "John Smith", "notes": "driver", "character_id": str(subject.pk)}]
    assert report.involved_vehicles == [{"plate": "ABC123", "is_stolen": True}]
    mine = web(officer).get("/records/mine").content.decode()
    assert "Traffic stop" in mine and ">Pending<" in mine
    queue = web(supervisor).get("/records/queue").content.decode()
    assert f"#{report.number} Traffic stop" in queue and '<span class="count" id="queue-count" aria-label="1 pending">1</span>' in queue
    response = web(supervisor).post(f"/records/reports/{report.pk}/review", {"decision": "approve", "reason": ""},
                                 HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "Nothing waiting for review" in response.content.decode()
    assert ">Approved<" in web(officer).get("/records/mine").content.decode()


def test_reject_needs_a_reason_then_the_author_resubmits(web, officer, officer_char, supervisor, community):
    _file(web, officer)
    report = Report.objects.for_community(community).get()
    response = web(supervisor).post(f"/records/reports/{report.pk}/review", {"decision": "reject", "reason": ""},
                                 HTTP_HX_REQUEST="true")
    assert response.status_code == 400
    report.refresh_from_db()
    assert report.status == "pending"
    web(supervisor).post(f"/records/reports/{report.pk}/review", {"decision": "reject", "reason": "Add the plate."})
    mine = web(officer).get("/records/mine").content.decode()
    assert ">Rejected<" in mine and "Add the plate." in mine
    page = web(officer).get(f"/records/reports/{report.pk}").content.decode()
    assert "Correct and resubmit" in page
    form = web(officer).get(f"/records/reports/{report.pk}/edit")
    assert form.status_code == 200 and "Traffic stop" in form.content.decode()
    response = web(officer).post(f"/records/reports/{report.pk}/edit", {
        "type": "incident", "title": "Traffic stop ABC123", "body": "Stopped ABC123.", "persons": "", "vehicles": "",
        "call": ""})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == "pending" and report.title == "Traffic stop ABC123"


def test_review_by_an_officer_is_403_and_another_communitys_report_404(web, officer, officer_char, supervisor,
                                                                     outsider, community):
    _file(web, officer)
    report = Report.objects.for_community(community).get()
    assert web(officer).post(f"/records/reports/{report.pk}/review", {"decision": "approve"}).status_code == 403
    assert web(outsider).get(f"/records/reports/{report.pk}").status_code == 404
    assert web(outsider).post(f"/records/reports/{report.pk}/review", {"decision": "approve"}).status_code == 404
    report.refresh_from_db()
    assert report.status == "pending"


def test_report_form_bad_input_changes_nothing(web, officer, officer_char, community):
    response = _file(web, officer, title="", type="fire_report")
    assert response.status_code == 400
    html = response.content.decode()
    assert "This field is required" in html and "Select a valid choice" in html
    assert _file(web, officer, call="not-a-call").status_code == 400
    assert _file(web, officer, vehicles="THIS-PLATE-IS-FAR-TOO-LONG").status_code == 400
    assert not Report.objects.for_community(community).exists()


def test_report_without_an_officer_character(web, officer, community):
    assert _file(web, officer).status_code == 400
    assert not Report.objects.for_community(community).exists()


def test_report_prefilled_from_a_call_and_a_person(web, officer, officer_char, subject, community, dispatcher):
    call = call_services.call_create(community=community, by_user=dispatcher,
        data=CallInput(title="Shots fired", location="Vinewood"))
    page = web(officer).get(f"/records/reports/new?call={call.pk}&about={subject.pk}").content.decode()
    assert f'value="{call.pk}" checked' in page and "John Smith</textarea>" in page
    found = web(officer).get("/records/calls?q=vinewood").content.decode()
    assert "Shots fired" in found
    response = _file(web, officer, call=str(call.pk))
    assert response.status_code == 302
    assert Report.objects.for_community(community).get().call == call


def test_lists_search_and_pages(web, officer, officer_char, subject, community):
    for i in range(30):
        services.report_create(community=community, author=officer_char, title=f"Report {i}", body="x")
    services.citation_create(community=community, character=subject, issued_by=officer_char, violation="Speeding")
    client = web(officer)
    first = client.get("/records?tab=reports").content.decode()
    assert "Page 1 of 2" in first and "30 found" in first
    assert "Report 29" in first and "Report 0<" not in first
    assert "Report 0<" in client.get("/records?tab=reports&page=2").content.decode()
    assert "1 found" in client.get("/records?tab=reports&q=%2312").content.decode()
    assert "Speeding" in client.get("/records?tab=citations&q=smith").content.decode()
    assert "0 found" in client.get("/records?tab=citations&q=nobody").content.decode()
    assert client.get("/records?tab=reports&status=bogus").status_code == 200  # the filter's error, shown


def test_warrant_status_changes(web, officer, officer_char, subject, community, other_community, outsider):
    warrant = services.warrant_create(community=community, character=subject, title="FTA")
    client = web(officer)
    assert client.post(f"/records/warrants/{warrant.pk}/status", {"status": "served"}).status_code == 302
    warrant.refresh_from_db()
    assert warrant.status == "served"
    client.post(f"/records/warrants/{warrant.pk}/status", {"status": "active"})  # served is final
    warrant.refresh_from_db()
    assert warrant.status == "served"
    assert web(outsider).post(f"/records/warrants/{warrant.pk}/status", {"status": "recalled"}).status_code == 404


@pytest.fixture
def every_record(community, officer_char, subject):
    report = services.report_create(community=community, author=officer_char, title="Bank job", body="x")
    arrest = services.arrest_create(community=community, character=subject, arrested_by=officer_char,
                                    charges=["Armed Robbery"], jail_time_min=90, fine_amount=5000, report=report)
    citation = services.citation_create(community=community, character=subject, issued_by=officer_char,
                                        violation="Speeding 30 over", fine_amount=250, points=4)
    warrant = services.warrant_create(community=community, character=subject, title="Failure to appear",
                                      description="Missed the hearing on the 3rd.")
    return {"reports": report, "arrests": arrest, "citations": citation, "warrants": warrant}


PRINTED = {"reports": "Bank job", "arrests": "PC 211 Armed Robbery", "citations": "Speeding 30 over",
           "warrants": "Missed the hearing on the 3rd."}


@pytest.mark.parametrize("kind", ["reports", "arrests", "citations", "warrants"])
def test_every_record_has_a_printable_page(web, officer, civilian, outsider, every_record, kind):
    record = every_record[kind]
    url = f"/records/{kind}/{record.pk}"
    response = web(officer).get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert PRINTED[kind] in html
    assert kind == "reports" or "John Smith" in html
    assert "data-print" in html and "records/records.css" in html and "<script>" not in html
    assert " on" + "click=" not in html and "style=" not in html
    listed = web(officer).get(f"/records?tab={kind}").content.decode()
    assert f'href="{url}"' in listed  # the list links each row to its page
    assert web(civilian).get(url).status_code == 403
    assert web(outsider).get(url).status_code == 404
    assert web(officer).get(f"/records/{kind}/00000000-0000-0000-0000-000000000000").status_code == 404
    assert web(officer).get(f"/records/{kind}/not-a-uuid").status_code == 404


def test_the_print_stylesheet_hides_the_page_tools():
    from pathlib import Path

    css = (Path(__file__).resolve().parents[1] / "static" / "records" / "records.css").read_text()
    rules = css.split("@media print", 1)[1]
    assert ".no-print" in rules and ".shell-header" in rules


def test_a_review_posted_without_htmx_goes_back_to_the_records_page(web, officer, officer_char, supervisor, community):
    """A plain form submission (no htmx) is sent back to /records with the outcome, not the bare queue."""
    _file(web, officer)
    report = Report.objects.for_community(community).get()
    plain = web(supervisor)
    response = plain.post(f"/records/reports/{report.pk}/review", {"decision": "reject", "reason": ""})
    assert (response.status_code, response["Location"]) == (303, "/records")
    report.refresh_from_db()
    assert report.status == "pending"
    assert "Say why report" in plain.get("/records").content.decode()
    response = plain.post(f"/records/reports/{report.pk}/review", {"decision": "approve", "reason": ""})
    assert (response.status_code, response["Location"]) == (303, "/records")
    report.refresh_from_db()
    assert report.status == "approved"
    assert f"Report #{report.number} approved." in plain.get("/records").content.decode()
