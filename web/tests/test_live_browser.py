"""The shared WebSocket client (static/web/js/live.js) in Chromium against the real /ws."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from cad.events import publish

# Made-up payloads under real event names: the client's transport is under test, not the catalogues.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True),
              pytest.mark.usefixtures("lenient_event_payloads")]

START = """async () => {
  const { connectLive } = await import('/static/web/js/live.js');
  const status = document.createElement('span');
  status.id = 'connection'; status.setAttribute('role', 'status'); status.setAttribute('aria-label', 'Connection');
  status.textContent = 'Offline';
  document.body.append(status);
  window.seen = []; window.resyncs = [];
  connectLive({
    onEvent: (name, data, frame) => window.seen.push([name, frame.seq]),
    onResync: (reason) => window.resyncs.push(reason),
  });
}"""


def test_live_joins_resyncs_detects_gaps_and_reconnects(page, open_as, community, dispatcher):
    open_as(page, dispatcher, "/logout")  # any signed-in page of the shell
    page.evaluate(f"document.body.dataset.community = '{community.pk}'")

    # The server stands in for an unreachable one while `down` holds: sockets are refused.
    down = {"value": False}
    sockets = []

    def route(ws):
        if down["value"]:
            ws.close()
            return
        sockets.append(ws)
        ws.connect_to_server()

    page.route_web_socket("**/ws", route)
    page.evaluate(START)
    status = page.get_by_role("status", name="Connection")
    expect(status).to_have_text("Live")
    page.wait_for_function("() => window.resyncs.length === 1")
    assert page.evaluate("window.resyncs") == ["joined"]

    publish(community.pk, "call-note-added", {"callId": "c1"})
    publish(community.pk, "call-note-added", {"callId": "c2"})
    page.wait_for_function("() => window.seen.length === 2")
    first, second = page.evaluate("window.seen")
    assert second[1] == first[1] + 1
    assert page.evaluate("window.resyncs") == ["joined"]  # consecutive: no gap

    # A gap in seq (an event this socket never got) makes the page re-fetch.
    page.evaluate("window.cadLive._receive(JSON.stringify({event: 'x', data: {}, seq: window.cadLive.lastSeq + 2}))")
    page.wait_for_function("() => window.resyncs.length === 2")
    assert page.evaluate("window.resyncs")[-1] == "gap"

    # The connection drops and the server stays unreachable for a while, then comes back.
    down["value"] = True
    sockets[-1].close()
    expect(status).to_have_text("Reconnecting")
    expect(status).to_have_text("Offline", timeout=15_000)
    down["value"] = False
    expect(status).to_have_text("Live", timeout=5_000)
    page.wait_for_function("() => window.resyncs.at(-1) === 'reconnected'")
