// The static site's graph store: Oxigraph's WebAssembly build (vendor/oxigraph/oxigraph-inline.js, the
// wasm inside) loaded with the site's graph in shards, answering SPARQL with the default graph as the
// union of the named graphs, as mentorgraph's own engines do.
//
// The graph (self.MentorgraphGraph, from mentorgraph/site/data.py) is a list of shards, by predicate
// (rdf:type: by class; the quads with blank nodes together), each a classic script holding its N-Quads (gzip, base64). They
// load one after another into one store; a query says which shards it reads (its needs, derived from
// its parse tree at site-build time by mentorgraph/site/shards.py; null: all of them), those move to
// the front of the queue, and the query runs once every one of them is in the store: never on part of
// what it reads. The rest keeps loading behind it.
//
// One file, two places. As a dedicated worker (site.js starts it over http), it loads the store off the
// page's thread and answers {id, query, needs} messages with {id, json} or {id, error}, posting
// {progress} as shards arrive. On a page opened from file:// (where Chromium refuses workers), site.js
// loads it as a plain script and uses self.MentorgraphStoreCore itself. A classic script in both.
"use strict";

(function (scope) {
  function base64Bytes(text) {
    if (Uint8Array.fromBase64) return Uint8Array.fromBase64(text);
    var binary = atob(text);
    var bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return bytes;
  }
  function gunzip(text) {
    var stream = new Blob([base64Bytes(text)]).stream().pipeThrough(new DecompressionStream("gzip"));
    return new Response(stream).arrayBuffer().then(function (b) {
      return new Uint8Array(b);
    });
  }
  /** Whether a shard holding these keys has quads a query with these needs reads
   * (mentorgraph.site.shards.covers). */
  function covers(keys, needs) {
    if (!needs) return true;
    return keys.some(function (key) {
      return needs.some(function (n) {
        return key === n || key.indexOf(n + " ") === 0;
      });
    });
  }

  /** A store filling shard by shard. fetchShard(file, n) -> Promise of the n-th shard's base64 text;
   * onProgress(figures) after each shard. {want(needs) -> Promise, query(text, needs) -> Promise,
   * figures(), done: Promise of the figures once every shard is in}. */
  function open(Oxigraph, graph, fetchShard, onProgress) {
    var t0 = performance.now();
    var store = null;
    var queue = graph.shards.map(function (s, n) {
      var shard = { keys: s[0], n: n, file: s[1], quads: s[2], loaded: false };
      shard.ready = new Promise(function (ok, fail) {
        shard.ok = ok;
        shard.fail = fail;
      });
      return shard;
    });
    var all = queue.slice();
    var loadedQuads = 0;
    var wasm = null;
    function figures() {
      return {
        size: store ? store.size : 0,
        loadedQuads: loadedQuads,
        totalQuads: graph.quads,
        shards: all.length,
        shardsLoaded: all.filter(function (s) {
          return s.loaded;
        }).length,
        loadMs: performance.now() - t0,
        wasmBytes: wasm ? wasm.memory.buffer.byteLength : 0,
      };
    }
    function next() {
      var shard = queue.shift();
      if (!shard) return Promise.resolve();
      return fetchShard(shard.file, shard.n)
        .then(gunzip)
        .then(function (bytes) {
          // The site's own serialization: no need to re-check it (lenient). Not `no_transaction`:
          // its bulk loader reserves ~170 MB of wasm memory even for a small graph, too much for a phone.
          store.load(bytes, { format: graph.format, lenient: true });
          shard.loaded = true;
          loadedQuads += shard.quads;
          shard.ok();
          if (onProgress) onProgress(figures());
          return next();
        });
    }
    var done = Oxigraph.ready()
      .then(function (w) {
        wasm = w;
        store = new Oxigraph.Store();
        return next();
      })
      .then(figures);
    done.catch(function (e) {
      queue.concat(all).forEach(function (s) {
        if (!s.loaded) s.fail(e);
      });
    });
    function want(needs) {
      var wanted = all.filter(function (s) {
        return covers(s.keys, needs);
      });
      // What this query reads goes first, in the order the graph lists it; the rest after.
      var first = queue.filter(function (s) {
        return wanted.indexOf(s) >= 0;
      });
      var rest = queue.filter(function (s) {
        return wanted.indexOf(s) < 0;
      });
      queue.length = 0;
      Array.prototype.push.apply(queue, first.concat(rest));
      return Promise.all(
        wanted.map(function (s) {
          return s.ready;
        })
      );
    }
    return {
      want: want,
      query: function (text, needs) {
        return want(needs).then(function () {
          return query(store, text);
        });
      },
      figures: figures,
      done: done,
    };
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

  scope.MentorgraphStoreCore = { open: open, query: query, covers: covers };

  if (typeof WorkerGlobalScope === "undefined" || !(scope instanceof WorkerGlobalScope)) return;
  function say(e) {
    return String(e && e.message ? e.message : e);
  }
  var opened = null;
  scope.onmessage = function (event) {
    var m = event.data;
    if (m.init) {
      try {
        scope.importScripts(m.init.oxigraph, m.init.graph);
      } catch (e) {
        scope.postMessage({ ready: false, error: say(e) });
        return;
      }
      var base = new URL(".", m.init.graph);
      var fetchShard = function (file, n) {
        scope.importScripts(new URL(file, base).href);
        var text = scope.MentorgraphShards[n];
        delete scope.MentorgraphShards[n]; // the text is no longer needed once loaded
        return Promise.resolve(text);
      };
      opened = open(scope.Oxigraph, scope.MentorgraphGraph, fetchShard, function (f) {
        scope.postMessage({ progress: f });
      });
      scope.postMessage({ started: true, figures: opened.figures() });
      opened.done.then(
        function (f) {
          scope.postMessage({ ready: true, figures: f });
        },
        function (e) {
          scope.postMessage({ ready: false, error: say(e) });
        }
      );
      return;
    }
    opened.query(m.query, m.needs).then(
      function (answer) {
        scope.postMessage(Object.assign({ id: m.id }, answer));
      },
      function (e) {
        scope.postMessage({ id: m.id, error: say(e) });
      }
    );
  };
})(self);
