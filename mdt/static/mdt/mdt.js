// The MDT: panels are server-rendered partials; live events ask the affected panel to re-render itself
// (htmx `refresh` trigger). Number keys set the unit's status; `/` focuses the lookup field.
import { connectLive } from "../web/js/live.js";
import { shortcut } from "../web/js/keys.js";
import { sound } from "../web/js/sound.js";

const grid = document.querySelector(".mdt-grid");
const notice = document.getElementById("call-notice");

// A form answered 400 carries its errors: show them instead of dropping the response.
document.body.addEventListener("htmx:beforeSwap", (event) => {
  if (event.detail.xhr.status === 400) {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  }
});

// After a record opens, move focus to it (keyboard and screen-reader users land on what they asked for).
let lastUnitId = grid.dataset.unitId || "";
document.body.addEventListener("htmx:afterSwap", (event) => {
  const target = event.detail.target;
  // Going on or off duty changes what "my call" can show.
  const unitPanel = document.getElementById("unit-panel");
  if (unitPanel && (unitPanel.dataset.unitId || "") !== lastUnitId) {
    lastUnitId = unitPanel.dataset.unitId || "";
    refresh("call-panel");
  }
  // The assignment event carries no title: once My call shows the call, the notice names it.
  const callPanel = document.getElementById("call-panel");
  if (!notice.hidden && announced && callPanel && callPanel.dataset.callId === announced) {
    const heading = callPanel.querySelector(".call-card h3");
    if (heading) notice.textContent = `New call assigned to you: ${heading.textContent.trim()}`;
    announced = "";
  }
  if (target && target.id === "record-panel" && event.detail.requestConfig && event.detail.requestConfig.verb === "get") {
    target.focus();
  }
});

// Attaching myself is not news: remember which call I asked for so its assignment event stays quiet.
let selfAttached = "";
document.body.addEventListener("htmx:beforeRequest", (event) => {
  const path = event.detail.requestConfig && event.detail.requestConfig.path;
  const match = path && path.match(/\/mdt\/calls\/([0-9a-f-]+)\/attach$/);
  if (match) selfAttached = match[1];
});

function refresh(id) {
  const panel = document.getElementById(id);
  if (panel) htmx.trigger(panel, "refresh");
}

function myUnitId() {
  const panel = document.getElementById("unit-panel");
  return (panel && panel.dataset.unitId) || grid.dataset.unitId || "";
}

function myCallId() {
  const panel = document.getElementById("call-panel");
  return panel ? panel.dataset.callId || "" : "";
}

for (const key of "123456789") {
  shortcut(key, `Status button ${key}`, () => {
    const button = document.querySelector(`#unit-panel [data-status-key="${key}"]`);
    if (button) button.click();
  });
}
shortcut("/", "Focus the lookup field", () => document.getElementById("id_q").focus());

let announced = "";
function announceCall(data) {
  const number = data.callNumber || data.number || "";
  const title = data.title || data.callType || "";
  announced = data.callId || data._id || "";
  notice.textContent = `New call assigned to you: #${number} ${title}`.trim();
  notice.hidden = false;
  clearTimeout(announceCall.timer);
  announceCall.timer = setTimeout(() => { notice.hidden = true; }, 15000);
  sound.alert(Number(data.priority) || 2);
  sound.attention("New call", notice.textContent);
}

const CALL_EVENTS = new Set(["callUpdated", "call-status-updated", "call-deleted", "unitRemovedFromCall",
  "unitDetachedFromCall", "call-note-added", "new-call"]);

connectLive({
  onEvent(name, data) {
    if (name === "unit-status-updated") {
      if (data.unitId === myUnitId() || data.characterId === grid.dataset.characterId) refresh("unit-panel");
      return;
    }
    if (name === "unitsAssignedTo911") {
      const units = data.units || data.assignedUnits || [];
      const mine = myUnitId();
      const assigned = units.some((u) => (u.unitId || u._id || u.id || u) === mine);
      const callId = data.callId || data._id;
      if (assigned && callId !== myCallId() && callId !== selfAttached) announceCall(data);
      refresh("call-panel");
      return;
    }
    if (CALL_EVENTS.has(name)) { refresh("call-panel"); return; }
    if (name.includes("bolo")) refresh("bolos-panel");
  },
  onResync() {
    refresh("unit-panel");
    refresh("call-panel");
    refresh("bolos-panel");
  },
});
