"""A keyboard shortcut that clicks a button of a form htmx swapped in but has not processed yet: the
click must still go through htmx (no native submission, no navigation to a bare fragment). The race is
staged deterministically: the fragment is put in the page by hand, which htmx never processes."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from calls import services as call_services
from calls.models import PanicAlert
from records.tests.factories import make_character

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

UNPROCESSED = """async ([url, holder]) => {
  const response = await fetch(url, { headers: { "HX-Request": "true" } });
  document.getElementById(holder).innerHTML = await response.text();
  window.notReloaded = true;
}"""


def test_panic_shortcut_on_a_fragment_htmx_has_not_processed(page, open_as, community, dispatcher, officer):
    cop = make_character(community, first="Adam", last="Adams", type="leo", user=officer, callsign="1-A-12")
    open_as(page, dispatcher, "/dispatch")
    expect(page.get_by_role("status", name="Connection")).to_have_text("Live")
    call_services.panic_trigger(community=community, character=cop, location="Legion Square")
    expect(page.get_by_role("alertdialog")).to_contain_text("1-A-12")
    panic = PanicAlert.objects.for_community(community).get()

    page.evaluate(UNPROCESSED, ["/dispatch/panics", "panics"])
    bound = "() => !!htmx.closest(document.querySelector('.panic-ack'), 'form')['htmx-internal-data']"
    assert page.evaluate(bound) is False  # the form is the page's but not htmx's yet: the race is staged
    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    page.keyboard.press("!")
    expect(page.get_by_role("alertdialog")).to_have_count(0)
    panic.refresh_from_db()
    assert panic.acknowledged_at is not None
    assert page.evaluate("() => window.notReloaded === true")  # htmx swapped it: no navigation, no reload
    assert page.url.endswith("/dispatch")


def test_status_key_on_a_freshly_swapped_unit_panel(page, open_as, community, officer):
    from cad.core.models import Department

    lspd = Department.objects.for_community(community).get(short_name="LSPD")
    make_character(community, first="Adam", last="Adams", type="leo", user=officer, department=lspd, callsign="1-A-12")
    open_as(page, officer, "/mdt")
    expect(page.get_by_role("status", name="Connection")).to_have_text("Live")
    page.get_by_role("button", name="Go on duty").click()
    expect(page.get_by_role("group", name="Status").get_by_role("button", name="10-8")).to_be_visible()

    page.evaluate("""async () => {
      const response = await fetch("/mdt/unit", { headers: { "HX-Request": "true" } });
      const template = document.createElement("template");
      template.innerHTML = (await response.text()).trim();
      document.getElementById("unit-panel").replaceWith(template.content.firstElementChild);
      window.notReloaded = true;
    }""")
    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    page.keyboard.press("2")
    expect(page.locator("#unit-status")).to_contain_text("10-6")
    assert page.evaluate("() => window.notReloaded === true")
    assert page.url.endswith("/mdt")
