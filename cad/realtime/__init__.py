"""Real-time delivery of `cad.events`: the Channels WebSocket at /ws, Socket.IO v4 at /socket.io/,
and Server-Sent Events at /fivem/events, across processes through the channel layer."""
