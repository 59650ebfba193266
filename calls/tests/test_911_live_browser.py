"""The civilian's /911 page follows the call live: a dispatcher assigns a unit and closes the call through
the API, and the caller's open page shows each new status (words and colour) without reloading."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from calls.models import Call
from dispatch.models import Unit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_caller_sees_assigned_then_closed_without_reloading(page, open_as, community, civilian, officer,
                                                            dispatcher, as_, axe, screenshot):
    unit = Unit.objects.create(community=community, user=officer, name="1-Adam-12", on_duty=True)
    open_as(page, civilian, "/911")
    form = page.get_by_role("region", name="Report an emergency")
    form.get_by_label("Location").fill("Legion Square")
    form.get_by_label("What is happening").fill("Two men fighting outside the bank")
    form.get_by_role("button", name="Call 911").click()
    call = Call.objects.for_community(community).get(location="Legion Square")
    mine = page.get_by_role("region", name="My 911 calls")
    row = mine.get_by_role("row", name=f"#{call.number}")
    expect(row).to_contain_text("Received, waiting for a unit")
    expect(page.get_by_role("status", name="Connection")).to_have_text("Live")
    page.evaluate("() => { window.notReloaded = true; }")

    api = as_(dispatcher)
    assert api.post(f"/api/dispatch/911/{call.pk}/assign", {"unitIds": [str(unit.pk)]},
                    format="json").status_code == 200
    badge = row.get_by_text("Unit assigned")
    expect(badge).to_be_visible()
    expect(badge).to_have_class("badge badge-ok")
    expect(page.get_by_role("status", name="Call updates")).to_have_text(f"Call #{call.number}: Unit assigned")
    screenshot(page, "civilian-911-live")

    assert api.post(f"/api/dispatch/911/{call.pk}/close", {"disposition": "Report taken"},
                    format="json").status_code == 200
    expect(row.get_by_text("Closed", exact=True)).to_have_class("badge badge-muted")
    assert page.evaluate("() => window.notReloaded === true")
    assert axe(page) == []
