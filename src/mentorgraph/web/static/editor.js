// The query editor page: start the vendored CodeMirror editor on the page's <textarea> (the form still
// submits it, so the page works without this script), mark a reported syntax error at its line and
// column, and load an example into the editor without a round trip. A classic script: it runs the same
// over http and from file://.
"use strict";

(function () {
  var api = window.MentorgraphEditor;
  var textarea = document.getElementById("query");
  if (!api || !textarea) return;
  var data = function (id) {
    var el = document.getElementById(id);
    return el ? JSON.parse(el.textContent || "{}") : {};
  };
  var editor = api.createEditor(textarea, { prefixes: data("mg-prefixes") });
  window.mentorgraphEditor = editor;

  var error = document.getElementById("query-error");
  if (error && error.dataset.line) {
    editor.markError(Number(error.dataset.line), Number(error.dataset.column), error.dataset.message || "");
  }

  var examples = data("mg-examples");
  var select = document.getElementById("example");
  var load = document.getElementById("load-example");
  if (select && load) {
    load.hidden = true;
    select.addEventListener("change", function () {
      if (examples[select.value]) {
        editor.setValue(examples[select.value]);
        editor.focus();
      }
    });
  }
})();
