// 003's "Complete JavaScript Client Example", verbatim but for SOCKET_URL, JWT_TOKEN and COMMUNITY_ID.
import { io } from "socket.io-client";

// ── Configuration ────────────────────────────────────────
const SOCKET_URL   = process.env.SOCKET_URL;
const JWT_TOKEN    = process.env.JWT_TOKEN;
const COMMUNITY_ID = process.env.COMMUNITY_ID;

// ── Connect ──────────────────────────────────────────────
const socket = io(SOCKET_URL, {
  transports: ["websocket"],
  auth: { token: JWT_TOKEN },
  reconnection: true,
  reconnectionAttempts: 10,
  reconnectionDelay: 2000
});

// ── Connection Lifecycle ─────────────────────────────────
socket.on("connect", () => {
  console.log("[WS] Connected:", socket.id);

  // Join the community room
  socket.emit("join-community", COMMUNITY_ID);

  // Request current state
  socket.emit("request-locations", { communityId: COMMUNITY_ID });
  socket.emit("request-911-calls", { communityId: COMMUNITY_ID });
});

socket.on("disconnect", (reason) => {
  console.warn("[WS] Disconnected:", reason);
});

socket.on("connect_error", (err) => {
  console.error("[WS] Connection error:", err.message);
});

// ── Call Events ──────────────────────────────────────────
socket.on("new-911-call", (call) => {
  console.log("[CALL] New 911 call:", call.incidentNumber, call.callType);
  console.log("  Location:", call.location);
  console.log("  Priority:", call.priority);
  // Add to dispatch board UI...
});

socket.on("callUpdated", (call) => {
  console.log("[CALL] Updated:", call.incidentNumber);
  // Refresh call card in UI...
});

socket.on("call-deleted", (data) => {
  console.log("[CALL] Deleted:", data.incidentNumber, "by", data.deletedBy);
  // Remove from dispatch board...
});

socket.on("call-note-added", (data) => {
  console.log("[CALL] Note on", data.callId, ":", data.note.text);
  // Append note to call detail view...
});

// ── 911 Alerts ───────────────────────────────────────────
socket.on("911Alert", (alert) => {
  console.log("[911] ALERT:", alert.callType, "at", alert.location);
  playAlertSound(alert.priority);
  showNotification(alert);
});

socket.on("current911Calls", (calls) => {
  console.log("[911] Received", calls.length, "active calls");
  // Populate dispatch board with current calls...
});

// ── Unit Locations ───────────────────────────────────────
socket.on("unitLocationUpdate", (unit) => {
  console.log("[UNIT]", unit.unitName, "at", unit.x, unit.y, unit.z);
  // Update map marker...
});

socket.on("unitLocationRemoved", (data) => {
  console.log("[UNIT] Offline:", data.unitName);
  // Remove marker from map...
});

socket.on("unit-auto-offline", (data) => {
  console.log("[UNIT] Auto-offline:", data.callSign, "-", data.reason);
});

socket.on("currentLocations", (locations) => {
  console.log("[UNIT] Received", Object.keys(locations).length, "locations");
  // Initialize all map markers...
});

// ── Panic Button ─────────────────────────────────────────
socket.on("panic-button", (panic) => {
  console.error("[PANIC]", panic.officerName, "at", panic.location);
  console.error("  Postal:", panic.postal, "Source:", panic.source);

  // Trigger urgent UI alert
  showPanicOverlay(panic);
  playPanicAlarm();
  flashMapMarker(panic.coordinates);
});

// ── BOLOs & Announcements ────────────────────────────────
socket.on("new-bolo", (bolo) => {
  console.log("[BOLO] New BOLO received:", bolo);
  // Display BOLO notification...
});

socket.on("new-announcement", (announcement) => {
  console.log("[ANNOUNCE]", announcement.title, "-", announcement.priority);
  // Show announcement banner...
});

socket.on("announcement-removed", (data) => {
  console.log("[ANNOUNCE] Removed:", data.id);
  // Remove announcement banner...
});

// ── Cleanup on page unload ───────────────────────────────
window.addEventListener("beforeunload", () => {
  socket.emit("leave-community", COMMUNITY_ID);
  socket.disconnect();
});

// ── Helper functions (implement per your UI framework) ───
function playAlertSound(priority) { /* ... */ }
function playPanicAlarm() { /* ... */ }
function showNotification(alert) { /* ... */ }
function showPanicOverlay(panic) { /* ... */ }
function flashMapMarker(coords) { /* ... */ }
