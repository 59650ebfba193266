// The live map: Leaflet with a simple CRS whose transformation takes raw GTA V coordinates ([y, x]), built
// from the server's one transform (maps.transform). Units come from the coalesced `unitLocations` stream:
// a marker is created once per unit and then only moved; a unit that did not move costs nothing.
import { connectLive } from "../web/js/live.js";

const layout = document.querySelector(".map-layout");
const config = JSON.parse(document.getElementById("map-config").textContent);
const stateUrl = layout.dataset.stateUrl;
const blankTile = layout.dataset.blankTile;
const unitList = document.getElementById("unit-list");
const unitCount = document.getElementById("unit-count");
const unitEmpty = document.getElementById("unit-empty");
const searchForm = document.getElementById("map-search");
const searchInput = document.getElementById("map-search-input");
const searchResult = document.getElementById("map-search-result");
const panicAlert = document.getElementById("panic-alert");
const backgroundNote = document.getElementById("map-background");
const SVG = "http://www.w3.org/2000/svg";

const [ta, tb, tc, td] = config.crs.transformation;
const GameCRS = L.extend({}, L.CRS.Simple, { transformation: new L.Transformation(ta, tb, tc, td) });
// GTA V's playable world (with a margin), as Leaflet [y, x] corners.
const WORLD = L.latLngBounds([[-4500, -4500], [8800, 5000]]);

const map = L.map("map", {
  crs: GameCRS, minZoom: 0, maxZoom: 8, zoomSnap: 0.5, attributionControl: false, keyboard: true,
  maxBounds: WORLD.pad(0.5), maxBoundsViscosity: 0.8,
});
map.fitBounds(WORLD);

// -- background: uploaded tiles, or a neutral grid with the postal codes as labels --------------------
let postals = [];
const GridLayer = L.GridLayer.extend({
  createTile(coords) {
    const tile = document.createElement("canvas");
    const size = this.getTileSize();
    tile.width = size.x;
    tile.height = size.y;
    const ctx = tile.getContext("2d");
    const nw = map.unproject([coords.x * size.x, coords.y * size.y], coords.z);
    const se = map.unproject([(coords.x + 1) * size.x, (coords.y + 1) * size.y], coords.z);
    const toPx = (x, y) => [(x - nw.lng) / (se.lng - nw.lng) * size.x, (y - nw.lat) / (se.lat - nw.lat) * size.y];
    ctx.fillStyle = "#1d2a36";
    ctx.fillRect(0, 0, size.x, size.y);
    const step = gridStep(coords.z);
    ctx.strokeStyle = "#31455a";
    ctx.lineWidth = 1;
    for (let x = Math.ceil(nw.lng / step) * step; x <= se.lng; x += step) {
      const [px] = toPx(x, 0);
      ctx.beginPath(); ctx.moveTo(px + 0.5, 0); ctx.lineTo(px + 0.5, size.y); ctx.stroke();
    }
    for (let y = Math.floor(nw.lat / step) * step; y >= se.lat; y -= step) {
      const [, py] = toPx(0, y);
      ctx.beginPath(); ctx.moveTo(0, py + 0.5); ctx.lineTo(size.x, py + 0.5); ctx.stroke();
    }
    if (coords.z >= 3 && postals.length) {
      ctx.fillStyle = "#e2e8f0";
      ctx.font = `${coords.z >= 5 ? 12 : 10}px system-ui, sans-serif`;
      for (const [x, y, code] of postals) {
        if (x < nw.lng || x > se.lng || y > nw.lat || y < se.lat) continue;
        const [px, py] = toPx(x, y);
        ctx.fillText(code, px - 10, py + 4);
      }
    }
    return tile;
  },
});
const grid = new GridLayer({ tileSize: 256 }).addTo(map);
let tilesId; // undefined until the first state: the grid note is written then too

function gridStep(zoom) {
  return zoom >= 5 ? 250 : zoom >= 4 ? 500 : zoom >= 2 ? 1000 : 2000;
}

// The grid's coordinates label each line once, along the map's top and left edges. (Drawn into the tiles
// they repeated in every tile column and row, and while zooming the old level's tiles showed them again
// at another size.) Hidden during a zoom animation and over an uploaded map.
const axes = document.createElement("div");
axes.className = "grid-axes";
axes.setAttribute("aria-hidden", "true");
map.getContainer().appendChild(axes);

function drawAxes() {
  axes.replaceChildren();
  if (tilesId) return;
  const bounds = map.getBounds();
  const step = gridStep(Math.round(map.getZoom()));
  const size = map.getSize();
  const add = (text, left, top, axis) => {
    const label = document.createElement("span");
    label.className = `grid-axis-label grid-axis-${axis}`;
    label.textContent = text;
    label.style.left = `${Math.round(left)}px`;
    label.style.top = `${Math.round(top)}px`;
    axes.appendChild(label);
  };
  for (let x = Math.ceil(bounds.getWest() / step) * step; x <= bounds.getEast(); x += step) {
    const px = map.latLngToContainerPoint([bounds.getNorth(), x]).x;
    if (px > 40 && px < size.x - 48) add(`x ${x}`, px + 3, 2, "x");
  }
  for (let y = Math.floor(bounds.getNorth() / step) * step; y >= bounds.getSouth(); y -= step) {
    const py = map.latLngToContainerPoint([y, bounds.getWest()]).y;
    if (py > 24 && py < size.y - 4) add(`y ${y}`, 3, py - 15, "y");
  }
}
map.on("zoomstart", () => axes.replaceChildren());
map.on("moveend zoomend resize", drawAxes);
let tiles = null;

function setTiles(layer) {
  const id = layer ? layer.id : null;
  if (id === tilesId) return;
  tilesId = id;
  if (tiles) tiles.remove();
  tiles = null;
  if (layer) {
    const [x0, y0, x1, y1] = layer.bounds;
    tiles = L.tileLayer(layer.url, {
      minNativeZoom: layer.minNativeZoom, maxNativeZoom: layer.maxNativeZoom, minZoom: 0, maxZoom: 8,
      bounds: L.latLngBounds([[y0, x0], [y1, x1]]), errorTileUrl: blankTile, noWrap: true, className: "uploaded-tiles",
    }).addTo(map);
    backgroundNote.textContent = "Background: the community's uploaded map.";
  } else {
    backgroundNote.textContent = "Background: grid (no map uploaded yet); postal codes as labels.";
  }
  drawAxes();
}

async function loadPostals() {
  const url = layout.dataset.postalsUrl;
  if (!url) return;
  try {
    const response = await fetch(url, { credentials: "same-origin" });
    if (!response.ok) return;
    const data = await response.json();
    postals = (data.postals || []).map((p) => [p.x, p.y, String(p.code)]);
    grid.redraw();
  } catch (error) {
    console.warn("map: postals unavailable", error);
  }
}

// -- units ---------------------------------------------------------------------------------------------
const units = new Map(); // unit id → unit (from the state)
const unitByKey = new Map(); // any id a position may be keyed by → unit
const markers = new Map(); // position key → {marker, arrow, x, y, heading, unitId}
const trace = []; // [key, x, y, ms] of recent moves, for the benchmark (window.cadMap.trace)

function unitOf(position) {
  return (position.odId && units.get(position.odId)) || unitByKey.get(position.unitId)
    || (position.characterId && unitByKey.get(position.characterId)) || null;
}

function arrowIcon(color) {
  const wrap = document.createElement("div");
  wrap.className = "unit-arrow";
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("width", "26");
  svg.setAttribute("height", "26");
  svg.setAttribute("aria-hidden", "true");
  const shape = document.createElementNS(SVG, "path");
  shape.setAttribute("d", "M12 2 L20 21 L12 16 L4 21 Z");
  shape.setAttribute("fill", color);
  shape.setAttribute("stroke", "#ffffff");
  shape.setAttribute("stroke-width", "1.5");
  svg.appendChild(shape);
  wrap.appendChild(svg);
  return { wrap, shape };
}

function label(position) {
  const unit = unitOf(position);
  return unit ? unit.callsign : (position.unitName || position.unitId);
}

function placeUnit(position) {
  const key = position.unitId;
  const x = Number(position.x);
  const y = Number(position.y);
  const heading = Number(position.heading) || 0;
  if (!Number.isFinite(x) || !Number.isFinite(y)) return;
  const known = markers.get(key);
  const stamp = position.lastUpdate || "";
  if (known) {
    // A re-read state may carry an older position than the stream already drew: never move back in time.
    if (stamp && known.stamp && stamp < known.stamp) return;
    known.stamp = stamp || known.stamp;
    if (known.x === x && known.y === y && known.heading === heading) return; // nothing to do
    if (known.x !== x || known.y !== y) known.marker.setLatLng([y, x]);
    // 004: heading 0 = north, 90 = east; the arrow points up at 0 and turns clockwise.
    if (known.heading !== heading) known.wrap.style.transform = `rotate(${heading}deg)`;
    known.x = x; known.y = y; known.heading = heading;
    if (trace.length >= 5000) trace.shift();
    trace.push([key, x, y, Date.now()]);
    return;
  }
  const unit = unitOf(position);
  const { wrap, shape } = arrowIcon(unit ? unit.color : "#64748b");
  wrap.style.transform = `rotate(${heading}deg)`;
  const name = label(position);
  const marker = L.marker([y, x], {
    icon: L.divIcon({ html: wrap, className: "unit-marker", iconSize: [26, 26], iconAnchor: [13, 13] }),
    keyboard: true, title: name, riseOnHover: true,
  });
  marker.bindPopup(() => popupFor(key));
  marker.addTo(map);
  const element = marker.getElement();
  element.setAttribute("role", "button");
  element.setAttribute("aria-label", name);
  element.dataset.unit = key;
  markers.set(key, { marker, wrap, shape, x, y, heading, name, stamp, unitId: unit ? unit.id : null,
    postal: position.postal });
  trace.push([key, x, y, Date.now()]);
  renderUnitList();
}

function removeUnit(key) {
  const known = markers.get(key);
  if (!known) return;
  known.marker.remove();
  markers.delete(key);
  renderUnitList();
}

function popupFor(key) {
  const known = markers.get(key);
  const box = document.createElement("div");
  if (!known) return box;
  const unit = known.unitId ? units.get(known.unitId) : null;
  const title = document.createElement("strong");
  title.textContent = known.name;
  box.appendChild(title);
  const detail = document.createElement("div");
  detail.textContent = [unit && unit.department, unit && `Status ${unit.status}`, known.postal && `Postal ${known.postal}`]
    .filter(Boolean).join(" · ");
  box.appendChild(detail);
  return box;
}

function refreshMarkerIdentity() {
  // A unit's callsign or colour may change (status/duty events refresh `units`): update named markers.
  for (const [key, known] of markers) {
    const unit = unitByKey.get(key) || (known.unitId && units.get(known.unitId));
    if (!unit) continue;
    known.unitId = unit.id;
    if (known.name !== unit.callsign) {
      known.name = unit.callsign;
      const element = known.marker.getElement();
      if (element) { element.setAttribute("aria-label", unit.callsign); element.title = unit.callsign; }
    }
    if (known.shape.getAttribute("fill") !== unit.color) known.shape.setAttribute("fill", unit.color);
  }
}

function markerForUnit(unit) {
  for (const key of unit.keys) {
    if (markers.has(key)) return markers.get(key);
  }
  for (const known of markers.values()) if (known.unitId === unit.id) return known;
  return null;
}

let listSignature = null;
function renderUnitList() {
  const rows = [...units.values()];
  const signature = rows.map((u) => `${u.id}|${u.callsign}|${u.status}|${markerForUnit(u) ? 1 : 0}`).join(";");
  if (signature === listSignature) return;
  listSignature = signature;
  unitList.replaceChildren(...rows.map((unit) => {
    const item = document.createElement("li");
    const button = document.createElement("button");
    button.type = "button";
    button.className = "unit-item";
    button.dataset.unit = unit.id;
    const swatch = document.createElement("span");
    swatch.className = "unit-swatch";
    swatch.style.backgroundColor = unit.color;
    const callsign = document.createElement("span");
    callsign.className = "unit-callsign";
    callsign.textContent = unit.callsign;
    const meta = document.createElement("span");
    meta.className = "unit-meta";
    meta.textContent = `${unit.status}${unit.department ? ` · ${unit.department}` : ""}${markerForUnit(unit) ? "" : " · no position"}`;
    button.append(swatch, callsign, meta);
    button.addEventListener("click", () => centreOnUnit(unit));
    item.appendChild(button);
    return item;
  }));
  unitCount.textContent = String(rows.length);
  unitEmpty.hidden = rows.length > 0;
}

function centreOnUnit(unit) {
  const known = markerForUnit(unit);
  if (!known) {
    searchResult.textContent = `${unit.callsign} has not reported a position.`;
    return false;
  }
  map.setView([known.y, known.x], Math.max(map.getZoom(), 4));
  known.marker.openPopup();
  searchResult.textContent = `Centred on ${unit.callsign}.`;
  return true;
}

function setUnits(list) {
  units.clear();
  unitByKey.clear();
  for (const unit of list) {
    units.set(unit.id, unit);
    for (const key of unit.keys) unitByKey.set(key, unit);
  }
  refreshMarkerIdentity();
  listSignature = null;
  renderUnitList();
}

// -- calls and panics ----------------------------------------------------------------------------------
const callMarkers = new Map();
const panicMarkers = new Map();

function setCalls(list) {
  const seen = new Set();
  for (const call of list) {
    seen.add(call.id);
    const name = `Call #${call.number} ${call.title}`;
    const known = callMarkers.get(call.id);
    if (known) {
      if (known.x !== call.x || known.y !== call.y) known.marker.setLatLng([call.y, call.x]);
      Object.assign(known, { x: call.x, y: call.y });
      continue;
    }
    const glyph = document.createElement("div");
    glyph.className = `call-glyph priority-${call.priority}`;
    glyph.textContent = "!";
    const marker = L.marker([call.y, call.x], {
      icon: L.divIcon({ html: glyph, className: "call-marker", iconSize: [24, 24], iconAnchor: [12, 12] }),
      keyboard: true, title: name,
    }).bindPopup(() => {
      const box = document.createElement("div");
      box.textContent = `${name}${call.location ? ` — ${call.location}` : ""}${call.postal ? ` (postal ${call.postal})` : ""}`;
      return box;
    }).addTo(map);
    marker.getElement().setAttribute("role", "button");
    marker.getElement().setAttribute("aria-label", name);
    callMarkers.set(call.id, { marker, x: call.x, y: call.y });
  }
  for (const [id, known] of callMarkers) {
    if (!seen.has(id)) { known.marker.remove(); callMarkers.delete(id); }
  }
}

function panicPlace(panic) {
  const c = panic.coordinates;
  if (c && Number.isFinite(Number(c.x)) && Number.isFinite(Number(c.y))) return [Number(c.y), Number(c.x)];
  for (const known of markers.values()) if (known.name === panic.callsign) return [known.y, known.x];
  return null;
}

function showPanic(panic, { announce }) {
  const started = Date.parse(panic.timestamp) || Date.now();
  const left = panicSeconds * 1000 - (Date.now() - started);
  if (left <= 0 || panicMarkers.has(panic.callId)) return;
  const place = panicPlace(panic);
  const name = `Panic ${panic.callsign}`.trim();
  if (place) {
    const glyph = document.createElement("div");
    glyph.className = "panic-glyph";
    glyph.textContent = "SOS";
    const marker = L.marker(place, {
      icon: L.divIcon({ html: glyph, className: "panic-marker", iconSize: [40, 40], iconAnchor: [20, 20] }),
      keyboard: true, title: name, zIndexOffset: 1000,
    }).addTo(map);
    marker.getElement().setAttribute("role", "button");
    marker.getElement().setAttribute("aria-label", name);
    const timer = setTimeout(() => { marker.remove(); panicMarkers.delete(panic.callId); }, left);
    panicMarkers.set(panic.callId, { marker, timer });
  }
  if (announce) {
    const where = [panic.location, panic.postal && `postal ${panic.postal}`].filter(Boolean).join(", ");
    panicAlert.textContent = `PANIC — ${panic.callsign || panic.officerName || "unit"}${where ? ` at ${where}` : ""}`;
    panicAlert.hidden = false;
    clearTimeout(showPanic.hideTimer);
    showPanic.hideTimer = setTimeout(() => { panicAlert.hidden = true; }, left);
  }
}

// -- state and live updates ----------------------------------------------------------------------------
let panicSeconds = 90;
let fetching = null;
let again = false;

async function refresh() {
  if (fetching) { again = true; return fetching; }
  fetching = (async () => {
    try {
      const response = await fetch(stateUrl, { credentials: "same-origin", headers: { Accept: "application/json" } });
      if (!response.ok) return;
      const state = await response.json();
      panicSeconds = state.panicSeconds || panicSeconds;
      setUnits(state.units);
      const present = new Set();
      for (const position of state.positions) { present.add(position.unitId); placeUnit(position); }
      for (const key of [...markers.keys()]) if (!present.has(key)) removeUnit(key);
      setCalls(state.calls);
      for (const panic of state.panics) showPanic(panic, { announce: false });
      setTiles(state.tiles);
      layout.dataset.ready = "true";
    } finally {
      fetching = null;
      if (again) { again = false; refresh(); }
    }
  })();
  return fetching;
}

let refreshTimer = null;
function refreshSoon() {
  clearTimeout(refreshTimer);
  refreshTimer = setTimeout(refresh, 150);
}

// A department's change (colour, name, archive) re-reads the state: units are drawn in the colour the server
// picks for them (their department's, else their job's), so the markers and the list follow it.
const REFRESH_ON = new Set([
  "unit-status-updated", "unit-auto-offline", "new-call", "callUpdated", "call-status-updated", "call-deleted",
  "unitsAssignedTo911", "unitRemovedFromCall", "unitDetachedFromCall", "map-tiles-updated", "department-updated",
]);
let lastGapResync = 0;

connectLive({
  url: `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/ws?positions=coalesced`,
  onEvent(name, data) {
    if (name === "unitLocations") {
      for (const position of Object.values(data.units || {})) placeUnit(position);
      for (const key of data.removed || []) removeUnit(key);
    } else if (name === "unitLocationUpdate" || name === "unit-location-updated") {
      placeUnit(data);
    } else if (name === "unitLocationRemoved") {
      removeUnit(data.unitId);
    } else if (name === "panic-button") {
      showPanic(data, { announce: true });
      refreshSoon();
    } else if (REFRESH_ON.has(name)) {
      refreshSoon();
    }
  },
  onResync(reason) {
    // A coalesced stream skips the seq of every single position it folds in: such gaps are expected, so
    // they refresh at most every 10 s (state is idempotent either way).
    if (reason === "gap") {
      if (Date.now() - lastGapResync < 10000) return;
      lastGapResync = Date.now();
    }
    refresh();
  },
});

// -- search --------------------------------------------------------------------------------------------
searchForm.addEventListener("submit", async (event) => {
  event.preventDefault();
  await postalsReady; // a search right after the page opened still knows the postals
  const q = searchInput.value.trim().toLowerCase();
  if (!q) return;
  const unit = [...units.values()].find((u) => u.callsign.toLowerCase() === q)
    || [...units.values()].find((u) => u.callsign.toLowerCase().includes(q));
  if (unit && centreOnUnit(unit)) return;
  const postal = postals.find((p) => p[2].toLowerCase() === q);
  if (postal) {
    map.setView([postal[1], postal[0]], Math.max(map.getZoom(), 5));
    searchResult.textContent = `Centred on postal ${postal[2]}.`;
    return;
  }
  if (!unit) searchResult.textContent = `No unit or postal matches “${searchInput.value.trim()}”.`;
});

window.cadMap = { map, markers, trace, refresh };
const postalsReady = loadPostals();
refresh();
