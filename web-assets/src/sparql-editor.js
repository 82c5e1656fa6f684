// mentorgraph's SPARQL editor: CodeMirror 6 with the SPARQL mode of @codemirror/legacy-modes, behind a
// small API shared by the web view (queries sent to /sparql) and the static site (queries answered
// in the page by Oxigraph's WebAssembly build). Bundled by ../build.mjs into one file; see ../README.md.
//
// Content-Security-Policy: CodeMirror styles itself through style-mod, which adds a <style> element to
// the document (refused by `style-src 'self'`) unless the editor lives in a shadow root, where it uses a
// constructed stylesheet (adoptedStyleSheets), which CSP does not govern. So the editor is mounted in
// a shadow root by default; pass {shadow: false, nonce} to put it in the page with a nonce instead.

import { closeBrackets, closeBracketsKeymap } from "@codemirror/autocomplete";
import { defaultKeymap, history, historyKeymap } from "@codemirror/commands";
import {
  bracketMatching,
  defaultHighlightStyle,
  indentOnInput,
  StreamLanguage,
  syntaxHighlighting,
} from "@codemirror/language";
import { sparql } from "@codemirror/legacy-modes/mode/sparql";
import { lintGutter, setDiagnostics } from "@codemirror/lint";
import { EditorState } from "@codemirror/state";
import {
  drawSelection,
  EditorView,
  highlightActiveLine,
  highlightActiveLineGutter,
  keymap,
  lineNumbers,
} from "@codemirror/view";

// The look of the editor, kept in the editor's own stylesheet because page CSS does not reach into
// the shadow root. Colours meet WCAG AA contrast on white (checked by the axe-core test).
// @codemirror/lint draws the error underline and gutter marker as data: SVG images, which a CSP
// without `img-src data:` refuses; here they are plain CSS instead (a regular theme outranks a base theme).
const error = "#b3001b";
const theme = EditorView.theme({
  "&": { border: "1px solid #767676", borderRadius: "4px", backgroundColor: "#fff", fontSize: "0.95rem" },
  "&.cm-focused": { outline: "3px solid #1a5fb4", outlineOffset: "1px" },
  ".cm-scroller": { fontFamily: "ui-monospace, SFMono-Regular, Menlo, Consolas, monospace", minHeight: "10em" },
  ".cm-content": { padding: "6px 0" },
  ".cm-gutters": { color: "#595959" },
  ".cm-lintRange-error": {
    backgroundImage: "none",
    textDecoration: `underline wavy ${error}`,
    textDecorationSkipInk: "none",
    textUnderlineOffset: "3px",
  },
  ".cm-lint-marker-error": {
    content: "normal",
    boxSizing: "border-box",
    width: "0.8em",
    height: "0.8em",
    margin: "0.2em 0.1em",
    borderRadius: "50%",
    backgroundColor: error,
  },
});

/**
 * The project's prefixes as SPARQL PREFIX declarations on ONE line, to put before a user's query.
 * One line, so an error the engine reports at line L of the combined text is at line L - 1 of the
 * user's text; SPARQL lets a later PREFIX of the same name override, so the user's own win.
 * @param {Record<string, string>} prefixes  name -> namespace IRI
 * @returns {string} "" when there are none, else the declarations and a newline
 */
export function prefixDeclarations(prefixes = {}) {
  const names = Object.keys(prefixes).sort();
  if (names.length === 0) return "";
  return names.map((name) => `PREFIX ${name}: <${prefixes[name]}>`).join(" ") + "\n";
}

/**
 * The line and column (both 1-based) in an engine's syntax-error message, or null.
 * Oxigraph (Rust, pyoxigraph and the WebAssembly build) says "error at LINE:COLUMN: ...".
 * @param {string} message
 * @returns {{line: number, column: number} | null}
 */
export function errorPosition(message) {
  const found = /\berror at (\d+):(\d+)\b/.exec(String(message));
  return found ? { line: Number(found[1]), column: Number(found[2]) } : null;
}

function accessibleName(textarea, fallback) {
  const label = textarea.labels && textarea.labels[0];
  return (label && label.textContent.trim()) || textarea.getAttribute("aria-label") || fallback;
}

/**
 * Replace a <textarea> with a SPARQL editor. The textarea stays in its form, hidden, and always holds
 * the editor's text, so a plain form submission still sends the query.
 *
 * @param {HTMLTextAreaElement} textarea
 * @param {object} [options]
 * @param {Record<string, string>} [options.prefixes]  predeclared prefixes (see prefixed())
 * @param {(query: string, editor: object) => void} [options.onRun]  Ctrl-Enter / Cmd-Enter; by default
 *        the textarea's form is submitted
 * @param {boolean} [options.shadow=true]  mount in a shadow root (no <style> element; see the top)
 * @param {string} [options.nonce]  CSP nonce for CodeMirror's <style> element when shadow is false
 * @param {string} [options.label]  accessible name; by default the textarea's <label>
 * @returns {{view: EditorView, host: HTMLElement, getValue(): string, setValue(text: string): void,
 *            prefixed(): {text: string, lineOffset: number}, markError(line: number, column: number,
 *            message: string): void, clearError(): void, focus(): void, destroy(): void}}
 */
export function createEditor(textarea, options = {}) {
  const prefixes = options.prefixes || {};
  const shadow = options.shadow !== false;
  const host = document.createElement("div");
  host.className = "sparql-editor";
  textarea.after(host);
  textarea.hidden = true;
  const root = shadow ? host.attachShadow({ mode: "open" }) : null;
  const parent = root || host;
  let hasError = false;
  let editor;

  const run = () => {
    if (options.onRun) options.onRun(editor.getValue(), editor);
    else if (textarea.form) textarea.form.requestSubmit();
    return true;
  };
  const extensions = [
    lineNumbers(),
    highlightActiveLineGutter(),
    history(),
    drawSelection(),
    indentOnInput(),
    StreamLanguage.define(sparql),
    syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
    bracketMatching(),
    closeBrackets(),
    highlightActiveLine(),
    EditorView.lineWrapping, // long IRIs wrap instead of scrolling sideways on a phone
    lintGutter(),
    // Mod-Enter first, so it wins over defaultKeymap's insertBlankLine. Tab is left unbound: it moves
    // the focus out of the editor, so a keyboard user is never trapped in it.
    keymap.of([{ key: "Mod-Enter", run, preventDefault: true }, ...closeBracketsKeymap, ...defaultKeymap, ...historyKeymap]),
    theme,
    EditorView.contentAttributes.of({ "aria-label": accessibleName(textarea, options.label || "SPARQL query") }),
    EditorView.updateListener.of((update) => {
      if (!update.docChanged) return;
      textarea.value = update.state.doc.toString();
      // A stale error mark misleads once the text changed; clear it after this update has finished.
      if (hasError) queueMicrotask(() => editor.clearError());
    }),
  ];
  if (options.nonce) extensions.push(EditorView.cspNonce.of(options.nonce));

  const view = new EditorView({
    state: EditorState.create({ doc: textarea.value, extensions }),
    parent,
    root: root || undefined,
  });

  editor = {
    view,
    host,
    getValue: () => view.state.doc.toString(),
    setValue(text) {
      view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } });
    },
    /** The query with the predeclared prefixes before it, and how many lines they add. */
    prefixed() {
      const head = prefixDeclarations(prefixes);
      return { text: head + view.state.doc.toString(), lineOffset: head ? 1 : 0 };
    },
    /** Underline the error at LINE:COLUMN (1-based, clamped to the text), move the cursor there. */
    markError(line, column, message) {
      const doc = view.state.doc;
      const at = doc.line(Math.min(Math.max(1, line), doc.lines));
      let from = Math.min(at.from + Math.max(0, column - 1), at.to);
      let to = Math.min(from + 1, at.to);
      if (from === to && from > at.from) from -= 1; // at the end of a line: mark its last character
      if (from === to && to < doc.length) to += 1;
      view.dispatch(setDiagnostics(view.state, [{ from, to, severity: "error", message: String(message) }]));
      view.dispatch({ selection: { anchor: from }, scrollIntoView: true });
      hasError = true;
    },
    clearError() {
      if (!hasError) return;
      hasError = false;
      view.dispatch(setDiagnostics(view.state, []));
    },
    focus: () => view.focus(),
    destroy() {
      view.destroy();
      host.remove();
      textarea.hidden = false;
    },
  };
  return editor;
}
