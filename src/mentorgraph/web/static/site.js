// The static site's answers in the browser (mentorgraph site; docs/site.md): the query editor and the
// canned questions run in Oxigraph in the page (site-worker.js, in a Web Worker over http, on the
// page's thread from file://), and the compare form goes to the comparison the site holds. Pages are
// written whole by the web view's templates; this script only answers what a form asks anew, drawing
// results as macros.html's result_table does. Settings come from self.MentorgraphSite (site-data.js).
// A classic script: it runs the same over http and from file://.
"use strict";

(function () {
  var S = self.MentorgraphSite;
  if (!S) return;
  var staticBase = new URL(".", document.currentScript.src);
  var siteRoot = new URL("../", staticBase);
  var asset = function (name) {
    return new URL(S.assets[name], staticBase).href;
  };
  var state = (window.mentorgraphSite = { runs: 0, last: null, store: null, error: null, progress: null, answeredAt: null });

  // -- links: where a page of one of the project's IRIs is (web.urls.StaticUrls.iri) -----------------
  function href(iri) {
    for (var i = 0; i < S.own.length; i++) {
      var prefix = S.own[i][0];
      if (iri.indexOf(prefix) === 0 && iri.length > prefix.length) {
        return new URL(S.own[i][1] + iri.slice(prefix.length) + S.own[i][2], siteRoot).href;
      }
    }
    return /^https?:\/\//.test(iri) ? iri : null;
  }
  function curie(iri) {
    var best = null;
    Object.keys(S.prefixes).forEach(function (p) {
      var ns = S.prefixes[p];
      if (iri.indexOf(ns) === 0 && (!best || ns.length > S.prefixes[best].length)) best = p;
    });
    return best ? best + ":" + iri.slice(S.prefixes[best].length) : iri;
  }
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      node.setAttribute(k, attrs[k]);
    });
    (children || []).forEach(function (c) {
      node.append(c);
    });
    return node;
  }

  // -- the store --------------------------------------------------------------------------------------
  function loadScript(src) {
    return new Promise(function (resolve, reject) {
      var s = el("script", { src: src });
      s.onload = resolve;
      s.onerror = function () {
        reject(new Error("could not load " + src));
      };
      document.head.append(s);
    });
  }
  // Both ways give {figures(), query(text, needs) -> Promise, done: Promise}; a query waits for the
  // shards it reads (needs: null for all of them), never answering from part of them.
  function onProgress(f) {
    state.progress = f;
    document.dispatchEvent(new CustomEvent("mentorgraph-store", { detail: f }));
  }
  function inPage() {
    var fetchShard = function (file, n) {
      return loadScript(new URL(file, staticBase).href).then(function () {
        var text = self.MentorgraphShards[n];
        delete self.MentorgraphShards[n];
        return text;
      });
    };
    return loadScript(asset("site-worker.js"))
      .then(function () {
        return loadScript(asset("vendor/oxigraph/oxigraph-inline.js"));
      })
      .then(function () {
        return loadScript(asset("graph.js"));
      })
      .then(function () {
        var core = self.MentorgraphStoreCore;
        var opened = core.open(self.Oxigraph, self.MentorgraphGraph, fetchShard, onProgress);
        return {
          worker: false,
          figures: opened.figures,
          done: opened.done,
          query: function (text, needs) {
            return opened.query(text, needs);
          },
        };
      });
  }
  function inWorker() {
    return new Promise(function (resolve, reject) {
      var worker = new Worker(asset("site-worker.js"));
      var waiting = {};
      var next = 0;
      var last = null;
      var finished = {};
      var done = new Promise(function (ok, fail) {
        finished.ok = ok;
        finished.fail = fail;
      });
      worker.onmessage = function (event) {
        var m = event.data;
        if (m.started) {
          last = m.figures;
          return resolve({
            worker: true,
            figures: function () {
              return last;
            },
            done: done,
            query: function (text, needs) {
              return new Promise(function (ok, fail) {
                waiting[++next] = [ok, fail];
                worker.postMessage({ id: next, query: text, needs: needs });
              });
            },
          });
        }
        if (m.progress) {
          last = m.progress;
          return onProgress(m.progress);
        }
        if ("ready" in m) {
          if (m.ready) {
            last = m.figures;
            return finished.ok(m.figures);
          }
          finished.fail(new Error(m.error));
          return reject(new Error(m.error));
        }
        var pending = waiting[m.id];
        delete waiting[m.id];
        if (m.error) pending[1](new Error(m.error));
        else pending[0](m);
      };
      worker.postMessage({ init: { oxigraph: asset("vendor/oxigraph/oxigraph-inline.js"), graph: asset("graph.js") } });
    });
  }
  var opening = null;
  function store() {
    if (!opening) {
      var t0 = performance.now();
      // Chromium refuses workers on pages opened from file://: the store loads on the page's thread.
      opening = (location.protocol === "file:" ? inPage() : inWorker().catch(inPage)).then(function (s) {
        s.done.then(function (f) {
          state.store = Object.assign({ readyAt: performance.now(), openMs: performance.now() - t0, worker: s.worker }, f);
        });
        return s;
      });
    }
    return opening;
  }
  /** When an answer arrived and how many statements the store held then (for the benchmark). */
  function answered() {
    state.answeredAt = performance.now();
    state.answeredQuads = state.progress ? state.progress.loadedQuads : null;
  }
  /** What the store holds so far, in words for the status line. */
  function loadedText(f) {
    if (f.shardsLoaded === f.shards) return f.size + " statements loaded in this page; queries run here, nothing is sent anywhere.";
    return "The graph is loading in this page: " + f.loadedQuads + " of " + f.totalQuads + " statements so far. A query waits until everything it reads is loaded, then answers in full.";
  }

  // -- results as macros.html's result_table draws them -----------------------------------------------
  function labelColumns(vars) {
    var out = {};
    vars.forEach(function (v) {
      if (vars.indexOf(v + "Label") >= 0) out[v] = v + "Label";
      else if (v === "item" && vars.indexOf("label") >= 0) out[v] = "label";
    });
    return out;
  }
  function heading(meaning, name) {
    var text = (meaning || name).replace(/\s*\(IRI\)/g, "").trim().replace(/^(the|its|their|that|a|an)\s+/i, "");
    return text ? text.charAt(0).toUpperCase() + text.slice(1) : name;
  }
  function cell(term, label, labels) {
    if (!term) return [];
    if (term.type === "uri") {
      var text = label || labels[term.value] || curie(term.value);
      var link = href(term.value);
      return [link ? el("a", { href: link }, [text]) : text];
    }
    if (term.type === "bnode") return ["_:" + term.value];
    var lang = term["xml:lang"];
    return lang ? [term.value + " ", el("span", { class: "lang" }, [lang])] : [term.value];
  }
  function resultNodes(answer, meanings, labels) {
    if (answer.ntriples !== undefined) return [el("pre", { class: "site-triples" }, [answer.ntriples])];
    var json = JSON.parse(answer.json);
    if ("boolean" in json) return [el("p", { class: "boolean" }, [json.boolean ? "Yes (true)" : "No (false)"])];
    var vars = json.head.vars;
    var pairs = labelColumns(vars);
    var hidden = Object.keys(pairs).map(function (k) {
      return pairs[k];
    });
    var shown = vars.filter(function (v) {
      return hidden.indexOf(v) < 0;
    });
    var rows = json.results.bindings;
    var count = el("p", { class: "count" }, [rows.length + (rows.length === 1 ? " row" : " rows")]);
    if (!rows.length) return [count];
    var head = el("tr", {}, shown.map(function (v) {
      return el("th", { scope: "col" }, [meanings ? heading(meanings[v], v) : v]);
    }));
    var body = rows.map(function (b) {
      return el("tr", {}, shown.map(function (v) {
        var label = pairs[v] && b[pairs[v]] ? b[pairs[v]].value : null;
        return el("td", {}, cell(b[v], label, labels));
      }));
    });
    var table = el("table", { class: "results" }, [el("thead", {}, [head]), el("tbody", {}, body)]);
    return [count, el("div", { class: "scroll", tabindex: "0", role: "region", "aria-label": "Results" }, [table])];
  }
  function share(query) {
    try {
      history.replaceState(null, "", "?" + query);
    } catch (e) {
      // A page opened from file:// may refuse a changed URL; the answer stands without it.
    }
  }
  function message(text, kind) {
    return el("div", { class: kind || "message", role: kind === "error" ? "alert" : "status" }, [el("p", {}, [text])]);
  }

  // -- the query editor (sparql.html) ------------------------------------------------------------------
  var LABELS =
    "SELECT ?s ?label WHERE { VALUES ?g { mgg:ontology mgg:article mgg:curation } GRAPH ?g { ?s rdfs:label ?label } FILTER (isIRI(?s)) }";
  var RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"; // all LABELS reads
  var labelsOnce = null;
  function labels(s) {
    if (!labelsOnce) {
      labelsOnce = s.query(S.prologue + LABELS, [RDFS_LABEL]).then(function (answer) {
        var out = {};
        JSON.parse(answer.json).results.bindings.forEach(function (b) {
          if (!out[b.s.value] || b.label.value < out[b.s.value]) out[b.s.value] = b.label.value;
        });
        return out;
      });
    }
    return labelsOnce;
  }

  function editorPage(form) {
    var editor = window.mentorgraphEditor;
    var textarea = document.getElementById("query");
    var section = el("section", { id: "site-results", "aria-live": "polite" });
    form.after(section);
    var status = el("p", { class: "note", id: "site-store" }, ["The graph is loading in this page…"]);
    section.append(status);
    var failed = function (e) {
      status.textContent = "The graph could not be loaded in this page: " + e.message;
    };
    document.addEventListener("mentorgraph-store", function (event) {
      status.textContent = loadedText(event.detail);
    });
    store().then(function (s) {
      labels(s); // every answer's table is drawn with the labels: they load first
      s.done.then(function (f) {
        status.textContent = loadedText(f);
      }, failed);
    }, failed);
    // An example run as written reads what its question reads; any other text waits for the whole graph.
    var examples = {};
    var examplesNode = document.getElementById("mg-examples");
    var Q = self.MentorgraphQuestions;
    if (examplesNode && Q) {
      var named = JSON.parse(examplesNode.textContent);
      Object.keys(named).forEach(function (name) {
        if (Q.questions[name]) examples[named[name]] = Q.questions[name].needs;
      });
    }
    function run() {
      var text = editor ? editor.getValue() : textarea.value;
      var prefixed = editor ? editor.prefixed() : { text: S.prologue + text, lineOffset: S.prologue.split("\n").length - 1 };
      var needs = Object.prototype.hasOwnProperty.call(examples, text) ? examples[text] : null;
      return store()
        .then(function (s) {
          return s.query(prefixed.text, needs).then(function (answer) {
            return labels(s).then(function (names) {
              answered();
              state.last = answer;
              state.error = null;
              section.replaceChildren(status, el("h2", { id: "h-site-results" }, ["Results"]));
              section.append.apply(section, resultNodes(answer, null, names));
            });
          });
        })
        .catch(function (e) {
          state.last = null;
          state.error = e.message;
          var at = window.MentorgraphEditor && window.MentorgraphEditor.errorPosition(e.message);
          var line = at ? at.line - prefixed.lineOffset : null;
          if (at && editor) editor.markError(line, at.column, e.message);
          var box = message((at ? "Line " + line + ", column " + at.column + ": " : "") + "the query could not be run. Your query is kept above.", "error");
          box.id = "query-error";
          box.append(el("pre", {}, [e.message]));
          section.replaceChildren(status, box);
        })
        .then(function () {
          share("query=" + encodeURIComponent(text));
          state.runs += 1;
        });
    }
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      run();
    });
    var asked = new URLSearchParams(location.search).get("query");
    if (asked) {
      if (editor) editor.setValue(asked);
      else textarea.value = asked;
      run();
    }
  }

  // -- a canned question (questions/NAME.html) ----------------------------------------------------------
  function sparqlString(text) {
    var map = { "\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f" };
    return '"' + text.replace(/[\\"\n\r\t\b\f]/g, function (c) { return map[c]; }) + '"';
  }
  function resolve(kind, value) {
    var Q = self.MentorgraphQuestions;
    var key = self.MentorgraphFind.normalize(value); // the fold of mentorgraph.text.normalize (site-find.js)
    var cands = Q.candidates[kind] || [];
    var hits = cands.filter(function (c) {
      return c.iri === value.trim() || c.names.indexOf(key) >= 0;
    });
    if (hits.length > 1) {
      var byLabel = hits.filter(function (c) { return self.MentorgraphFind.normalize(c.label) === key; });
      if (byLabel.length === 1) hits = byLabel;
    }
    if (hits.length === 1) return hits[0].iri;
    throw new Error(hits.length ? "“" + value + "” names more than one thing: " + hits.map(function (c) { return c.label; }).join(", ") + "."
      : "Nothing in the graph is called “" + value + "”.");
  }
  function questionPage(form) {
    var name = decodeURIComponent(location.pathname.split("/").pop().replace(/\.html$/, ""));
    var q = self.MentorgraphQuestions && self.MentorgraphQuestions.questions[name];
    if (!q) return;
    var inputs = Array.prototype.slice.call(form.querySelectorAll("input[name]"));
    var answer = el("div", { id: "site-answer", "aria-live": "polite" });
    // The answer written with the page (for the example values) is what a new answer replaces.
    var written = Array.prototype.slice.call(document.querySelectorAll("main > .downloads, main > .count, main > .scroll, main > .boolean, main > .error"));
    form.after(answer);
    function run(values) {
      var body = q.body;
      try {
        q.params.forEach(function (p) {
          var v = values[p.name] || "";
          var term = p.kind === "text" ? sparqlString(v) : "<" + resolve(p.kind, v) + ">";
          body = body.split("VALUES ?" + p.name + " { UNDEF }").join("VALUES ?" + p.name + " { " + term + " }");
        });
      } catch (e) {
        written.forEach(function (n) { n.remove(); });
        answer.replaceChildren(message(e.message, "error"));
        state.runs += 1;
        return Promise.resolve();
      }
      answer.replaceChildren(el("p", { class: "note" }, ["Answering in this page…"]));
      return store()
        .then(function (s) {
          return s.query(S.prologue + body, q.needs);
        })
        .then(function (result) {
          state.last = result;
          answered();
          written.forEach(function (n) { n.remove(); });
          answer.replaceChildren.apply(answer, resultNodes(result, q.meanings, {}));
        }, function (e) {
          answer.replaceChildren(message("The question could not be answered: " + e.message, "error"));
        })
        .then(function () {
          state.runs += 1;
        });
    }
    function values() {
      var out = {};
      inputs.forEach(function (i) { out[i.name] = i.value; });
      return out;
    }
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var v = values();
      share(new URLSearchParams(v).toString());
      run(v);
    });
    var asked = new URLSearchParams(location.search);
    var changed = inputs.filter(function (i) {
      return asked.has(i.name) && asked.get(i.name) !== i.defaultValue;
    });
    if (changed.length) {
      inputs.forEach(function (i) { if (asked.has(i.name)) i.value = asked.get(i.name); });
      run(values());
    }
  }

  // -- the compare form: the comparison the site holds ----------------------------------------------------
  function comparePage() {
    var asked = new URLSearchParams(location.search);
    var pairs = [];
    asked.forEach(function (v, k) {
      if (k === "type" && v) pairs.push([k, v]);
    });
    if (!pairs.length) return;
    pairs.sort(function (a, b) { return a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0; });
    var file = S.compare[new URLSearchParams(pairs).toString()];
    if (file) return location.replace(new URL(file, siteRoot).href);
    var h1 = document.querySelector("main h1");
    if (h1) {
      h1.after(message("This copy of the site holds the comparisons of any two types and of all seven; choose two below, or all of them from the types page."));
    }
  }

  var editorForm = document.querySelector("form.editor-form");
  var questionForm = document.querySelector("form.question");
  if (editorForm) editorPage(editorForm);
  else if (questionForm && self.MentorgraphQuestions) questionPage(questionForm);
  else if (document.querySelector("body") && S.compare && /compare\.html$/.test(location.pathname)) comparePage();
  window.mentorgraphSite.openStore = store;
})();
