"""The alert volume follows the member to another browser: the slider saves it on the server."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from cad.core.models import Membership

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_volume_follows_the_member_to_a_fresh_browser(page, new_page, open_as, community, dispatcher, axe):
    open_as(page, dispatcher, "/dispatch")
    slider = page.get_by_label("Volume")
    expect(slider).to_have_value("80")
    # A fast drag: five steps in a row, each an `input` event, each a save; the saves go one at a time
    # and the last value wins.
    slider.focus()
    for _ in range(5):
        page.keyboard.press("ArrowLeft")
    expect(slider).to_have_value("55")
    assert page.evaluate("() => window.cadSound.settled().then(() => window.cadSound.savedLevel)") == 55
    assert Membership.objects.get(user=dispatcher, community=community).sound_volume == 55
    assert page.evaluate("() => window.cadSound.volume") == pytest.approx(0.55)

    other = new_page()  # another browser context: nothing in its localStorage
    open_as(other, dispatcher, "/mdt")
    expect(other.get_by_label("Volume")).to_have_value("55")
    assert other.evaluate("() => window.cadSound.volume") == pytest.approx(0.55)
    other.get_by_label("Volume").fill("20")
    assert other.evaluate("() => window.cadSound.settled().then(() => window.cadSound.savedLevel)") == 20
    page.reload()
    expect(page.get_by_label("Volume")).to_have_value("20")  # the server, not the first browser's cache
    assert axe(other) == []
