// A live run over `judge serve`'s WebSocket: the one place that knows the live-run protocol, so the page can move
// from Piston's /api/v2/connect to another route by changing this file alone.
// Piston's messages: we send init {language, version, files, args}, then data {stream: "stdin", data} and signal
// {signal}; the server sends runtime, stage, data {stream, data}, exit {stage, code, signal, ...}, error {message},
// and closes with 4999 when the run is over.

export const LIVE_ROUTE = "/api/v2/connect";

function socketUrl(token) {
  const url = new URL(LIVE_ROUTE, window.location.href);
  url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
  // A browser cannot set headers on a WebSocket: the token goes as Judge0's query parameter, which the server takes.
  if (token) url.searchParams.set("X-Auth-Token", token);
  return url;
}

// What the page shows of a stage's end: {stage, code, signal, cpu, wall, memory, limit} (null: not told).
function summaryOf(message) {
  const number = (value) => (typeof value === "number" ? value : null);
  return {
    stage: message.stage || "run",
    code: number(message.code),
    signal: message.signal || null,
    cpu: number(message.cpu_time), // ms
    wall: number(message.wall_time), // ms
    memory: number(message.memory), // bytes
    limit: message.status ? [message.status, message.message].filter(Boolean).join(": ") : message.message || null,
  };
}

// Start a run: `program` {language, version, name, source, stdin, args}; `on` {stage(name), output(stream, text),
// exit(summary), error(text), closed()}. Returns {send(text), stop()}.
export function startRun(program, token, on) {
  const socket = new WebSocket(socketUrl(token));
  const post = (message) => {
    if (socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(message));
  };
  socket.addEventListener("open", () => {
    post({
      type: "init",
      language: program.language,
      version: program.version || "*",
      files: [{ name: program.name, content: program.source }],
      args: program.args || [],
    });
    if (program.stdin) post({ type: "data", stream: "stdin", data: program.stdin });
  });
  socket.addEventListener("message", (event) => {
    let message;
    try {
      message = JSON.parse(event.data);
    } catch {
      return;
    }
    if (message.type === "stage") on.stage(message.stage);
    else if (message.type === "data") on.output(message.stream, message.data);
    else if (message.type === "exit") on.exit(summaryOf(message));
    else if (message.type === "error") on.error(message.message || "error");
  });
  socket.addEventListener("close", (event) => {
    if (event.code !== 4999 && event.code !== 1000 && event.reason) on.error(event.reason);
    else if (event.code === 1006) on.error("the connection to the server was lost");
    on.closed();
  });
  return {
    send: (text) => post({ type: "data", stream: "stdin", data: text }),
    stop: () => post({ type: "signal", signal: "SIGKILL" }),
  };
}
