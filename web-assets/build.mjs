// Build src/mentorgraph/web/static/vendor/ from the npm packages pinned in package-lock.json:
// one folder per asset, each with its licence texts and a VERSION file (provenance), and
// VENDORED.json listing every package (name, version, licence, npm integrity) and file (bytes, SHA-256).
//
//   npm ci && npm run build     # rewrite the vendored files
//   npm ci && npm run check     # rebuild in a temporary folder; exit 1 if any vendored file differs
//
// The output is deterministic for the same package-lock.json, esbuild and Node major version (the gzip
// stream of the file:// Oxigraph variant comes from Node's zlib).

import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import zlib from "node:zlib";
import * as esbuild from "esbuild";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const OUT = path.resolve(HERE, "..", "src", "mentorgraph", "web", "static", "vendor");
const MODULES = path.join(HERE, "node_modules");
const LOCK = JSON.parse(fs.readFileSync(path.join(HERE, "package-lock.json"), "utf8"));
const ESBUILD = esbuild.version;

/** A package as installed, checked against package-lock.json (so a stale node_modules cannot leak in). */
function npmPackage(name) {
  const meta = JSON.parse(fs.readFileSync(path.join(MODULES, name, "package.json"), "utf8"));
  const locked = LOCK.packages[`node_modules/${name}`];
  if (!locked || locked.version !== meta.version) {
    throw new Error(`${name} ${meta.version} is installed but package-lock.json pins ${locked?.version}: run npm ci`);
  }
  return { name, version: meta.version, license: meta.license, integrity: locked.integrity };
}

/** The npm packages whose files esbuild put into a bundle, from its metafile. */
function bundledPackages(metafile) {
  const names = new Set();
  for (const input of Object.keys(metafile.inputs)) {
    const found = /(?:^|\/)node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input);
    if (found) names.add(found[1]);
  }
  return [...names].sort();
}

/** Inline the gzip-compressed, base64-encoded oxigraph/web_bg.wasm as `mentorgraph:oxigraph-wasm`. */
const embeddedWasm = {
  name: "mentorgraph-oxigraph-wasm",
  setup(build) {
    build.onResolve({ filter: /^mentorgraph:oxigraph-wasm$/ }, (args) => ({ path: args.path, namespace: "wasm" }));
    build.onLoad({ filter: /.*/, namespace: "wasm" }, () => {
      const wasm = fs.readFileSync(path.join(MODULES, "oxigraph", "web_bg.wasm"));
      const gz = zlib.gzipSync(wasm, { level: 9 });
      return { contents: `export default ${JSON.stringify(gz.toString("base64"))};`, loader: "js" };
    });
  },
};

async function bundle(entry, options) {
  const result = await esbuild.build({
    entryPoints: [path.join(HERE, "src", entry)],
    bundle: true,
    minify: true,
    write: false,
    metafile: true,
    legalComments: "none",
    logLevel: "warning",
    absWorkingDir: HERE,
    ...options,
  });
  return { bytes: Buffer.from(result.outputFiles[0].contents), packages: bundledPackages(result.metafile) };
}

const read = (name, file) => fs.readFileSync(path.join(MODULES, name, file));
const licenceHeading = (p) => `${"=".repeat(72)}\n${p.name} ${p.version} (${p.license})\n${"=".repeat(72)}\n\n`;

/** The VERSION file of an asset: what its files are, then each package as name version licence integrity. */
function versionFile(summary, packages) {
  const lines = packages.map((p) => `${p.name} ${p.version} ${p.license} ${p.integrity}`);
  return Buffer.from(`${summary}\nFrom the npm registry (name version licence integrity):\n${lines.join("\n")}\n`);
}

/** An asset: a folder of vendor/ with its files, the packages they come from, and a VERSION file. */
function asset(name, description, license, packages, summary, files) {
  return { name, description, license, packages, files: { ...files, VERSION: versionFile(summary, packages) } };
}

async function codemirror() {
  const banner = "/* mentorgraph SPARQL editor (CodeMirror 6, MIT): see LICENSE and VERSION beside this file. */";
  const esm = await bundle("sparql-editor.js", { format: "esm", banner: { js: banner } });
  const iife = await bundle("sparql-editor.js", {
    format: "iife",
    globalName: "MentorgraphEditor",
    banner: { js: banner },
  });
  const packages = esm.packages.map(npmPackage);
  const licence = packages.map((p) => licenceHeading(p) + read(p.name, "LICENSE").toString("utf8").trim() + "\n");
  const summary =
    "sparql-editor.mjs (ES module) and sparql-editor.js (classic script, global MentorgraphEditor): " +
    `web-assets/src/sparql-editor.js bundled by web-assets/build.mjs with esbuild ${ESBUILD}.`;
  const description = "SPARQL editor: web-assets/src/sparql-editor.js bundled with CodeMirror 6 by esbuild";
  return asset("codemirror", description, "MIT", packages, summary, {
    "sparql-editor.mjs": esm.bytes,
    "sparql-editor.js": iife.bytes,
    LICENSE: Buffer.from(licence.join("\n")),
  });
}

async function oxigraph() {
  const inline = await bundle("oxigraph-inline.js", {
    format: "iife",
    globalName: "Oxigraph",
    plugins: [embeddedWasm],
    // web.js finds its .wasm through import.meta.url only when called without bytes, which never happens here.
    define: { "import.meta.url": "undefined" },
  });
  const packages = [npmPackage("oxigraph")];
  const licences = path.join(HERE, "licenses", "oxigraph");
  const summary =
    "web.js and web_bg.wasm copied verbatim from the package; oxigraph-inline.js (classic script, global " +
    `Oxigraph, the wasm gzip+base64 inside) built by web-assets/build.mjs with esbuild ${ESBUILD}. ` +
    "The package ships no licence file: see web-assets/licenses/oxigraph/PROVENANCE.md.";
  const description = "Oxigraph's WebAssembly build (web.js + web_bg.wasm) and a file:// variant with the wasm inside";
  return asset("oxigraph", description, packages[0].license, packages, summary, {
    "web.js": read("oxigraph", "web.js"),
    "web_bg.wasm": read("oxigraph", "web_bg.wasm"),
    "oxigraph-inline.js": inline.bytes,
    "LICENSE-MIT": fs.readFileSync(path.join(licences, "LICENSE-MIT")),
    "LICENSE-APACHE": fs.readFileSync(path.join(licences, "LICENSE-APACHE")),
  });
}

function axe() {
  const packages = [npmPackage("axe-core")];
  const description = "axe-core accessibility engine, for the tests (pages never load it)";
  return asset("axe-core", description, packages[0].license, packages, "axe.min.js copied verbatim from the package.", {
    "axe.min.js": read("axe-core", "axe.min.js"),
    LICENSE: read("axe-core", "LICENSE"),
    "LICENSE-3RD-PARTY.txt": read("axe-core", "LICENSE-3RD-PARTY.txt"),
  });
}

function manifest(assets) {
  const sha256 = (bytes) => createHash("sha256").update(bytes).digest("hex");
  return {
    about: "Front-end assets vendored from the npm registry by web-assets/build.mjs (see web-assets/README.md).",
    esbuild: ESBUILD,
    assets: assets.map((a) => ({
      name: a.name,
      description: a.description,
      license: a.license,
      packages: a.packages,
      files: Object.keys(a.files)
        .sort()
        .map((file) => ({ path: `${a.name}/${file}`, bytes: a.files[file].length, sha256: sha256(a.files[file]) })),
    })),
  };
}

function writeTree(dir, assets) {
  fs.mkdirSync(dir, { recursive: true });
  for (const a of assets) {
    fs.mkdirSync(path.join(dir, a.name));
    for (const [file, bytes] of Object.entries(a.files)) fs.writeFileSync(path.join(dir, a.name, file), bytes);
  }
  fs.writeFileSync(path.join(dir, "VENDORED.json"), JSON.stringify(manifest(assets), null, 2) + "\n");
}

function listTree(dir) {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { recursive: true }).filter((f) => fs.statSync(path.join(dir, f)).isFile());
}

/** The files that differ between two trees (missing, extra or changed), as "what: path" lines. */
function differences(built, vendored) {
  const a = new Set(listTree(built));
  const b = new Set(listTree(vendored));
  const out = [];
  for (const f of [...new Set([...a, ...b])].sort()) {
    if (!b.has(f)) out.push(`missing from the vendored tree: ${f}`);
    else if (!a.has(f)) out.push(`not made by the build: ${f}`);
    else if (!fs.readFileSync(path.join(built, f)).equals(fs.readFileSync(path.join(vendored, f)))) {
      out.push(`differs from the build: ${f}`);
    }
  }
  return out;
}

const assets = [await codemirror(), await oxigraph(), axe()];
const staging = `${OUT}.building-${process.pid}`;
fs.rmSync(staging, { recursive: true, force: true });
writeTree(staging, assets);
if (process.argv.includes("--check")) {
  const diff = differences(staging, OUT);
  fs.rmSync(staging, { recursive: true, force: true });
  for (const line of diff) console.error(line);
  console.log(diff.length ? `${diff.length} vendored file(s) differ from the build` : "vendored files match the build");
  process.exit(diff.length ? 1 : 0);
}
// Swap the whole folder in, so a failed build never leaves a mix of old and new files.
const old = `${OUT}.old-${process.pid}`;
if (fs.existsSync(OUT)) fs.renameSync(OUT, old);
fs.renameSync(staging, OUT);
fs.rmSync(old, { recursive: true, force: true });
for (const a of assets) {
  for (const [file, bytes] of Object.entries(a.files)) console.log(`${String(bytes.length).padStart(9)}  ${a.name}/${file}`);
}
