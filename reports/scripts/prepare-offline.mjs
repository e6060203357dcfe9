// Prepare Observable Framework's cache so `observable build` needs no network.
//
// Run before every build (orchestration/site.py and `npm run build` do):
//
//   1. Clear the data-loader outputs cached under src/.observablehq/cache/ (everything
//      but _npm/ and _node/), so every build re-reads the warehouse it is given.
//      Framework reuses a cached loader output while it is newer than the loader
//      script, which would silently publish the previous warehouse's numbers.
//   2. Bundle, with esbuild from node_modules, the few npm: modules that Framework's
//      client loads by the npm: protocol (jsDelivr) even when pages import from
//      node_modules: d3-dsv (FileAttachment.csv), htl and isoformat (built-in Inputs),
//      and @observablehq/plot and d3 (implicit `Plot`/`d3` on a page), into
//      src/.observablehq/cache/_npm/<name>@<installed version>/_esm.js.
//   3. Create empty version folders for the libraries Framework's standard library
//      references lazily (echarts, leaflet, ...). Framework takes any cached version
//      folder as "the" version instead of asking registry.npmjs.org; their modules
//      are only fetched if a page really uses one, and then the offline guard
//      (scripts/offline-guard.mjs) stops the build with the URL it wanted.
//
// Versions come from node_modules (package-lock.json pins them): nothing is fetched.

import {existsSync, readFileSync} from "node:fs";
import {mkdir, readdir, rm} from "node:fs/promises";
import {dirname, join} from "node:path";
import {fileURLToPath} from "node:url";
import {build} from "esbuild";

const reportsDir = dirname(dirname(fileURLToPath(import.meta.url)));
const cacheDir = join(reportsDir, "src", ".observablehq", "cache");
const npmDir = join(cacheDir, "_npm");

// Bundled from node_modules (name → what the bundle re-exports).
const BUNDLED = ["@observablehq/plot", "d3", "d3-dsv", "htl", "isoformat"];

// Lazily referenced by Framework's client (src/client/stdlib/recommendedLibraries.js
// and friends); an empty folder per library stops the registry look-up. The version
// only names the folder.
const LAZY = {
  "apache-arrow": "17.0.0",
  "arquero": "7.2.0",
  "echarts": "5.6.0",
  "leaflet": "1.9.4",
  "lodash": "4.17.21",
  "mapbox-gl": "3.9.4",
  "parquet-wasm": "0.6.1",
  "react": "19.0.0",
  "react-dom": "19.0.0",
  "topojson-client": "3.1.0",
  "@observablehq/sample-datasets": "1.0.1",
  "@viz-js/viz": "3.11.0",
  "exceljs": "4.4.0",
  "jszip": "3.10.1",
  "katex": "0.16.21",
  "mermaid": "11.4.1",
  "sql.js": "1.12.0",
  "vega": "5.30.0",
  "vega-lite": "5.21.0",
  "vega-lite-api": "5.6.0",
  "@uwdata/vgplot": "0.12.2"
};

function installedVersion(name) {
  const file = join(reportsDir, "node_modules", name, "package.json");
  if (!existsSync(file)) {
    throw new Error(`${name} is not installed in reports/node_modules: run \`cd reports && npm ci\` first`);
  }
  return JSON.parse(readFileSync(file, "utf-8")).version;
}

async function clearLoaderOutputs() {
  if (!existsSync(cacheDir)) return 0;
  let removed = 0;
  for (const entry of await readdir(cacheDir)) {
    if (entry === "_npm" || entry === "_node") continue;
    await rm(join(cacheDir, entry), {recursive: true, force: true});
    removed++;
  }
  return removed;
}

async function bundle(name) {
  const version = installedVersion(name);
  const outfile = join(npmDir, `${name}@${version}`, "_esm.js");
  await build({
    stdin: {contents: `export * from ${JSON.stringify(name)};\n`, resolveDir: reportsDir, loader: "js"},
    bundle: true,
    format: "esm",
    platform: "browser",
    target: ["es2022"],
    minify: true,
    legalComments: "inline",
    logLevel: "error",
    outfile
  });
  return `${name}@${version}`;
}

async function main() {
  const started = performance.now();
  const removed = await clearLoaderOutputs();
  // stale bundles of other versions would win Framework's "highest cached version"
  for (const name of BUNDLED) {
    const scopeDir = name.includes("/") ? join(npmDir, name.split("/")[0]) : npmDir;
    const base = name.includes("/") ? name.split("/")[1] : name;
    if (!existsSync(scopeDir)) continue;
    for (const entry of await readdir(scopeDir)) {
      if (entry.startsWith(`${base}@`) && entry !== `${base}@${installedVersion(name)}`) {
        await rm(join(scopeDir, entry), {recursive: true, force: true});
      }
    }
  }
  const bundled = await Promise.all(BUNDLED.map(bundle));
  const lazy = [];
  for (const [name, version] of Object.entries(LAZY)) {
    const dir = join(npmDir, `${name}@${version}`);
    await mkdir(dir, {recursive: true});
    lazy.push(`${name}@${version}`);
  }
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(
    `prepare-offline: cleared ${removed} cached loader output(s); bundled ${bundled.join(", ")}; ` +
      `${lazy.length} placeholder folders (${seconds}s)`
  );
}

main().catch((error) => {
  console.error(`prepare-offline: ${error.message}`);
  process.exit(1);
});
