// The dispatch board: live updates from /ws, ticking ages, alerts, keyboard paths, the command line.
// Regions are server-rendered fragments; an event re-fetches only what it changed (one queue row, the
// open incident, the units column...), and a resync (join, reconnect, seq gap) re-fetches everything.
import { connectLive } from "../../web/js/live.js";
import { bindSoundControls, sound } from "../../web/js/sound.js";
import { press, shortcut } from "../../web/js/keys.js";

const $ = (selector, root = document) => root.querySelector(selector);
const $$ = (selector, root = document) => Array.from(root.querySelectorAll(selector));
const body = document.body;

// -- event names → what they change -------------------------------------------------------------------
const KIND = {
  "new-911-call": "new-call", "new-call": "new-call", newCall: "new-call", new911Call: "new-call",
  "911Alert": "alert",
  callUpdated: "call", "call-updated": "call", "call-status-updated": "call", "call-note-added": "call",
  "911CallUpdated": "call",
  unitsAssignedTo911: "assign", unitRemovedFromCall: "assign", unitDetachedFromCall: "assign",
  "911CallClosed": "closed", "call-deleted": "closed",
  "panic-button": "panic", "panic-acknowledged": "panic-ack",
  "unit-status-updated": "units", userStatusUpdate: "units", "unit-auto-offline": "units",
  areaOfPlayUpdated: "header", "aop-updated": "header", signal100: "header", "signal-100": "header",
  activeDispatchersUpdated: "header", "new-announcement": "header", "announcement-removed": "header",
  tone: "header", toneUpdated: "header",
  "new-bolo": "bolos", "bolo-updated": "bolos", "bolo-removed": "bolos",
};
// One name per event is enough for this page (the server may send every alias).
const WANTED = ["new-call", "911Alert", "callUpdated", "call-status-updated", "call-note-added",
  "unitsAssignedTo911", "unitRemovedFromCall", "911CallClosed", "call-deleted", "panic-button",
  "panic-acknowledged", "unit-status-updated", "unit-auto-offline", "areaOfPlayUpdated", "signal100",
  "activeDispatchersUpdated", "toneUpdated", "new-announcement", "announcement-removed", "new-bolo", "bolo-updated", "bolo-removed"];

const callIdOf = (data) => (data && (data.callId || data._id || data.id)) || null;
const selectedCall = () => body.dataset.selected || null;

// -- fetching fragments --------------------------------------------------------------------------------
async function fragment(url) {
  const response = await fetch(url, { headers: { "HX-Request": "true" }, credentials: "same-origin" });
  if (response.status === 204) return null;
  if (!response.ok) throw new Error(`${url}: ${response.status}`);
  return response.text();
}

function parse(html) {
  const template = document.createElement("template");
  template.innerHTML = html.trim();
  return template.content.firstElementChild;
}

// What a person has typed or picked but not sent yet survives a live refresh of the region.
function changedControls(root) {
  const kept = [];
  for (const control of $$("input[id], textarea[id], select[id]", root)) {
    if (control.type === "hidden") continue;
    let changed;
    if (control.tagName === "SELECT") {
      const options = Array.from(control.options);
      const initial = Math.max(0, options.findIndex((option) => option.defaultSelected));
      changed = control.selectedIndex !== initial;
    } else {
      changed = control.value !== control.defaultValue;
    }
    if (changed) kept.push([control.id, control.value]);
  }
  return kept;
}

function restoreControls(kept) {
  for (const [id, value] of kept) {
    const control = document.getElementById(id);
    if (!control) continue;
    if (control.tagName === "SELECT" && !Array.from(control.options).some((option) => option.value === value)) continue;
    control.value = value;
  }
}

function swapInto(selector, html) {
  const target = $(selector);
  if (!target) return;
  const active = document.activeElement;
  const keepFocus = active && target.contains(active) && active.id ? active.id : null;
  const kept = changedControls(target);
  target.innerHTML = html;
  window.htmx.process(target);
  restoreControls(kept);
  if (keepFocus && document.getElementById(keepFocus)) document.getElementById(keepFocus).focus();
  afterSwap(target);
}

const debounced = new Map();
function soon(key, fn, delay = 60) {
  clearTimeout(debounced.get(key));
  debounced.set(key, setTimeout(() => { debounced.delete(key); fn(); }, delay));
}

function editing() {
  // An open editor (edit or close form) is not replaced under the person using it; the next change
  // or resync after they are done brings the panel up to date.
  return Boolean($("#incident-region #edit-call:not([hidden]), #incident-region #close-call:not([hidden])"));
}

const refresh = {
  async row(callId, { isNew = false } = {}) {
    let html;
    try {
      html = await fragment(`/dispatch/calls/${callId}/row`);
    } catch {
      return;
    }
    const existing = document.getElementById(`call-row-${callId}`);
    if (html === null) {
      if (existing) existing.remove();
      updateQueueCount();
      return;
    }
    const row = parse(html);
    if (isNew && !existing) row.classList.add("just-in");
    if (row.dataset.callId === selectedCall()) row.classList.add("selected");
    if (existing) existing.replaceWith(row);
    else insertSorted(row);
    window.htmx.process(row);
    updateQueueCount();
    tickAges();
  },
  queue: () => fragment("/dispatch/queue").then((html) => {
    swapInto("#queue-body", html);
    markSelected();
    updateQueueCount();
  }),
  incident: () => {
    const id = selectedCall();
    if (!id) return Promise.resolve();
    return fragment(`/dispatch/calls/${id}`).then((html) => {
      if (html !== null && selectedCall() === id && !editing()) swapInto("#incident-region", html);
    }).catch(() => {});
  },
  closed: () => fragment("/dispatch/closed").then((html) => swapInto("#closed-region", html)),
  units: () => fragment("/dispatch/units").then((html) => swapInto("#units-region", html)),
  header: () => fragment("/dispatch/header").then((html) => swapInto("#board-header", html)),
  panics: () => fragment("/dispatch/panics").then((html) => swapInto("#panics", html ?? "")),
  bolos: () => fragment("/dispatch/bolos").then((html) => swapInto("#bolos-region", html)),
};

function insertSorted(row) {
  const list = $("#queue-list");
  const key = (el) => [Number(el.dataset.priority), Number(el.dataset.created)];
  const [p, c] = key(row);
  const before = $$(".call-row", list).find((other) => {
    const [op, oc] = key(other);
    return op > p || (op === p && oc > c);
  });
  list.insertBefore(row, before || null);
}

function updateQueueCount() {
  const rows = $$("#queue-list .call-row").length;
  const count = $("#queue-count");
  if (count) count.textContent = String(rows);
  const empty = $("#queue-empty");
  if (empty) empty.hidden = rows > 0;
}

function markSelected() {
  const id = selectedCall();
  for (const row of $$(".call-row")) row.classList.toggle("selected", row.dataset.callId === id);
}

// `data-resyncs` on <body> counts the finished resyncs: a resync's fetches show the server's state when
// they are answered (a call created meanwhile included), so tests wait for it before they reason about
// what the socket alone delivers.
function resyncAll() {
  return Promise.allSettled([refresh.queue(), refresh.units(), refresh.closed(), refresh.header(), refresh.panics(),
    refresh.bolos(), refresh.incident()]).then((results) => {
    body.dataset.resyncs = String(Number(body.dataset.resyncs || 0) + 1);
    return results;
  });
}

// -- live events ---------------------------------------------------------------------------------------
let lastSeq = null;
function onEvent(name, data, frame) {
  if (typeof frame.seq === "number" && frame.seq > 0) {
    if (frame.seq === lastSeq) return; // another name of the event just handled
    lastSeq = frame.seq;
  }
  const kind = KIND[name];
  const callId = callIdOf(data);
  switch (kind) {
    case "new-call":
      if (callId) refresh.row(callId, { isNew: true });
      break;
    case "alert": {
      sound.alert(Number(data && data.priority) || 2);
      sound.attention(`New 911 call${data && data.callNumber ? ` #${data.callNumber}` : ""}`,
        (data && (data.location || data.title)) || "");
      break;
    }
    case "call":
    case "assign":
      if (callId) {
        soon(`row-${callId}`, () => refresh.row(callId), 30);
        if (callId === selectedCall()) soon("incident", refresh.incident);
      }
      if (kind === "assign") soon("units", refresh.units, 120);
      break;
    case "closed":
      if (callId) refresh.row(callId);
      if (callId && callId === selectedCall()) soon("incident", refresh.incident);
      soon("closed", refresh.closed, 120);
      soon("units", refresh.units, 120);
      break;
    case "panic":
      soon("panics", refresh.panics, 0);
      if (callId) refresh.row(callId, { isNew: true });
      sound.attention(`PANIC ${(data && data.callsign) || ""}`.trim(), (data && data.location) || "");
      break;
    case "panic-ack":
      soon("panics", refresh.panics, 0);
      if (callId && callId === selectedCall()) soon("incident", refresh.incident);
      break;
    case "units":
      soon("units", refresh.units, 80);
      break;
    case "header":
      soon("header", refresh.header, 40);
      break;
    case "bolos":
      soon("bolos", refresh.bolos, 80);
      break;
    default:
      break;
  }
}

// -- panics ---------------------------------------------------------------------------------------------
const knownPanics = new Set();
function syncPanics() {
  const ids = new Set($$(".panic-item").map((item) => item.dataset.panicId));
  for (const id of ids) {
    if (!knownPanics.has(id)) sound.startAlarm(id);
  }
  for (const id of knownPanics) {
    if (!ids.has(id)) sound.stopAlarm(id);
  }
  knownPanics.clear();
  ids.forEach((id) => knownPanics.add(id));
  const overlay = $(".panic-overlay");
  body.classList.toggle("has-panic", Boolean(overlay));
  if (overlay && !overlay.contains(document.activeElement)) {
    const button = $(".panic-ack", overlay);
    if (button) button.focus();
  }
}

// -- ages -----------------------------------------------------------------------------------------------
function formatAge(seconds) {
  const s = Math.max(0, Math.floor(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, "0")}s`;
  return `${Math.floor(s / 3600)}h ${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m`;
}

function tickAges() {
  const now = Date.now();
  for (const el of $$("[data-age]")) {
    const since = Date.parse(el.getAttribute("datetime"));
    if (!Number.isNaN(since)) {
      const text = formatAge((now - since) / 1000);
      if (el.textContent !== text) el.textContent = text;
    }
  }
  // A call passes its status's overdue threshold while nothing else happens to it: flag it then.
  for (const row of $$(".call-row[data-overdue-at]:not(.overdue)")) {
    if (Date.parse(row.dataset.overdueAt) <= now) {
      row.classList.add("overdue");
      const flag = $(".flag-overdue", row);
      if (flag) flag.hidden = false;
    }
  }
}

// -- selection and keyboard -------------------------------------------------------------------------------
function afterSwap(target) {
  if (target && target.id === "incident-region") {
    const card = $(".incident-card", target);
    if (card) {
      body.dataset.selected = card.dataset.callId;
      history.replaceState(null, "", `/dispatch?call=${card.dataset.callId}`);
      markSelected();
    }
  }
  if (target && target.id === "panics") syncPanics();
  tickAges();
}

function queueLinks() {
  return $$("#queue-list .call-row .call-select");
}

function moveInQueue(step) {
  const links = queueLinks();
  if (!links.length) return;
  const index = links.indexOf(document.activeElement);
  links[Math.max(0, Math.min(links.length - 1, index === -1 ? 0 : index + step))].focus();
}

function toggleSubform(button) {
  const form = document.getElementById(button.getAttribute("aria-controls"));
  if (!form) return;
  const open = form.hidden;
  form.hidden = !open;
  button.setAttribute("aria-expanded", String(open));
  if (open) {
    const field = form.querySelector("input:not([type=hidden]), textarea, select");
    if (field) field.focus();
  }
}

function openNewCall() {
  const dialog = $("#new-call-dialog");
  if (!dialog) return;
  dialog.showModal();
  const first = $("input:not([type=hidden]), select, textarea", dialog);
  if (first) first.focus();
}

// One status picker serves every unit row: it is pointed at the row's unit when opened.
function openUnitStatus(row) {
  const dialog = $("#unit-status-dialog");
  if (!dialog || !row) return;
  const form = $("#unit-status-form", dialog);
  form.action = form.dataset.actionTemplate.replace(form.dataset.placeholder, row.dataset.unitId);
  $("#unit-status-title", dialog).textContent = `Status for ${row.dataset.callsign}`;
  const select = $("#unit-status-select", dialog);
  if (row.dataset.code) select.value = row.dataset.code;
  dialog.showModal();
  select.focus();
}

function submitUnitStatus(event) {
  event.preventDefault();
  const form = event.target;
  window.htmx.ajax("POST", form.action, { source: form, target: "#units-region", swap: "innerHTML" })
    .then(() => { const dialog = form.closest("dialog"); if (dialog.open) dialog.close(); });
}

// Tab completion in the command line: command names, then call numbers and callsigns.
const COMMANDS = ["new", "assign", "status", "note", "close", "ack", "view"];
function completions(position) {
  if (position === 0) return COMMANDS;
  const callsigns = $$("[data-callsign]").map((el) => el.dataset.callsign);
  const numbers = $$("#queue-list .call-row").map((el) => el.dataset.number);
  return [...new Set([...numbers, ...callsigns])];
}

function completeCommand(input) {
  const words = input.value.split(" ");
  const word = words[words.length - 1];
  const options = completions(words.length - 1).filter((o) => o.toLowerCase().startsWith(word.toLowerCase()));
  if (!options.length) return false;
  let common = options[0];
  for (const option of options) {
    while (!option.toLowerCase().startsWith(common.toLowerCase())) common = common.slice(0, -1);
  }
  words[words.length - 1] = options.length === 1 ? `${options[0]} ` : (common.length > word.length ? common : word);
  input.value = words.join(" ");
  const result = $("#command-result");
  if (options.length > 1 && result) result.textContent = options.slice(0, 12).join("  ");
  return true;
}

function bindKeys() {
  shortcut("/", "Focus the command line", () => { const input = $("#command-input"); if (input) input.focus(); });
  shortcut("n", "New call", openNewCall);
  shortcut("q", "Go to the call queue", () => moveInQueue(0));
  shortcut("j", "Next call in the queue", () => moveInQueue(1));
  shortcut("k", "Previous call in the queue", () => moveInQueue(-1));
  shortcut("ArrowDown", "Next call (in the queue)", () => {
    if ($("#queue-region").contains(document.activeElement)) moveInQueue(1);
  });
  shortcut("ArrowUp", "Previous call (in the queue)", () => {
    if ($("#queue-region").contains(document.activeElement)) moveInQueue(-1);
  });
  shortcut("a", "Assign a unit to the open call", () => { const select = $("#assign-unit"); if (select) select.focus(); });
  shortcut("m", "Write a note on the open call", () => {
    const note = $("#incident-region textarea[name=text]");
    if (note) note.focus();
  });
  shortcut("e", "Edit the open call", () => { const button = $("[aria-controls=edit-call]"); if (button) toggleSubform(button); });
  shortcut("c", "Close the open call", () => { const button = $("[aria-controls=close-call]"); if (button) toggleSubform(button); });
  shortcut("u", "Go to the units column", () => {
    const first = $("#units-region select, #units-region button");
    if (first) first.focus();
  });
  shortcut("b", "Go to the BOLOs", () => { const first = $("#bolos-region button"); if (first) first.focus(); });
  shortcut("!", "Acknowledge the oldest panic", () => press($(".panic-ack")));
  for (const n of ["1", "2", "3", "4", "5"]) {
    shortcut(n, `Dispatch suggested unit ${n} to the open call`, () => {
      press($(`[data-suggestion="${n}"]`));
    });
  }
  shortcut("Escape", "Close a dialog or leave a field", () => {
    const dialog = $("dialog[open]");
    if (dialog) dialog.close();
    else if (document.activeElement && document.activeElement !== body) document.activeElement.blur();
  }, { inFields: true });
}

function toast(message) {
  let box = $("#board-toast");
  if (!box) {
    box = document.createElement("div");
    box.id = "board-toast";
    box.className = "toast";
    box.setAttribute("role", "alert");
    body.append(box);
  }
  box.textContent = message;
  clearTimeout(box.timer);
  box.hidden = false;
  box.timer = setTimeout(() => { box.hidden = true; }, 6000);
}

function bindUi() {
  document.addEventListener("click", (event) => {
    const toggle = event.target.closest("[data-toggle]");
    if (toggle) toggleSubform(toggle);
    const close = event.target.closest("[data-close-dialog]");
    if (close) close.closest("dialog").close();
    if (event.target.closest("#new-call-button")) openNewCall();
    const statusButton = event.target.closest("[data-unit-status]");
    if (statusButton) openUnitStatus(statusButton.closest(".unit-row"));
  });
  const unitStatusForm = $("#unit-status-form");
  if (unitStatusForm) unitStatusForm.addEventListener("submit", submitUnitStatus);
  // A refused status (422, plain text) is a message for the dispatcher, not a units column.
  body.addEventListener("htmx:beforeSwap", (event) => {
    const config = event.detail.requestConfig;
    if (event.detail.xhr.status === 422 && config && config.elt && config.elt.id === "unit-status-form") {
      event.detail.shouldSwap = false;
      toast(event.detail.xhr.responseText || "The server refused that.");
    }
  });
  body.addEventListener("htmx:afterSwap", (event) => afterSwap(event.detail.target));
  body.addEventListener("htmx:afterRequest", (event) => {
    const element = event.detail.elt;
    const status = event.detail.xhr ? event.detail.xhr.status : 0;
    if (element && element.id === "new-call-form" && status >= 200 && status < 300) {
      const dialog = $("#new-call-dialog");
      element.reset();
      if (dialog && dialog.open) dialog.close();
    }
    if (element && element.id === "command-form") {
      const result = $("#command-result span");
      const ok = Boolean(result && result.dataset.ok === "true");
      sound.feedback(ok);
      if (ok) {
        $("#command-input").value = "";
        const callId = result.dataset.callId;
        if (callId) window.htmx.ajax("GET", `/dispatch/calls/${callId}`, { target: "#incident-region", swap: "innerHTML" });
      }
    }
  });
  body.addEventListener("htmx:responseError", (event) => {
    const text = (event.detail.xhr && event.detail.xhr.responseText) || "";
    toast(text && text.length <= 200 && !text.startsWith("<") ? text : "The server refused that.");
  });
  body.addEventListener("htmx:sendError", () => toast("Could not reach the server; try again."));
  const input = $("#command-input");
  if (input) {
    input.addEventListener("keydown", (event) => {
      if (event.key === "Tab" && !event.shiftKey && input.value.trim() && completeCommand(input)) event.preventDefault();
    });
  }
}

bindSoundControls();
bindUi();
bindKeys();
syncPanics();
tickAges();
setInterval(tickAges, 1000);
if (selectedCall()) afterSwap($("#incident-region"));
connectLive({ events: WANTED, onEvent, onResync: resyncAll });
window.cadBoard = { refresh, resyncAll };
