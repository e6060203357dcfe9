// Post-build check: fail if the built site would load anything from the network.
// Scans every HTML, JS and CSS file under the output folder for script/link/img/iframe
// sources, CSS url()/@import and JS import()/from specifiers that point at http(s)
// hosts other than 127.0.0.1/localhost (the jsDelivr links Framework writes when an
// npm: import slipped through, Google Fonts from the default stylesheets, ...).
//
// usage: node scripts/check-offline.mjs [dist-dir]

import {readdir, readFile} from "node:fs/promises";
import {dirname, extname, join, relative} from "node:path";
import {fileURLToPath} from "node:url";

const reportsDir = dirname(dirname(fileURLToPath(import.meta.url)));
const outDir = process.argv[2] ?? process.env.CCWH_SITE_OUT ?? join(reportsDir, "dist");
const LOCAL = /^(127\.0\.0\.1|localhost|\[::1\])(:\d+)?$/i;

const PATTERNS = {
  ".html": [
    /<script\b[^>]*\bsrc\s*=\s*["']?(https?:)?\/\/([^\/"'\s>]+)/gi,
    /<link\b[^>]*\bhref\s*=\s*["']?(https?:)?\/\/([^\/"'\s>]+)/gi,
    /<(?:img|iframe|source|video|audio|embed)\b[^>]*\bsrc\s*=\s*["']?(https?:)?\/\/([^\/"'\s>]+)/gi,
    /\bimport\s*(?:\(\s*)?["'](https?:)?\/\/([^\/"']+)/gi,
    /\bfrom\s*["'](https?:)?\/\/([^\/"']+)/gi
  ],
  ".js": [
    /\bimport\s*(?:\(\s*)?["'`](https?:)?\/\/([^\/"'`]+)/gi,
    /\bfrom\s*["'](https?:)?\/\/([^\/"']+)/gi,
    /\bimport\.meta\.resolve\(\s*["'](https?:)?\/\/([^\/"']+)/gi
  ],
  ".css": [/@import\s+(?:url\()?\s*["']?(https?:)?\/\/([^\/"')\s]+)/gi, /url\(\s*["']?(https?:)?\/\/([^\/"')\s]+)/gi]
};

async function* walk(dir) {
  for (const entry of await readdir(dir, {withFileTypes: true})) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* walk(path);
    else yield path;
  }
}

async function main() {
  const problems = [];
  let files = 0;
  for await (const file of walk(outDir)) {
    const patterns = PATTERNS[extname(file)];
    if (!patterns) continue;
    files++;
    const text = await readFile(file, "utf-8");
    for (const pattern of patterns) {
      for (const match of text.matchAll(pattern)) {
        const host = match[2];
        if (LOCAL.test(host)) continue;
        const line = text.slice(0, match.index).split("\n").length;
        problems.push(`${relative(outDir, file)}:${line}: ${match[0].slice(0, 160)}`);
      }
    }
  }
  if (files === 0) {
    console.error(`check-offline: no HTML/JS/CSS files under ${outDir}; did the build run?`);
    process.exit(1);
  }
  if (problems.length) {
    console.error(`check-offline: the site would load ${problems.length} resource(s) from the network:`);
    for (const p of problems) console.error(`  ${p}`);
    console.error("Import from node_modules or add the module to scripts/prepare-offline.mjs.");
    process.exit(1);
  }
  console.log(`check-offline: ${files} HTML/JS/CSS files under ${outDir}, no external resources`);
}

main().catch((error) => {
  console.error(`check-offline: ${error.message}`);
  process.exit(1);
});
