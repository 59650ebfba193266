// Runs example.mjs (003's client example) under Node and reports every event it receives.
//
// The example is browser code: it registers a `beforeunload` handler on `window`, so a minimal
// `window` is provided. Every server event the example's socket receives is printed on stdout as
// `EVENT <json {event, args}>` (through socket.io-client's Socket#onevent, before the example's own
// handlers run), which is what the pytest test reads; the example's console output goes to stderr.
import { Socket } from "socket.io-client";

globalThis.window = { addEventListener() {} };

const onevent = Socket.prototype.onevent;
Socket.prototype.onevent = function (packet) {
  const [event, ...args] = packet.data;
  process.stdout.write(`EVENT ${JSON.stringify({ event, args })}\n`);
  return onevent.call(this, packet);
};
for (const method of ["log", "warn", "error"]) {
  console[method] = (...parts) => process.stderr.write(parts.map(String).join(" ") + "\n");
}

await import("./example.mjs");
