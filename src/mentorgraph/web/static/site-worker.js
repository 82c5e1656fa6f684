// The static site's graph store: Oxigraph's WebAssembly build (vendor/oxigraph/oxigraph-inline.js, the
// wasm inside) loaded with the site's graph (self.MentorgraphGraph: TriG, gzip, base64; written by
// mentorgraph/site/data.py), answering SPARQL with the default graph as the union of the named graphs,
// as mentorgraph's own engines do.
//
// One file, two places. As a dedicated worker (site.js starts it over http), it loads the store off the
// page's thread and answers {id, query} messages with {id, json} or {id, error}. On a page opened from
// file:// (where Chromium refuses workers), site.js loads it as a plain script and calls
// self.MentorgraphStoreCore itself. A classic script in both.
"use strict";

(function (scope) {
  function base64Bytes(text) {
    if (Uint8Array.fromBase64) return Uint8Array.fromBase64(text);
    var binary = atob(text);
    var bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return bytes;
  }

  /** A loaded store and its figures: {store, size, loadMs, wasmBytes}. */
  async function open(Oxigraph, graph) {
    var t0 = performance.now();
    var wasm = await Oxigraph.ready();
    var stream = new Blob([base64Bytes(graph.gzip)]).stream().pipeThrough(new DecompressionStream("gzip"));
    var bytes = new Uint8Array(await new Response(stream).arrayBuffer());
    var store = new Oxigraph.Store();
    // The site's own serialization: no need to re-check it (lenient). Not `no_transaction`: its bulk
    // loader reserves ~170 MB of wasm memory even for this small graph, too much for a phone.
    store.load(bytes, { format: graph.format, lenient: true });
    return { store: store, size: store.size, loadMs: performance.now() - t0, wasmBytes: wasm.memory.buffer.byteLength };
  }

  /** {json}: a SELECT or ASK answer as SPARQL 1.1 Query Results JSON text; {ntriples}: a CONSTRUCT or
   * DESCRIBE answer (no results format applies to a graph: it is asked for again as N-Triples). */
  function query(store, text) {
    var options = { results_format: "json", use_default_graph_as_union: true };
    try {
      return { json: store.query(text, options) };
    } catch (e) {
      options.results_format = "application/n-triples";
      try {
        return { ntriples: store.query(text, options) };
      } catch (_) {
        throw e;
      }
    }
  }

  scope.MentorgraphStoreCore = { open: open, query: query };

  if (typeof WorkerGlobalScope === "undefined" || !(scope instanceof WorkerGlobalScope)) return;
  var ready = null;
  scope.onmessage = function (event) {
    var m = event.data;
    if (m.init) {
      ready = Promise.resolve()
        .then(function () {
          scope.importScripts(m.init.oxigraph, m.init.graph);
          return open(scope.Oxigraph, scope.MentorgraphGraph);
        })
        .then(function (opened) {
          scope.MentorgraphGraph = null; // the text is no longer needed once loaded
          scope.postMessage({ ready: true, size: opened.size, loadMs: opened.loadMs, wasmBytes: opened.wasmBytes });
          return opened.store;
        });
      ready.catch(function (e) {
        scope.postMessage({ ready: false, error: String(e && e.message ? e.message : e) });
      });
      return;
    }
    ready.then(function (store) {
      try {
        scope.postMessage(Object.assign({ id: m.id }, query(store, m.query)));
      } catch (e) {
        scope.postMessage({ id: m.id, error: String(e && e.message ? e.message : e) });
      }
    });
  };
})(self);
