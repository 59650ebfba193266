// The MDT: panels are server-rendered partials; live events ask the affected panel to re-render itself
// (web/js/panels.js). Number keys set the unit's status; `/` focuses the lookup field.
import { connectLive } from "../web/js/live.js";
import { press, shortcut } from "../web/js/keys.js";
import { bindSoundControls, sound } from "../web/js/sound.js";
import { refreshPanel } from "../web/js/panels.js";

const grid = document.querySelector(".mdt-grid");
const notice = document.getElementById("call-notice");
const noticeText = document.getElementById("call-notice-text");

// A form answered 400 carries its errors: show them instead of dropping the response.
document.body.addEventListener("htmx:beforeSwap", (event) => {
  if (event.detail.xhr.status === 400) {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  }
});

// "New call assigned to you" is said once per assignment, whichever the page learns of first: the
// unitsAssignedTo911 event, or My call showing the call (a refresh for another event can render the
// assignment before its own event arrives). My call names the assignment row it shows; the event names
// only the call, so each path leaves a token the other consumes instead of speaking again.
const seenAssignments = new Set();
const toldByEvent = new Set(); // calls announced from the event whose assignment My call has not shown yet
const toldByPanel = new Set(); // calls announced from My call whose event has not arrived yet
let selfAttached = ""; // a call I asked to attach to: its assignment is not news
{
  const panel = document.getElementById("call-panel");
  if (panel && panel.dataset.assignmentId) seenAssignments.add(panel.dataset.assignmentId);
}

function callPanelShown(panel) {
  const assignment = panel.dataset.assignmentId || "";
  const callId = panel.dataset.callId || "";
  const heading = panel.querySelector(".call-card h3");
  const title = heading ? heading.textContent.trim() : "";
  if (!assignment || seenAssignments.has(assignment)) return;
  seenAssignments.add(assignment);
  if (toldByEvent.delete(callId)) {
    // The event carried no title: now that My call shows the call, the notice names it.
    if (!notice.hidden && noticeCall === callId && title) setNotice(`New call assigned to you: ${title}`);
    return;
  }
  toldByPanel.add(callId);
  if (callId === selfAttached) selfAttached = "";
  else announce(callId, `New call assigned to you: ${title}`, panel.dataset.priority);
}

let lastUnitId = grid.dataset.unitId || "";
document.body.addEventListener("htmx:afterSwap", (event) => {
  const target = event.detail.target;
  // Going on or off duty changes what "my call" can show.
  const unitPanel = document.getElementById("unit-panel");
  if (unitPanel && (unitPanel.dataset.unitId || "") !== lastUnitId) {
    lastUnitId = unitPanel.dataset.unitId || "";
    refresh("call-panel");
  }
  const callPanel = document.getElementById("call-panel");
  if (callPanel) callPanelShown(callPanel);
  // After a record opens, move focus to it (keyboard and screen-reader users land on what they asked for).
  if (target && target.id === "record-panel" && event.detail.requestConfig && event.detail.requestConfig.verb === "get") {
    target.focus();
  }
});
document.body.addEventListener("htmx:beforeRequest", (event) => {
  const path = event.detail.requestConfig && event.detail.requestConfig.path;
  const match = path && path.match(/\/mdt\/calls\/([0-9a-f-]+)\/attach$/);
  if (match) selfAttached = match[1];
});
document.body.addEventListener("htmx:afterRequest", (event) => {
  const path = event.detail.requestConfig && event.detail.requestConfig.path;
  if (!event.detail.successful && path && path.endsWith(`/mdt/calls/${selfAttached}/attach`)) selfAttached = "";
});

const refresh = refreshPanel;

function myUnitId() {
  const panel = document.getElementById("unit-panel");
  return (panel && panel.dataset.unitId) || grid.dataset.unitId || "";
}

for (const key of "123456789") {
  shortcut(key, `Status button ${key}`, () => {
    // Right after going on duty the panel (and this button) has just been swapped in: press() waits
    // for nothing and still lets htmx submit it.
    press(document.querySelector(`#unit-panel [data-status-key="${key}"]`));
  });
}
shortcut("/", "Focus the lookup field", () => document.getElementById("id_q").focus());

let noticeCall = "";
let noticeTimer = null;
function setNotice(text) {
  noticeText.textContent = text;
}
function announce(callId, text, priority) {
  noticeCall = callId;
  setNotice(text.trim());
  notice.hidden = false;
  clearTimeout(noticeTimer);
  noticeTimer = setTimeout(() => { notice.hidden = true; }, 15000);
  sound.alert(Number(priority) || 2);
  sound.attention("New call", noticeText.textContent);
}
document.getElementById("call-notice-dismiss").addEventListener("click", () => {
  clearTimeout(noticeTimer);
  notice.hidden = true;
});

function assignedToMe(data) {
  const units = data.units || data.assignedUnits || [];
  const mine = myUnitId();
  return Boolean(mine) && units.some((u) => (u.unitId || u._id || u.id || u) === mine);
}

const RECORD_EVENT = /^(report|arrest|citation)-/;

const CALL_EVENTS = new Set(["callUpdated", "call-status-updated", "call-deleted", "unitRemovedFromCall",
  "unitDetachedFromCall", "call-note-added", "new-call"]);

connectLive({
  onEvent(name, data) {
    if (name === "unit-status-updated") {
      if (data.unitId === myUnitId() || data.characterId === grid.dataset.characterId) refresh("unit-panel");
      return;
    }
    if (name === "unitsAssignedTo911") {
      const callId = data.callId || data._id;
      if (assignedToMe(data) && !toldByPanel.delete(callId)) {
        toldByEvent.add(callId);
        if (callId === selfAttached) {
          selfAttached = "";
        } else {
          const title = data.title || data.callType || "";
          announce(callId, `New call assigned to you: #${data.callNumber || data.number || ""} ${title}`, data.priority);
        }
      }
      refresh("call-panel");
      return;
    }
    if ((name === "unitRemovedFromCall" || name === "unitDetachedFromCall") && data.odId === myUnitId()) {
      // Off the call: a later assignment to it is news again, whatever My call showed meanwhile.
      toldByPanel.delete(data.callId);
    }
    if (CALL_EVENTS.has(name)) { refresh("call-panel"); return; }
    if (name.includes("bolo")) refresh("bolos-panel");
    // An open record's history: only that list re-renders, so a half-written citation or warrant stays.
    if (RECORD_EVENT.test(name)) refresh("person-history");
  },
  onResync() {
    refresh("unit-panel");
    refresh("call-panel");
    refresh("bolos-panel");
    refresh("person-history");
  },
});
bindSoundControls();
