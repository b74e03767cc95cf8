// The editor of the page `judge serve` serves: CodeMirror 6 with a few language modes, bundled by `npm run build`
// into judge/service/web/editor.js (committed, so a user needs no npm). The page imports createEditor only.
import { EditorView, basicSetup } from "codemirror";
import { Compartment, EditorState } from "@codemirror/state";
import { HighlightStyle, StreamLanguage, defaultHighlightStyle, syntaxHighlighting } from "@codemirror/language";
import { keymap } from "@codemirror/view";
import { indentWithTab } from "@codemirror/commands";
import { cpp } from "@codemirror/lang-cpp";
import { go } from "@codemirror/lang-go";
import { java } from "@codemirror/lang-java";
import { javascript } from "@codemirror/lang-javascript";
import { python } from "@codemirror/lang-python";
import { rust } from "@codemirror/lang-rust";
import { csharp, kotlin, scala } from "@codemirror/legacy-modes/mode/clike";
import { haskell } from "@codemirror/legacy-modes/mode/haskell";
import { lua } from "@codemirror/legacy-modes/mode/lua";
import { perl } from "@codemirror/legacy-modes/mode/perl";
import { ruby } from "@codemirror/legacy-modes/mode/ruby";
import { shell } from "@codemirror/legacy-modes/mode/shell";

// Runner names (runners/<name>/) to their highlighting; any other language is edited as plain text.
const MODES = {
  bash: () => StreamLanguage.define(shell),
  c: () => cpp(),
  cpp: () => cpp(),
  csharp: () => StreamLanguage.define(csharp),
  go: () => go(),
  haskell: () => StreamLanguage.define(haskell),
  java: () => java(),
  javascript: () => javascript(),
  kotlin: () => StreamLanguage.define(kotlin),
  lua: () => StreamLanguage.define(lua),
  perl: () => StreamLanguage.define(perl),
  pypy3: () => python(),
  python3: () => python(),
  ruby: () => StreamLanguage.define(ruby),
  rust: () => rust(),
  scala: () => StreamLanguage.define(scala),
  typescript: () => javascript({ typescript: true }),
};

// CodeMirror's default colours, the two under 4.5:1 on white (regular expressions and escapes #e40, invalid
// #f00) darkened: this style replaces the default one, which basicSetup keeps only as a fallback.
const DARKER = { "#e40": "#b33000", "#f00": "#c00000" };
const HIGHLIGHT = HighlightStyle.define(
  defaultHighlightStyle.specs.map((spec) => (DARKER[spec.color] ? { ...spec, color: DARKER[spec.color] } : spec)),
);

// The page's size and focus ring for the editor (in its shadow root, where the page's stylesheet does not reach).
const THEME = EditorView.theme({
  "&": { height: "min(16rem, 45vh)", fontSize: "0.95rem", backgroundColor: "#ffffff" },
  "&.cm-focused": { outline: "3px solid #0b57d0", outlineOffset: "2px" },
  ".cm-scroller": { fontFamily: "ui-monospace, SFMono-Regular, Menlo, Consolas, monospace" },
});

// The editor lives in a shadow root of `parent`: there CodeMirror's styles are constructed style sheets, which the
// page's Content-Security-Policy (style-src 'self', no inline styles) allows; in the document they would be a
// <style> element, which it blocks.
export function createEditor(parent, { doc = "", language = "", label = "Source code" } = {}) {
  const mode = new Compartment();
  const modeFor = (name) => (MODES[name] ? MODES[name]() : []);
  const root = parent.attachShadow({ mode: "open" });
  const view = new EditorView({
    parent: root,
    root,
    state: EditorState.create({
      doc,
      extensions: [
        basicSetup,
        THEME,
        syntaxHighlighting(HIGHLIGHT),
        keymap.of([indentWithTab]),
        mode.of(modeFor(language)),
        EditorView.contentAttributes.of({ "aria-label": label }),
      ],
    }),
  });
  return {
    view,
    getText: () => view.state.doc.toString(),
    setText: (text) => view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } }),
    setLanguage: (name) => view.dispatch({ effects: mode.reconfigure(modeFor(name)) }),
    highlighted: (name) => Boolean(MODES[name]),
  };
}
