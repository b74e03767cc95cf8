// The page `judge serve` serves: "Try it" (a live run), "Submit to a problem" (a grading whose verdict table
// fills in from the server-sent events) and "Results" (the results store's scoreboard, and a result set's diff to
// apply or discard). Every call sends the token, kept in sessionStorage only (this tab).
import { createEditor } from "./editor.js";
import { startRun } from "./live.js";

const TOKEN_KEY = "judge-token";
const $ = (id) => document.getElementById(id);
const VERDICTS = {
  AC: "Accepted", WA: "Wrong Answer", TLE: "Time Limit Exceeded", MLE: "Memory Limit Exceeded",
  RTE: "Run-Time Error", OLE: "Output Limit Exceeded", CE: "Compilation Error", JE: "Judge Error",
};
const STARTERS = {
  python3: 'name = input("name? ")\nprint("hello", name)\n',
  pypy3: 'name = input("name? ")\nprint("hello", name)\n',
  c: '#include <stdio.h>\n\nint main(void) {\n    char name[100];\n    printf("name? ");\n    fflush(stdout);\n    if (scanf("%99s", name) == 1) printf("hello %s\\n", name);\n    return 0;\n}\n',
  cpp: '#include <iostream>\n#include <string>\n\nint main() {\n    std::string name;\n    std::cout << "name? " << std::flush;\n    std::cin >> name;\n    std::cout << "hello " << name << "\\n";\n}\n',
  javascript: 'console.log("hello");\n',
};

const LIVE_WALL = 60; // seconds a live run may last: time for a person to type at a prompt
let languages = [];

// -- the server ------------------------------------------------------------------------------------------------------
function token() {
  return sessionStorage.getItem(TOKEN_KEY) || "";
}

function authHeaders() {
  return token() ? { Authorization: `Bearer ${token()}` } : {};
}

function notice(text) {
  $("notice").textContent = text;
  $("notice").hidden = !text;
}

async function api(path, options = {}) {
  const response = await fetch(path, { ...options, headers: { ...authHeaders(), ...(options.headers || {}) } });
  if (response.status === 401) {
    $("token-box").open = true;
    throw new Error("This server needs a token: enter it under Token.");
  }
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(body.error || body.message || `the server answered ${response.status}`);
  return body;
}

// Server-sent events read with fetch (EventSource cannot send the Authorization header): calls on(name, data).
async function readEvents(path, on) {
  const response = await fetch(path, { headers: authHeaders() });
  if (!response.ok || !response.body) throw new Error(`events: the server answered ${response.status}`);
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value;
    let end;
    while ((end = buffer.indexOf("\n\n")) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let name = "message";
      const data = [];
      for (const line of block.split("\n")) {
        if (line.startsWith("event: ")) name = line.slice(7);
        else if (line.startsWith("data: ")) data.push(line.slice(6));
      }
      if (data.length) on(name, JSON.parse(data.join("\n")));
    }
  }
}

// -- small helpers ------------------------------------------------------------------------------------------------
function seconds(value) {
  return typeof value === "number" ? value.toFixed(3) : "";
}

function mebibytes(bytes) {
  return typeof bytes === "number" && bytes > 0 ? `${(bytes / 1048576).toFixed(1)} MiB` : "";
}

function fillLanguages(select, preferred) {
  select.replaceChildren(
    ...languages.map((language) => {
      const option = new Option(`${language.display}${language.version ? ` (${language.version})` : ""}`, language.name);
      option.selected = language.name === preferred;
      return option;
    }),
  );
}

function languageOfFile(name) {
  const dot = name.lastIndexOf(".");
  const extension = dot >= 0 ? name.slice(dot) : "";
  return languages.find((language) => language.extensions.includes(extension));
}

function fileName(languageName, stem) {
  const language = languages.find((item) => item.name === languageName);
  return `${stem}${language && language.extensions.length ? language.extensions[0] : ""}`;
}

// A file input that loads a file into an editor and picks its language from the extension.
function openFileInto(input, editor, select) {
  input.addEventListener("change", async () => {
    const file = input.files && input.files[0];
    if (!file) return;
    editor.setText(await file.text());
    const language = languageOfFile(file.name);
    if (language) {
      select.value = language.name;
      editor.setLanguage(language.name);
    }
  });
}

// -- Try it ---------------------------------------------------------------------------------------------------------
function setupTry() {
  const select = $("try-language");
  fillLanguages(select, "python3");
  const editor = createEditor($("try-editor"), { doc: STARTERS.python3, language: "python3", label: "Program to run" });
  select.addEventListener("change", () => {
    editor.setLanguage(select.value);
    if (Object.values(STARTERS).includes(editor.getText()) || !editor.getText().trim()) {
      editor.setText(STARTERS[select.value] || "");
    }
  });
  openFileInto($("try-file"), editor, select);

  const output = $("output");
  let run = null;
  const running = (on) => {
    $("run").disabled = on;
    $("stop").disabled = !on;
    $("send-line").disabled = !on;
    $("send").disabled = !on;
    $("eof").disabled = !on;
  };
  const write = (stream, text) => {
    const span = document.createElement("span");
    span.className = stream;
    span.textContent = text;
    output.append(span);
    output.scrollTop = output.scrollHeight;
  };

  $("run").addEventListener("click", () => {
    output.replaceChildren();
    $("summary").textContent = "Starting…";
    const language = languages.find((item) => item.name === select.value);
    const program = {
      language: select.value,
      version: "*",
      name: fileName(select.value, "main"),
      source: editor.getText(),
      stdin: $("try-stdin").value,
      wall: LIVE_WALL,
    };
    running(true);
    run = startRun(program, token(), {
      stage: (stage) => {
        $("summary").textContent = stage === "compile" ? "Compiling…" : "Running…";
        if (stage === "run") $("send-line").focus();
      },
      output: write,
      exit: (summary) => {
        $("summary").textContent = describeExit(summary, language);
      },
      error: (text) => write("error", `\n${text}\n`),
      closed: () => {
        running(false);
        run = null;
        if (/…$/.test($("summary").textContent)) $("summary").textContent = "The run ended without a summary.";
      },
    });
  });
  $("stop").addEventListener("click", () => run && run.stop());
  const endInput = () => {
    if (!run) return;
    run.eof();
    $("send-line").disabled = true;
    $("send").disabled = true;
    $("eof").disabled = true;
  };
  $("eof").addEventListener("click", endInput);
  $("send-line").addEventListener("keydown", (event) => {
    if (event.key === "d" && event.ctrlKey) {
      event.preventDefault();
      endInput();
    }
  });
  $("send-form").addEventListener("submit", (event) => {
    event.preventDefault();
    if (!run) return;
    const line = $("send-line").value;
    run.send(`${line}\n`);
    write("stdin", `${line}\n`);
    $("send-line").value = "";
  });
}

function describeExit(summary, language) {
  const parts = [];
  if (summary.stage === "compile") parts.push(`${language ? language.display : "The program"} did not compile`);
  if (summary.signal) parts.push(`killed by ${summary.signal}`);
  else if (summary.code !== null) parts.push(`exit code ${summary.code}`);
  if (summary.limit) parts.push(summary.limit);
  if (summary.cpu !== null) parts.push(`CPU ${(summary.cpu / 1000).toFixed(2)} s`);
  if (summary.wall !== null) parts.push(`wall ${(summary.wall / 1000).toFixed(2)} s`);
  if (summary.memory !== null) parts.push(`memory ${mebibytes(summary.memory)}`);
  return parts.join(" · ");
}

// -- Submit to a problem ------------------------------------------------------------------------------------------
function setupSubmit(problems) {
  const select = $("submit-language");
  fillLanguages(select, "python3");
  const editor = createEditor($("submit-editor"), { language: "python3", label: "Submission" });
  select.addEventListener("change", () => editor.setLanguage(select.value));
  openFileInto($("submit-file"), editor, select);
  let chosen = null;

  const list = $("problems");
  list.replaceChildren(
    ...problems.map((problem) => {
      const item = document.createElement("li");
      const button = document.createElement("button");
      button.type = "button";
      button.dataset.problem = problem.id;
      button.setAttribute("aria-pressed", "false");
      const name = document.createElement("strong");
      name.textContent = `${problem.id}. ${problem.name}`;
      const limits = document.createElement("span");
      limits.textContent = limitsText(problem);
      button.append(name, limits);
      button.addEventListener("click", () => choose(problem));
      item.append(button);
      return item;
    }),
  );
  if (!problems.length) list.textContent = "This server has no problems.";

  async function choose(problem) {
    chosen = problem;
    for (const button of list.querySelectorAll("button")) {
      button.setAttribute("aria-pressed", String(button.dataset.problem === problem.id));
    }
    $("problem").hidden = false;
    $("problem-name").textContent = `${problem.id}. ${problem.name}`;
    $("problem-limits").textContent = `${limitsText(problem)} · ${problem.kind}`;
    $("statement").replaceChildren();
    clearVerdict();
    try {
      const statement = await api(`/v1/problems/${encodeURIComponent(problem.id)}/statement`);
      // The server's HTML is built from escaped text with a few tags of its own (judge/service/statement.py).
      $("statement").innerHTML = statement.html || "<p>This problem has no statement.</p>";
    } catch (error) {
      $("statement").textContent = error.message;
    }
  }

  function clearVerdict() {
    $("verdict").textContent = "";
    $("compile-output").hidden = true;
    $("tests").hidden = true;
    $("tests").tBodies[0].replaceChildren();
  }

  $("send-submission").addEventListener("click", async () => {
    if (!chosen) return;
    clearVerdict();
    $("send-submission").disabled = true;
    $("verdict").textContent = "Queued…";
    try {
      const body = {
        problem: chosen.id,
        language: select.value,
        files: [{ name: fileName(select.value, "main"), content: editor.getText() }],
      };
      const queued = await api("/v1/submissions?wait=false", { method: "POST", body: JSON.stringify(body) });
      const rows = pendingRows(queued.tests);
      $("verdict").textContent = `Grading: 0/${queued.tests} tests…`;
      await readEvents(`/v1/submissions/${encodeURIComponent(queued.id)}/events`, (name, data) => {
        if (name === "test") {
          fillRow(rows[data.index], data);
          $("verdict").textContent = `Grading: ${data.index + 1}/${data.total} tests…`;
        } else if (name === "done") {
          showDocument(data, rows);
        } else if (name === "timeout") {
          $("verdict").textContent = "The grading is taking too long; it is still queued.";
        }
      });
    } catch (error) {
      $("verdict").textContent = error.message;
    } finally {
      $("send-submission").disabled = false;
    }
  });
}

function limitsText(problem) {
  const limits = problem.limits || {};
  const parts = [];
  if (limits.time) parts.push(`${limits.time} s`);
  if (limits.memory) parts.push(`${limits.memory / 1048576} MiB`);
  parts.push(`${problem.tests} tests`);
  return parts.join(" · ");
}

function pendingRows(count) {
  const body = $("tests").tBodies[0];
  const rows = [];
  for (let i = 0; i < count; i += 1) {
    const row = body.insertRow();
    row.className = "pending";
    for (let cell = 0; cell < 6; cell += 1) row.insertCell().textContent = cell === 1 ? "…" : "";
    row.cells[0].textContent = `#${i + 1}`;
    rows.push(row);
  }
  $("tests").hidden = count === 0;
  return rows;
}

function fillRow(row, test) {
  if (!row) return;
  row.className = test.verdict === "AC" ? "ok" : "bad";
  const cells = [test.name, test.verdict, seconds(test.time), seconds(test.wall), mebibytes(test.memory), test.message || ""];
  cells.forEach((text, i) => {
    row.cells[i].textContent = text;
  });
  row.cells[1].title = VERDICTS[test.verdict] || test.verdict;
}

// The finished document: the verdict line as the terminal report's, the compiler's message, tests not run, groups.
function showDocument(document_, rows) {
  const tests = document_.tests || [];
  tests.forEach((test, i) => fillRow(rows[i], test));
  const body = $("tests").tBodies[0];
  rows.slice(tests.length).forEach((row) => row.remove());
  for (const name of document_.skipped || []) {
    const row = body.insertRow();
    [name, "-", "", "", "", "not run (after a failure)"].forEach((text) => {
      row.insertCell().textContent = text;
    });
  }
  const groups = document_.groups || [];
  if (document_.problem_max !== null || groups.some((group) => group.name.includes("/"))) {
    for (const group of groups) {
      const row = body.insertRow();
      row.className = "group";
      const text = `score ${group.score}/${group.max_score}, ${group.passed}/${group.total} tests passed`;
      [`group ${group.name}`, group.verdict || "-", "", "", "", text].forEach((cell) => {
        row.insertCell().textContent = cell;
      });
    }
  }
  $("tests").hidden = body.rows.length === 0;
  const verdict = document_.verdict;
  const total = tests.length + (document_.skipped || []).length;
  $("verdict").textContent = [
    `${verdict} (${VERDICTS[verdict] || verdict})`,
    `${document_.passed}/${total} tests passed`,
    `score ${document_.score}/${document_.max_score}`,
  ].join(" · ");
  $("verdict").className = verdict === "AC" ? "ok" : "bad";
  const compile = document_.compile || {};
  if (verdict === "CE" || verdict === "JE") {
    $("compile-output").textContent = compile.output || document_.message || "";
    $("compile-output").hidden = !$("compile-output").textContent;
  }
}

// -- Results ------------------------------------------------------------------------------------------------------
function cellsRow(body, cells, className = "") {
  const row = body.insertRow();
  row.className = className;
  for (const text of cells) row.insertCell().textContent = text;
  return row;
}

function headerRow(row, names) {
  row.replaceChildren(
    ...names.map((name) => {
      const cell = document.createElement("th");
      cell.scope = "col";
      cell.textContent = name;
      return cell;
    }),
  );
}

function showBoard(results) {
  const board = $("board");
  headerRow(board.tHead.rows[0], ["rank", "team", "solved", "penalty", ...results.problems]);
  const body = board.tBodies[0];
  body.replaceChildren();
  for (const standing of results.scoreboard) {
    const row = cellsRow(body, [
      standing.rank, standing.team, standing.solved, standing.penalty,
      ...results.problems.map((problem) => standing.problems[problem] || ""),
    ]);
    results.problems.forEach((problem, i) => {
      const cell = standing.problems[problem] || "";
      if (cell) row.cells[4 + i].className = cell.startsWith("+") ? "ok" : "bad";
    });
  }
  board.hidden = results.scoreboard.length === 0;
  const published = $("published").tBodies[0];
  published.replaceChildren();
  for (const item of results.submissions) {
    const row = cellsRow(published, [item.submission, item.team, item.problem, item.verdict, item.score]);
    row.cells[3].className = item.verdict === "AC" ? "ok" : "bad";
  }
  $("published-box").hidden = results.published === 0;
  $("published-title").textContent = `Published verdicts (${results.published})`;
  $("published-box").open = results.published > 0 && results.scoreboard.length === 0;
}

function showSets(sets) {
  const body = $("sets").tBodies[0];
  body.replaceChildren();
  for (const set of sets) {
    const row = cellsRow(body, [`#${set.id}`, set.state, set.submissions, set.created.replace("T", " ").replace("+00:00", " UTC"), ""]);
    if (set.pending) {
      const button = document.createElement("button");
      button.type = "button";
      button.textContent = `Review set ${set.id}`;
      button.addEventListener("click", () => reviewSet(set.id));
      row.cells[4].append(button);
    }
  }
  $("sets").hidden = sets.length === 0;
}

async function loadResults() {
  try {
    const [results, sets] = await Promise.all([api("/v1/results"), api("/v1/results/sets")]);
    showBoard(results);
    showSets(sets.sets);
    const empty = results.published === 0 ? "Nothing is published yet." : "";
    const teamless = results.published && !results.scoreboard.length ? "These results have no teams: their verdicts are below." : "";
    $("results-status").textContent = results.exists ? empty || teamless : results.message;
  } catch (error) {
    $("results-status").textContent = error.message;
  }
}

function arrow(old, now) {
  return `${old === null || old === undefined ? "(new)" : old} → ${now === null || now === undefined ? "(not run)" : now}`;
}

// One row per changed submission, then a row with its tests whose verdict changed (expandable).
function showChange(body, change) {
  const score = change.old_score === change.new_score ? String(change.new_score) : arrow(change.old_score, change.new_score);
  const cause = change.cause === "timing" ? "timing only" : change.cause || "new";
  const row = cellsRow(body, [change.submission, change.problem, arrow(change.old, change.new), score, cause]);
  row.cells[2].className = change.new === "AC" ? "ok" : "bad";
  if (change.cause === "timing") {
    row.cells[4].className = "timing";
    row.cells[4].title = "Only borderline tests flipped between AC and TLE: the program's timing, not its behaviour";
  }
  if (!change.tests.length) return;
  const tests = body.insertRow();
  tests.className = "tests-row";
  const cell = tests.insertCell();
  cell.colSpan = 5;
  const details = document.createElement("details");
  const summary = document.createElement("summary");
  summary.textContent = `${change.tests.length} test${change.tests.length === 1 ? "" : "s"} changed in ${change.submission}`;
  const list = document.createElement("ul");
  for (const test of change.tests) {
    const item = document.createElement("li");
    const times = `${seconds(test.old_time) || "-"} s → ${seconds(test.new_time) || "-"} s`;
    item.textContent = `${test.name}: ${arrow(test.old, test.new)} (CPU ${times})${test.timing ? " · timing only" : ""}`;
    list.append(item);
  }
  details.append(summary, list);
  cell.append(details);
}

let reviewed = null;

async function reviewSet(id) {
  $("diff-status").textContent = "";
  try {
    const diff = await api(`/v1/results/sets/${encodeURIComponent(id)}/diff`);
    reviewed = id;
    $("diff").hidden = false;
    $("diff-title").textContent = `Result set ${diff.set} (${diff.state})`;
    const listed = diff.changes.length < diff.changed ? ` (the first ${diff.changes.length} shown)` : "";
    $("diff-summary").textContent = `${diff.submissions} submissions, ${diff.changed} verdict change(s) against the published results${listed}.`;
    const body = $("changes").tBodies[0];
    body.replaceChildren();
    for (const change of diff.changes) showChange(body, change);
    $("changes").hidden = diff.changes.length === 0;
    $("diff-title").focus();
  } catch (error) {
    $("results-status").textContent = error.message;
  }
}

async function decide(action) {
  if (reviewed === null) return;
  const id = reviewed;
  $("apply").disabled = true;
  $("discard").disabled = true;
  $("diff-status").textContent = action === "apply" ? "Applying…" : "Discarding…";
  try {
    const done = await api(`/v1/results/sets/${encodeURIComponent(id)}/${action}`, { method: "POST" });
    $("diff").hidden = true;
    reviewed = null;
    await loadResults();
    $("results-status").textContent = action === "apply"
      ? `Result set ${id} applied: ${done.published} submissions published, ${done.changed} verdict(s) changed.`
      : `Result set ${id} discarded.`;
  } catch (error) {
    $("diff-status").textContent = error.message;
  } finally {
    $("apply").disabled = false;
    $("discard").disabled = false;
  }
}

function setupResults() {
  $("diff-title").tabIndex = -1;
  $("apply").addEventListener("click", () => decide("apply"));
  $("discard").addEventListener("click", () => decide("discard"));
}

// -- the page ---------------------------------------------------------------------------------------------------
const PAGES = ["try", "submit", "results"];

function showPage() {
  const asked = window.location.hash.slice(1);
  const page = PAGES.includes(asked) ? asked : "try";
  for (const name of PAGES) {
    $(name).hidden = page !== name;
    $(`nav-${name}`).setAttribute("aria-current", page === name ? "page" : "false");
  }
  if (page === "results") loadResults();
}

async function start() {
  $("token").value = token();
  $("token-form").addEventListener("submit", (event) => {
    event.preventDefault();
    sessionStorage.setItem(TOKEN_KEY, $("token").value.trim());
    window.location.reload();
  });
  setupResults();
  window.addEventListener("hashchange", showPage);
  showPage();
  try {
    languages = await api("/v1/languages");
    setupTry();
    setupSubmit(await api("/v1/problems"));
    document.body.dataset.ready = "true";
  } catch (error) {
    notice(error.message);
  }
}

start();
