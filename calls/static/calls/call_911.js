// /911: the caller's own calls follow dispatch live. The server sends `my-911-call-updated` to the
// caller alone (calls/events.py); the row's status (words and colour) changes at once, and the list
// re-reads itself from /911/mine (the newest request wins, see web/js/panels.js), as it does on every
// resync (join, reconnect, a seq gap). While the socket is down a slow poll stands in for it.
import { connectLive } from "../web/js/live.js";
import { refreshPanel } from "../web/js/panels.js";

const FALLBACK_POLL_MS = 60_000;
const list = document.getElementById("my-calls");
const news = document.getElementById("my-calls-news");

function refresh() {
  refreshPanel(list);
}

function show(data) {
  const row = list.querySelector(`tr[data-call-id="${CSS.escape(String(data.callId))}"]`);
  const badge = row && row.querySelector("[data-caller-status]");
  if (badge) {
    badge.textContent = data.statusLabel;
    badge.className = `badge badge-${data.tone}`;
    badge.dataset.callerStatus = data.status;
  }
  if (news) news.textContent = `Call #${data.callNumber}: ${data.statusLabel}`;
}

const live = connectLive({
  events: ["my-911-call-updated"],
  onEvent(name, data) {
    if (name !== "my-911-call-updated" || !data) return;
    show(data);
    refresh();
  },
  onResync: refresh,
});

setInterval(() => {
  if (live.state !== "live" && document.visibilityState === "visible") refresh();
}, FALLBACK_POLL_MS);
