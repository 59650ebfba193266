// Alert sounds, synthesized with the Web Audio API (no audio files: nothing to license), and the
// attention helpers for a hidden tab (desktop notification, flashing title).
//
//   import { sound } from "/static/web/js/sound.js";
//   sound.alert(priority)            // a new 911 call: 1 is the most urgent, 3 the least
//   sound.startAlarm(key)            // panic: repeats until every key is stopped
//   sound.stopAlarm(key)
//   sound.attention(title, body)     // when the tab is hidden: notification + flashing title
//
// `data-sound-urls` on <body> ({"call": "/media/...", "panic": ...}) names the community's own uploaded
// sounds, played instead of the synthesized ones.
//
// Browsers keep audio blocked until the user interacts with the page, so every element marked
// `data-sound-enable` (the "Enable sound" button) is shown until the AudioContext runs. The volume
// is the member's own, kept on the server with their membership (`data-my-volume` on <body>, 0-100,
// saved to `data-volume-url`), so it follows them to any browser; it plays within the community's
// level (`data-sound-volume` on <body>, 0-100). localStorage (keyed by username) is only a cache,
// for a page that has no membership to read (a superuser who is not a member).
// `data-sounds-off` on <body> turns kinds of sound off.

const VOLUME_KEY = () => `cad.volume.${document.body.dataset.user || "anonymous"}`;
const DEFAULT_VOLUME = 0.8;

function clamp01(value) {
  return Math.max(0, Math.min(1, value));
}

function csrfToken() {
  try {
    return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
  } catch {
    return "";
  }
}

class Sound {
  constructor() {
    this.context = null;
    this.alarms = new Set();
    this.alarmTimer = null;
    this.alarmAudio = null;
    this.titleTimer = null;
    this.baseTitle = document.title;
    this.heard = []; // what played, newest last (for tests and the console)
    this._volume = null; // the member's volume, 0-1, once read or changed on this page
    this._pendingLevel = null; // the newest level not yet sent
    this._saving = null; // the running save loop
    this.savedLevel = null; // the level the server last confirmed
    this.saveError = null;
    document.addEventListener("visibilitychange", () => {
      if (document.visibilityState === "visible") this.stopFlashing();
    });
  }

  get communityLevel() {
    const raw = Number(document.body.dataset.soundVolume ?? 100);
    return Number.isFinite(raw) ? Math.max(0, Math.min(100, raw)) / 100 : 1;
  }

  get volume() {
    if (this._volume !== null) return this._volume;
    const served = document.body.dataset.myVolume;
    if (served !== undefined && served !== "" && Number.isFinite(Number(served))) {
      this._volume = clamp01(Number(served) / 100);
      this._cache(this._volume);
      return this._volume;
    }
    const raw = localStorage.getItem(VOLUME_KEY());
    const stored = Number(raw);
    return raw === null || !Number.isFinite(stored) ? DEFAULT_VOLUME : clamp01(stored);
  }

  /** Plays at `value` (0-1) at once and saves it as the member's volume (see save()). */
  set volume(value) {
    this._volume = clamp01(Number(value) || 0);
    this._cache(this._volume);
    this.save(Math.round(this._volume * 100));
  }

  _cache(value) {
    try {
      localStorage.setItem(VOLUME_KEY(), String(value));
    } catch {
      // Storage may be full or disabled; the server keeps the volume anyway.
    }
  }

  /**
   * Saves `level` (0-100) on the server. One request at a time, and only the newest level waiting:
   * a fast drag cannot land out of order, and the last value wins. Resolves when nothing is left
   * to save (also what `settled()` waits for).
   */
  save(level) {
    const url = document.body.dataset.volumeUrl;
    if (!url) return Promise.resolve();
    this._pendingLevel = level;
    if (!this._saving) this._saving = this._drain(url);
    return this._saving;
  }

  async _drain(url) {
    try {
      await this._sendPending(url);
    } finally {
      this._saving = null; // synchronously with the loop's end: a later change starts a new loop
    }
  }

  async _sendPending(url) {
    while (this._pendingLevel !== null) {
      const level = this._pendingLevel;
      this._pendingLevel = null;
      try {
        const response = await fetch(url, {
          method: "POST",
          credentials: "same-origin",
          headers: { "X-CSRFToken": csrfToken(), "Content-Type": "application/x-www-form-urlencoded" },
          body: new URLSearchParams({ volume: String(level) }),
        });
        if (response.ok) this.savedLevel = (await response.json()).volume;
        else this.saveError = response.status;
      } catch (error) {
        this.saveError = String(error);
      }
    }
  }

  /** Resolves once every volume change has been sent (for tests and the console). */
  settled() {
    return this._saving || Promise.resolve();
  }

  customUrl(kind) {
    try {
      const url = JSON.parse(document.body.dataset.soundUrls || "{}")[kind];
      return typeof url === "string" && url.startsWith("/") ? url : null;
    } catch {
      return null;
    }
  }

  _playFile(url, { loop = false } = {}) {
    const audio = new Audio(url);
    audio.volume = Math.max(0, Math.min(1, this.volume * this.communityLevel));
    audio.loop = loop;
    audio.play().catch(() => {});
    return audio;
  }

  kindEnabled(kind) {
    const off = (document.body.dataset.soundsOff || "").split(/\s+/);
    return !off.includes(kind);
  }

  get enabled() {
    return this.context !== null && this.context.state === "running";
  }

  /** Call from a user gesture (the Enable sound button). */
  async enable() {
    if (!this.context) this.context = new AudioContext();
    if (this.context.state !== "running") await this.context.resume();
    if ("Notification" in window && Notification.permission === "default") {
      Notification.requestPermission().catch(() => {});
    }
    this.refreshControls();
    return this.enabled;
  }

  refreshControls() {
    for (const control of document.querySelectorAll("[data-sound-enable]")) control.hidden = this.enabled;
  }

  _gain(level) {
    const gain = this.context.createGain();
    gain.gain.value = level * this.volume * this.communityLevel;
    gain.connect(this.context.destination);
    return gain;
  }

  _beep(at, frequency, duration, { type = "sine", level = 0.5, slideTo = null } = {}) {
    const oscillator = this.context.createOscillator();
    const gain = this._gain(level);
    oscillator.type = type;
    oscillator.frequency.setValueAtTime(frequency, at);
    if (slideTo) oscillator.frequency.linearRampToValueAtTime(slideTo, at + duration);
    // A short attack and release: no clicks.
    const peak = gain.gain.value;
    gain.gain.setValueAtTime(0, at);
    gain.gain.linearRampToValueAtTime(peak, at + 0.01);
    gain.gain.setValueAtTime(peak, at + duration - 0.02);
    gain.gain.linearRampToValueAtTime(0, at + duration);
    oscillator.connect(gain);
    oscillator.start(at);
    oscillator.stop(at + duration + 0.01);
  }

  /** A new 911 call: two-tone chime; more urgent calls are higher and repeat. */
  alert(priority = 2) {
    this.heard.push({ kind: "alert", priority, at: Date.now() });
    if (!this.enabled || !this.kindEnabled("call")) return false;
    const custom = this.customUrl("call");
    if (custom) {
      this._playFile(custom);
      return true;
    }
    const p = Math.max(1, Math.min(3, Number(priority) || 2));
    const [low, high, repeats] = { 1: [880, 1320, 3], 2: [660, 990, 2], 3: [523, 784, 1] }[p];
    let at = this.context.currentTime + 0.02;
    for (let i = 0; i < repeats; i += 1) {
      this._beep(at, low, 0.14);
      this._beep(at + 0.16, high, 0.2);
      at += 0.45;
    }
    return true;
  }

  /** A short confirmation tone (command accepted) or a low buzz (rejected). */
  feedback(ok) {
    if (!this.enabled || !this.kindEnabled("feedback")) return false;
    const at = this.context.currentTime + 0.01;
    if (ok) this._beep(at, 1046, 0.08, { level: 0.25 });
    else this._beep(at, 180, 0.18, { type: "square", level: 0.2 });
    return true;
  }

  /** Panic: a siren sweep that repeats while any alarm key is active. */
  startAlarm(key) {
    this.alarms.add(key);
    this.heard.push({ kind: "alarm", key, at: Date.now() });
    if (this.alarmTimer === null) {
      this._alarmCycle();
      this.alarmTimer = setInterval(() => this._alarmCycle(), 1400);
    }
  }

  stopAlarm(key) {
    this.alarms.delete(key);
    if (this.alarms.size === 0 && this.alarmTimer !== null) {
      clearInterval(this.alarmTimer);
      this.alarmTimer = null;
      if (this.alarmAudio) {
        this.alarmAudio.pause();
        this.alarmAudio = null;
      }
    }
  }

  get alarming() {
    return this.alarms.size > 0;
  }

  _alarmCycle() {
    if (!this.enabled || !this.kindEnabled("panic")) return;
    const custom = this.customUrl("panic");
    if (custom) {
      if (!this.alarmAudio) this.alarmAudio = this._playFile(custom, { loop: true });
      return;
    }
    const at = this.context.currentTime + 0.02;
    this._beep(at, 700, 0.6, { type: "sawtooth", level: 0.35, slideTo: 1500 });
    this._beep(at + 0.65, 1500, 0.6, { type: "sawtooth", level: 0.35, slideTo: 700 });
  }

  /** When the tab is hidden: a desktop notification (if allowed) and a flashing title. */
  attention(title, body = "") {
    if (document.visibilityState !== "hidden") return;
    if ("Notification" in window && Notification.permission === "granted") {
      try {
        new Notification(title, { body, tag: title, renotify: true });
      } catch {
        // Some platforms only allow notifications from a service worker; the title still flashes.
      }
    }
    this.flashTitle(title);
  }

  flashTitle(text) {
    this.stopFlashing();
    let on = false;
    this.titleTimer = setInterval(() => {
      on = !on;
      document.title = on ? `● ${text}` : this.baseTitle;
    }, 800);
  }

  stopFlashing() {
    if (this.titleTimer !== null) {
      clearInterval(this.titleTimer);
      this.titleTimer = null;
      document.title = this.baseTitle;
    }
  }
}

export const sound = new Sound();
window.cadSound = sound;

export function bindSoundControls(root = document) {
  for (const control of root.querySelectorAll("[data-sound-enable]")) {
    control.addEventListener("click", () => sound.enable());
  }
  for (const input of root.querySelectorAll("[data-sound-volume-input]")) {
    input.value = String(Math.round(sound.volume * 100));
    input.addEventListener("input", () => {
      sound.volume = Number(input.value) / 100;
    });
  }
  // A page reloaded after the user allowed audio in this tab may already be allowed to play.
  try {
    sound.context = new AudioContext();
  } catch {
    sound.context = null;
  }
  sound.refreshControls();
  if (sound.context) sound.context.addEventListener("statechange", () => sound.refreshControls());
}
