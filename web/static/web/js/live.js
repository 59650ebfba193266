// The page's one WebSocket: /ws with the session cookie, joined to the page's community.
//
//   import { connectLive } from "/static/web/js/live.js";
//   const live = connectLive({
//     events: ["new-call", "call-updated"],          // what the page uses (the server may send more)
//     onEvent(name, data, frame) { ... },             // every event frame, in order
//     onResync(reason) { ... },                       // re-fetch what the page shows
//   });
//
// Each server event carries the community's `seq`. onResync runs after every join (the first one
// too: something may have happened between the page's render and the socket's join), after a
// reconnect, and when a `seq` gap shows that frames were missed. Handlers must therefore be
// idempotent. The `Connection` status element (role="status", #connection) reads Live, Reconnecting
// or Offline; after the server is reachable again the socket is back within ~2.5 s.

const LABELS = { live: "Live", reconnecting: "Reconnecting", offline: "Offline" };
const MAX_DELAY_MS = 2000; // plus up to 500 ms of jitter: reconnects land within 5 s
const OFFLINE_AFTER = 3; // failed attempts in a row before the indicator says Offline
const REPLIES = new Set(["joined-community", "left-community", "authenticated", "error"]);

export class LiveConnection extends EventTarget {
  constructor({ communityId, events = null, onEvent = null, onResync = null, statusElement = null, url = null } = {}) {
    super();
    this.communityId = communityId || document.body.dataset.community;
    this.events = events;
    this.onEvent = onEvent;
    this.onResync = onResync;
    this.statusElement = statusElement || document.getElementById("connection");
    this.url = url || `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/ws`;
    this.socket = null;
    this.lastSeq = null;
    this.attempts = 0;
    this.joinedOnce = false;
    this.stopped = false;
    this.timer = null;
    this.state = "offline";
    this._resyncQueued = false;
    window.addEventListener("online", () => this.reconnectNow());
    window.addEventListener("offline", () => this._setState("offline"));
    document.addEventListener("visibilitychange", () => {
      if (document.visibilityState === "visible" && this.state !== "live") this.reconnectNow();
    });
  }

  start() {
    this.stopped = false;
    this._open();
    return this;
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.timer);
    if (this.socket) this.socket.close(1000);
    this._setState("offline");
  }

  /** Sends a client event ({event, data}) when connected; returns whether it was sent. */
  send(event, data) {
    if (!this.socket || this.socket.readyState !== WebSocket.OPEN) return false;
    this.socket.send(JSON.stringify({ event, data }));
    return true;
  }

  reconnectNow() {
    if (this.stopped || (this.socket && this.socket.readyState <= WebSocket.OPEN)) return;
    this._open();
  }

  _open() {
    clearTimeout(this.timer);
    let socket;
    try {
      socket = new WebSocket(this.url);
    } catch (error) {
      this._scheduleReconnect();
      return;
    }
    this.socket = socket;
    socket.addEventListener("open", () => {
      const data = { communityId: this.communityId };
      if (this.events) data.events = this.events;
      socket.send(JSON.stringify({ event: "join-community", data }));
    });
    socket.addEventListener("message", (message) => this._receive(message.data));
    socket.addEventListener("close", (closed) => {
      if (this.socket !== socket) return;
      this.socket = null;
      if (this.stopped) return;
      this.attempts += 1;
      this._setState(this.attempts >= OFFLINE_AFTER || !navigator.onLine || closed.code === 4401 ? "offline" : "reconnecting");
      this._scheduleReconnect(closed.code === 4401 ? 5000 : null);
    });
  }

  _scheduleReconnect(fixedDelay = null) {
    clearTimeout(this.timer);
    const delay = fixedDelay ?? Math.min(250 * 2 ** this.attempts, MAX_DELAY_MS) + Math.random() * 500;
    this.timer = setTimeout(() => this._open(), delay);
  }

  _receive(raw) {
    let frame;
    try {
      frame = JSON.parse(raw);
    } catch {
      return;
    }
    const name = frame.event;
    if (name === "joined-community") {
      const reason = this.joinedOnce ? "reconnected" : "joined";
      this.joinedOnce = true;
      this.attempts = 0;
      this.lastSeq = null; // the next event sets the baseline; the resync below covers the time before
      this._setState("live");
      this._resync(reason);
      this.dispatchEvent(new CustomEvent("joined", { detail: frame.data }));
      return;
    }
    if (name === "error") {
      if (frame.data && frame.data.event === "join-community") this._setState("offline");
      this.dispatchEvent(new CustomEvent("server-error", { detail: frame.data }));
      return;
    }
    if (REPLIES.has(name)) return;
    const seq = typeof frame.seq === "number" ? frame.seq : 0;
    if (seq > 0) {
      if (this.lastSeq !== null && seq > this.lastSeq + 1) this._resync("gap");
      if (this.lastSeq === null || seq > this.lastSeq) this.lastSeq = seq;
    }
    if (this.onEvent) {
      try {
        this.onEvent(name, frame.data, frame);
      } catch (error) {
        console.error("live: handler for", name, "failed", error);
      }
    }
    this.dispatchEvent(new CustomEvent("event", { detail: frame }));
  }

  _resync(reason) {
    // Several triggers in one tick (a gap right after a join) cost one re-fetch.
    if (this._resyncQueued) return;
    this._resyncQueued = true;
    queueMicrotask(() => {
      this._resyncQueued = false;
      if (this.onResync) {
        try {
          this.onResync(reason);
        } catch (error) {
          console.error("live: resync failed", error);
        }
      }
      this.dispatchEvent(new CustomEvent("resync", { detail: { reason } }));
    });
  }

  _setState(state) {
    this.state = state;
    const element = this.statusElement;
    if (element) {
      element.dataset.state = state;
      if (element.textContent !== LABELS[state]) element.textContent = LABELS[state];
    }
    this.dispatchEvent(new CustomEvent("state", { detail: { state } }));
  }
}

export function connectLive(options = {}) {
  const connection = new LiveConnection(options).start();
  window.cadLive = connection; // for the console and browser tests
  return connection;
}
