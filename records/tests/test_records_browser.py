"""Records in headless Chromium: a report an officer files reaches the supervisor's review queue live, is
approved there, and the author's list shows the new status without a reload."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _patient_expectations():
    # CI shares two cores with PostgreSQL, Redis and Chromium: give each expectation room, never a fixed sleep.
    expect.set_options(timeout=15_000)
    yield
    expect.set_options(timeout=5_000)


def test_report_review_round_trip(new_page, sign_in, open_as, officer, officer_char, supervisor, axe,
                                  screenshot):
    author = sign_in(new_page(), officer)
    reviewer = open_as(new_page(), supervisor, "/records")
    queue = reviewer.get_by_role("region", name="Review queue")
    expect(queue.get_by_text("Nothing waiting for review.")).to_be_visible()
    expect(reviewer.get_by_role("status", name="Connection")).to_have_text("Live")

    author.goto("/records/reports/new")
    author.get_by_label("Report type").select_option(label="Incident")
    author.get_by_label("Title", exact=True).fill("Traffic stop on Route 1")
    author.get_by_label("Narrative").fill("Stopped a red Dominator for speeding.")
    author.get_by_role("button", name="Submit for review").click()
    expect(author.get_by_role("heading", name="Report #1: Traffic stop on Route 1")).to_be_visible()
    author.goto("/records")
    mine = author.get_by_role("region", name="My reports")
    expect(mine.get_by_text("Pending", exact=True)).to_be_visible()
    expect(author.get_by_role("status", name="Connection")).to_have_text("Live")

    item = queue.get_by_role("article", name="Report #1 Traffic stop on Route 1")
    expect(item).to_be_visible()  # arrived without a reload
    expect(queue.locator("#queue-count")).to_have_text("1")
    assert axe(reviewer) == []
    screenshot(reviewer, "review-queue")
    item.get_by_role("button", name="Approve").click()
    expect(queue.get_by_text("Nothing waiting for review.")).to_be_visible()
    expect(mine.get_by_text("Approved", exact=True)).to_be_visible()  # the author's page, no reload


def test_a_civilian_gets_403(page, open_as, civilian):
    open_as(page, civilian, "/records", status=403)


def test_lists_stay_live_and_resync_after_a_missed_event(page, open_as, community, officer, officer_char, subject,
                                                         axe, screenshot):
    from records import services

    dropped = {"names": set()}

    def route_socket(ws):
        server = ws.connect_to_server()

        def from_server(message):
            name = json.loads(message).get("event") if isinstance(message, str) else None
            if name in dropped["names"]:
                dropped["seen"] = True
            else:
                ws.send(message)

        server.on_message(from_server)

    page.route_web_socket("**/ws", route_socket)
    open_as(page, officer, "/records?tab=citations")
    expect(page.get_by_role("status", name="Connection")).to_have_text("Live")
    table = page.get_by_role("table", name="Citations")
    expect(table).to_contain_text("No citations.")

    services.citation_create(community=community, character=subject, issued_by=officer_char,
                             violation="Speeding 30 over", fine_amount=250, points=4)
    expect(table.get_by_role("link", name="Speeding 30 over")).to_be_visible()  # no reload
    expect(table).to_contain_text("1 found")

    # A citation whose event never reaches the page: the next event's seq shows the gap and the list resyncs.
    dropped["names"] = {"citation-created"}
    services.citation_create(community=community, character=subject, issued_by=officer_char,
                             violation="Parking on a hydrant", fine_amount=50)
    services.warrant_create(community=community, character=subject, title="Failure to appear")
    expect(table.get_by_role("link", name="Parking on a hydrant")).to_be_visible()
    expect(table).to_contain_text("2 found")
    assert dropped.get("seen"), "the citation's event was not held back: the gap was not staged"

    table.get_by_role("link", name="Speeding 30 over").click()
    expect(page.get_by_role("heading", name="Citation: Speeding 30 over")).to_be_visible()
    assert axe(page) == []
    page.emulate_media(media="print")
    expect(page.get_by_role("button", name="Print")).to_be_hidden()
    screenshot(page, "citation-print")
