// Anchor for bench_realtime.py --anchors: Socket.IO v4 on Node, emitting the five names of a new 911 call.
// `join-community` joins the one room and is answered `joined-community`; `POST /api/calls` emits
// new-911-call, new-call, newCall, new911Call and 911Alert to the room, then answers 201.
// Run: NODE_PATH=<folder with socket.io> node bench/anchors/sio_server.js <port>
"use strict";
const http = require("http");
const crypto = require("crypto");
const { Server } = require("socket.io");

const NAMES = ["new-911-call", "new-call", "newCall", "new911Call", "911Alert"];
const port = Number(process.argv[2] || 3000);

const server = http.createServer((req, res) => {
  const chunks = [];
  req.on("data", (chunk) => chunks.push(chunk));
  req.on("end", () => {
    if (req.method === "POST" && req.url === "/api/calls") {
      const body = JSON.parse(Buffer.concat(chunks).toString() || "{}");
      const now = new Date().toISOString();
      const call = {
        _id: crypto.randomUUID(), callNumber: 1, callType: body.callType || "", origin: body.origin || "CALLER",
        description: body.description || "", location: body.location || "", postal: "",
        priority: body.priority || "normal", status: "pending", units: [], notes: [], createdAt: now, updatedAt: now,
      };
      for (const name of NAMES) io.to("community").emit(name, call);
      const answer = JSON.stringify({ success: true, call });
      res.writeHead(201, { "content-type": "application/json", "content-length": Buffer.byteLength(answer) });
      res.end(answer);
    } else {
      res.writeHead(200, { "content-type": "application/json" });
      res.end('{"ok":true}');
    }
  });
});

const io = new Server(server, { perMessageDeflate: false, cors: { origin: "*" } });
io.on("connection", (socket) => {
  socket.on("join-community", (data) => {
    socket.join("community");
    socket.emit("joined-community", { communityId: typeof data === "object" && data ? data.communityId : data });
  });
});

server.listen(port, "127.0.0.1");
