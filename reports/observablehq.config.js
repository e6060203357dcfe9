// Observable Framework configuration of the report site.
//
// The site builds and renders with no network (docs: ../../shared/DESIGN.md, "The report
// site"): pages import Plot and d3 from node_modules, Inputs from Framework's built-in
// copy; scripts/prepare-offline.mjs fills the npm cache before every build;
// globalStylesheets is empty (the default pulls Google Fonts); the footer is ours.
//
// Environment:
//   CCWH_WAREHOUSE  the DuckDB warehouse the data loaders read (required)
//   CCWH_PYTHON     interpreter for the .py data loaders (default: ../.venv/bin/python,
//                   else python3 on PATH)
//   CCWH_SITE_OUT   output folder (default: dist)
//
// Pages: src/index.md (the language chooser) and, per language (/en/, /es/), the
// overview, the glossary, one page per KPI family and one per queue, channel, team and
// agent (src/[lang]/...).

import {execFileSync} from "node:child_process";
import {existsSync, readFileSync, statSync} from "node:fs";
import {fileURLToPath} from "node:url";
import {familyPages} from "./src/components/i18n.js";

const reportsDir = fileURLToPath(new URL(".", import.meta.url));
const venvPython = fileURLToPath(new URL("../.venv/bin/python", import.meta.url));
const python = process.env.CCWH_PYTHON || (existsSync(venvPython) ? venvPython : "python3");

// What the pages drill into (queues, channels, teams, agents) and the catalog's KPI
// families, from the same loader the pages use (src/data/dimensions.json.py).
function loadDimensions() {
  if (!process.env.CCWH_WAREHOUSE) {
    throw new Error(
      "CCWH_WAREHOUSE is not set: point it at the DuckDB warehouse, e.g. " +
        "CCWH_WAREHOUSE=../warehouse/ccwh.duckdb npx observable build"
    );
  }
  // the loader's output when orchestration/site.py wrote it into Framework's cache just
  // before the build (src/data/_pages.py), fresh by Framework's own rule: newer than the
  // loader; else run the loader
  const loader = fileURLToPath(new URL("src/data/dimensions.json.py", import.meta.url));
  const cached = fileURLToPath(new URL("src/.observablehq/cache/data/dimensions.json", import.meta.url));
  if (existsSync(cached) && statSync(cached).mtimeMs >= statSync(loader).mtimeMs) {
    return JSON.parse(readFileSync(cached, "utf-8"));
  }
  const output = execFileSync(python, [loader], {
    cwd: reportsDir,
    encoding: "utf-8",
    stdio: ["ignore", "pipe", "inherit"]
  });
  return JSON.parse(output);
}

// Every page is built once per language, from the same Markdown under src/[lang]/:
// /en/... and /es/.... Drill-down pages are named by each item's slug (a plain name).
const LANGUAGES = ["en", "es"];
const SAFE_SLUG = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;
const dims = loadDimensions();
const familySlugs = familyPages(dims.families).map((f) => f.slug);
const drill = [
  ["queues", dims.queues],
  ["channels", dims.channels],
  ["teams", dims.teams],
  ["agents", dims.agents]
];
for (const [kind, items] of drill) {
  for (const item of items.filter((d) => !SAFE_SLUG.test(String(d.slug)))) {
    console.warn(`observablehq.config.js: no page for ${kind} ${JSON.stringify(item)}: not a plain name`);
  }
}
const dynamicPaths = LANGUAGES.flatMap((lang) => [
  `/${lang}/`,
  `/${lang}/glossary`,
  `/${lang}/planning`,
  `/${lang}/adherence`,
  ...familySlugs.map((slug) => `/${lang}/family/${slug}`),
  ...drill.flatMap(([kind, items]) =>
    items.filter((d) => SAFE_SLUG.test(String(d.slug))).map((d) => `/${lang}/${kind}/${d.slug}`)
  )
]);
export default {
  root: "src",
  output: process.env.CCWH_SITE_OUT || "dist",
  title: "Contact center report · Informe del centro de contacto",
  theme: "air",
  globalStylesheets: [],
  style: "style.css",
  // No head, header or footer here: Framework parses each of them into a fresh DOM (jsdom)
  // three times per page, which was 40 % of the build's CPU time (DECISIONS.md D190). The
  // footer, the colour scheme, the zoomable viewport and the empty icon come from
  // components/nav.js (siteFooter, pageHead) and style.css.
  head: null,
  header: null,
  footer: null,
  // our own navigation and language switch on every page (components/nav.js)
  sidebar: false,
  pages: [],
  toc: false,
  pager: false,
  search: false,
  preserveExtension: true,
  dynamicPaths,
  interpreters: {
    ".py": [python]
  }
};
