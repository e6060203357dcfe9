// The data-quality section: what ingestion did with every landing file (marts/ops:
// dq_file_loads, dq_quarantine_reasons, dq_source_freshness). Every row of every file is
// loaded or quarantined with a reason; the counts reconcile per file.

import * as Plot from "@observablehq/plot";
import * as d3 from "d3";
import {html} from "htl";
import {resize} from "npm:@observablehq/stdlib";
import {T} from "./i18n.js";
import {formatCount, formatDate, formatPercent, formatSeconds, table} from "./kpi.js";

const tile = (key, label, value, text, note) => html`<div class="kpi-tile card status-none" data-kpi=${key} data-value=${String(value)}
  role="group" aria-labelledby=${`kpi-${key}-label`}>
  <h2 class="kpi-label" id=${`kpi-${key}-label`}>${label}</h2>
  <div class="kpi-value">${text}</div>
  ${note ? html`<div class="kpi-note">${note}</div>` : ""}
</div>`;

/** Lag in seconds as "5:07" under an hour, "3 h 20 min", "2 d 4 h". */
function formatLag(s) {
  if (s == null || !Number.isFinite(+s)) return "–";
  s = Math.max(0, Math.round(+s));
  if (s < 3600) return formatSeconds(s);
  if (s < 86400) return `${Math.floor(s / 3600)} h ${Math.round((s % 3600) / 60)} min`;
  return `${Math.floor(s / 86400)} d ${Math.floor((s % 86400) / 3600)} h`;
}

export function dataQuality({loads, reasons, freshness}) {
  const D = T.dq;
  const current = loads.filter((d) => d.is_current_version);
  const rowsLoaded = d3.sum(current, (d) => d.rows_loaded);
  const rowsQuarantined = d3.sum(current, (d) => d.rows_quarantined);
  const reconciled = loads.filter((d) => d.is_reconciled).length;
  const bad = d3.sum(freshness, (d) => d.rejected_files + d.failed_files);
  const byReason = d3
    .rollups(reasons, (g) => d3.sum(g, (d) => d.rows_quarantined), (d) => d.reason_class)
    .map(([reason_class, rows]) => ({reason_class, rows}));
  const byDay = d3
    .rollups(loads, (g) => [d3.sum(g, (d) => d.rows_loaded), d3.sum(g, (d) => d.rows_quarantined)], (d) => +d.load_date)
    .flatMap(([day, [l, q]]) => [
      {day: new Date(day), kind: D.loadedLabel, rows: l},
      {day: new Date(day), kind: D.quarantinedLabel, rows: q}
    ]);
  const asDate = (v) => (v ? new Date(String(v).replace(" ", "T") + "Z") : null);
  return html`<section class="dq" aria-labelledby="dq-title" data-dq-files=${loads.length}>
    <h2 id="dq-title" class="section-title">${D.title}</h2>
    <p class="chart-subtitle">${D.intro}</p>
    <div class="kpi-grid dq-grid">
      ${tile("dq_files", D.files, current.length, formatCount(current.length))}
      ${tile("dq_rows_loaded", D.rowsLoaded, rowsLoaded, formatCount(rowsLoaded))}
      ${tile("dq_rows_quarantined", D.rowsQuarantined, rowsQuarantined, formatCount(rowsQuarantined),
        rowsLoaded + rowsQuarantined > 0 ? formatPercent(rowsQuarantined / (rowsLoaded + rowsQuarantined), 2) : null)}
      ${tile("dq_reconciled", D.reconciled, loads.length ? reconciled / loads.length : "", `${formatCount(reconciled)} / ${formatCount(loads.length)}`, D.reconciledNote)}
      ${tile("dq_rejected", D.rejected, bad, formatCount(bad))}
    </div>
    <div class="grid grid-cols-2">
      <figure class="chart card" data-chart="dq-reasons">
        <figcaption><h2>${D.reasons}</h2></figcaption>
        ${byReason.length
          ? resize((width) => Plot.plot({
              width: Math.max(width, 240),
              height: Math.max(120, 36 * byReason.length + 40),
              marginLeft: Math.min(160, Math.max(60, width / 3)),
              x: {label: null, grid: true, tickFormat: (v) => formatCount(v)},
              y: {label: null},
              marks: [
                Plot.barX(byReason, {x: "rows", y: "reason_class", fill: "#b35900", sort: {y: "-x"}}),
                Plot.ruleX([0]),
                Plot.tip(byReason, Plot.pointerY({x: "rows", y: "reason_class", title: (d) => `${d.reason_class}: ${formatCount(d.rows)}`}))
              ]
            }))
          : html`<p class="chart-empty">${T.noData}</p>`}
      </figure>
      <figure class="chart card" data-chart="dq-loads">
        <figcaption><h2>${D.loadsByDay}</h2><p class="chart-subtitle">${D.loadsSub}</p></figcaption>
        ${byDay.length
          ? resize((width) => Plot.plot({
              width: Math.max(width, 240),
              height: 220,
              marginLeft: 60,
              x: {label: null, type: "band", tickFormat: (d) => formatDate(d)},
              y: {label: null, grid: true, tickFormat: (v) => formatCount(v)},
              color: {legend: true, domain: [D.loadedLabel, D.quarantinedLabel], range: ["#2f6db5", "#b35900"]},
              marks: [Plot.barY(byDay, {x: "day", y: "rows", fill: "kind"}), Plot.ruleY([0])]
            }))
          : html`<p class="chart-empty">${T.noData}</p>`}
      </figure>
    </div>
    ${table(freshness.map((d) => ({...d, latest_event_at: asDate(d.latest_event_at)})), {
      name: "dq-freshness",
      title: D.freshness,
      columns: {
        source: {label: D.source},
        current_files: {label: D.files, kind: "count"},
        rows_loaded: {label: D.rowsLoaded, kind: "count"},
        rows_quarantined: {label: D.rowsQuarantined, kind: "count"},
        rejected_files: {label: D.rejected, kind: "count"},
        latest_event_at: {label: D.latestEvent, kind: "datetime"},
        event_lag_seconds: {label: D.eventLag, kind: "lag"}
      },
      formats: {lag: formatLag}
    })}
    ${table(loads.map((d) => ({...d, loaded_at: asDate(d.loaded_at), is_reconciled: d.is_reconciled ? `✓ ${D.yes}` : `✗ ${D.no}`})), {
      name: "dq-loads",
      title: D.loads,
      columns: {
        file_name: {label: D.file},
        source: {label: D.source},
        status: {label: D.status},
        loaded_at: {label: D.loadedAt, kind: "datetime"},
        rows_in: {label: D.rowsIn, kind: "count"},
        rows_loaded: {label: D.rowsLoaded, kind: "count"},
        rows_quarantined: {label: D.rowsQuarantined, kind: "count"},
        is_reconciled: {label: D.reconciled},
        message: {label: D.message}
      }
    })}
  </section>`;
}
