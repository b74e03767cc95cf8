// A live run over `judge serve`'s WebSocket: the one place that knows the live-run protocol.
// The native /v1/run and Piston's /api/v2/connect share their messages and differ in the init only: we send init,
// then data {stream: "stdin", data}, signal {signal} and (judge's, /v1/run) eof; the server sends runtime, stage,
// data {stream, data}, exit {stage, code, signal, status, message, limit, cpu_time, wall_time, memory}, error
// {message}, and closes with 4999 when the run is over. To use Piston's route instead, set ROUTE to PISTON.

const NATIVE = {
  path: "/v1/run",
  // judge run's shape: the wall-clock cap is raised so a person has time to type at a prompt.
  init: (program) => ({
    type: "init",
    language: program.language,
    files: [{ name: program.name, content: program.source }],
    args: program.args || [],
    wall: program.wall,
  }),
};
const PISTON = {
  path: "/api/v2/connect",
  init: (program) => ({
    type: "init",
    language: program.language,
    version: "*",
    files: [{ name: program.name, content: program.source }],
    args: program.args || [],
  }),
};
const ROUTE = NATIVE;

function socketUrl(token) {
  const url = new URL(ROUTE.path, window.location.href);
  url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
  // A browser cannot set headers on a WebSocket: the token goes as the query parameter the server also takes.
  if (token) url.searchParams.set("X-Auth-Token", token);
  return url;
}

// What the page shows of a stage's end: {stage, code, signal, cpu, wall (ms), memory (bytes), limit} (null: not told).
function summaryOf(message) {
  const number = (value) => (typeof value === "number" ? value : null);
  return {
    stage: message.stage || "run",
    code: number(message.code),
    signal: message.signal || null,
    cpu: number(message.cpu_time),
    wall: number(message.wall_time),
    memory: number(message.memory),
    limit: message.limit ? [message.limit, message.message].filter(Boolean).join(": ") : null,
  };
}

// Start a run: `program` {language, name, source, stdin, args, wall}; `on` {stage(name), output(stream, text),
// exit(summary), error(text), closed()}. Returns {send(text), eof(), stop()}.
export function startRun(program, token, on) {
  const socket = new WebSocket(socketUrl(token));
  const post = (message) => {
    if (socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(message));
  };
  socket.addEventListener("open", () => {
    post(ROUTE.init(program));
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
    if (event.code === 1006) on.error("the server refused or lost the connection (is a token needed?)");
    else if (event.code !== 4999 && event.code !== 4002 && event.code !== 1000) on.error(event.reason || `closed (${event.code})`);
    on.closed();
  });
  return {
    send: (text) => post({ type: "data", stream: "stdin", data: text }),
    eof: () => post({ type: "eof" }),
    stop: () => post({ type: "signal", signal: "SIGKILL" }),
  };
}
