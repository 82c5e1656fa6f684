// Oxigraph's WebAssembly build for pages opened from file://, bundled by ../build.mjs into one classic
// script (global `Oxigraph`). Chromium refuses both module scripts and fetch() for file:// URLs, so the
// .wasm cannot be fetched beside the page: its bytes are inside this file, gzip-compressed and base64
// encoded ("mentorgraph:oxigraph-wasm" is made by the build from oxigraph/web_bg.wasm).
//
//   await Oxigraph.ready();            // compiles the module once; later calls return the same promise
//   const store = new Oxigraph.Store();
//
// Compiling WebAssembly still needs 'wasm-unsafe-eval' in the page's script-src.

import init from "oxigraph/web.js";
import wasmGzipBase64 from "mentorgraph:oxigraph-wasm";

export * from "oxigraph/web.js";

function base64Bytes(text) {
  if (Uint8Array.fromBase64) return Uint8Array.fromBase64(text);
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

let compiled;

/** Decompress and instantiate the embedded module (once). */
export function ready() {
  if (!compiled) {
    const gunzip = new Blob([base64Bytes(wasmGzipBase64)]).stream().pipeThrough(new DecompressionStream("gzip"));
    compiled = new Response(gunzip).arrayBuffer().then((bytes) => init({ module_or_path: bytes }));
  }
  return compiled;
}
