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

import {execFileSync} from "node:child_process";
import {existsSync} from "node:fs";
import {fileURLToPath} from "node:url";

const reportsDir = fileURLToPath(new URL(".", import.meta.url));
const venvPython = fileURLToPath(new URL("../.venv/bin/python", import.meta.url));
const python = process.env.CCWH_PYTHON || (existsSync(venvPython) ? venvPython : "python3");

// The queues, from the same loader the pages use (select from marts.dim_queues):
// one page per queue.
function loadQueues() {
  if (!process.env.CCWH_WAREHOUSE) {
    throw new Error(
      "CCWH_WAREHOUSE is not set: point it at the DuckDB warehouse, e.g. " +
        "CCWH_WAREHOUSE=../warehouse/warehouse.duckdb npx observable build"
    );
  }
  const output = execFileSync(python, [fileURLToPath(new URL("src/data/queues.json.py", import.meta.url))], {
    cwd: reportsDir,
    encoding: "utf-8",
    stdio: ["ignore", "pipe", "inherit"]
  });
  return JSON.parse(output);
}

// Queue ids become URL paths (/queues/<id>.html); ids that are not plain names get no
// page of their own (they still count on the overview), and the build says so.
const SAFE_ID = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;
const allQueues = loadQueues();
const queues = allQueues.filter((q) => SAFE_ID.test(String(q.queue_id)));
for (const q of allQueues.filter((q) => !queues.includes(q))) {
  console.warn(`observablehq.config.js: no page for queue ${JSON.stringify(q.queue_id)}: not a plain name`);
}
const builtAt = new Date().toISOString().replace(/\.\d+Z$/, "Z").replace("T", " ");

const escape = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export default {
  root: "src",
  output: process.env.CCWH_SITE_OUT || "dist",
  title: "Contact center report",
  theme: "air",
  globalStylesheets: [],
  style: "style.css",
  head: '<meta name="color-scheme" content="light"><link rel="icon" href="data:,">',
  header: "",
  footer:
    `<span>Contact-center warehouse report. Built ${escape(builtAt)} UTC from the warehouse marts. ` +
    "Rates are computed from summed numerators and denominators; " +
    "status: green meets the target, amber within 10% of it, red beyond.</span>",
  sidebar: true,
  toc: false,
  pager: false,
  search: false,
  preserveExtension: true,
  pages: [
    {name: "Overview", path: "/"},
    {name: "KPI glossary", path: "/glossary"},
    {
      name: "Queues",
      open: true,
      pages: queues.map((q) => ({name: q.queue_name ?? q.queue_id, path: `/queues/${q.queue_id}`}))
    }
  ],
  dynamicPaths: queues.map((q) => `/queues/${q.queue_id}`),
  interpreters: {
    ".py": [python]
  }
};
