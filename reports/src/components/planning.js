// Planning views: interval charts of plan vs actual, the forecast-accuracy table and the
// adherence board. Data come from data/planning.json and data/adherence.json (columns
// once, rows as lists); every ratio is a ratio of summed parts, as on the other pages.
// Accessible: each line has its own dash pattern and marker and a text key (not colour
// alone), and each chart has the same figures as a table under "The same figures as a
// table".

import * as Plot from "@observablehq/plot";
import * as d3 from "d3";
import {html} from "htl";
import * as Inputs from "npm:@observablehq/inputs";
import {resize} from "npm:@observablehq/stdlib";
import {T, dateFormat} from "./i18n.js";
import {formatDate, formatNumber, formatPercent, formatterOf, table} from "./kpi.js";

const finite = (v) => v != null && Number.isFinite(+v);
const DAY = 24 * 3600 * 1000;

/** {columns, rows} (the loaders' compact form) → objects; `date_local` as a UTC date. */
export function unpack(data) {
  const {columns = [], rows = []} = data ?? {};
  return rows.map((r) => {
    const o = Object.fromEntries(columns.map((c, i) => [c, r[i]]));
    if (o.date_local) o.date_local = new Date(o.date_local);
    // a local wall-clock time drawn on a UTC scale (no time-zone shift in the browser)
    if (o.interval_start_local) o.t = new Date(`${o.interval_start_local.replace(" ", "T")}:00Z`);
    return o;
  });
}

/** sum(numerator) / sum(denominator) of `name` over rows; NaN when nothing to divide. */
export function ratioOf(rows, name) {
  const den = d3.sum(rows, (d) => d[`${name}_denominator`]);
  return den > 0 ? d3.sum(rows, (d) => d[`${name}_numerator`]) / den : NaN;
}

/** Two labelled date inputs (From, To) over `days`, defaulting to [from, to]. */
export function periodInput(days, from, to) {
  const [min, max] = d3.extent(days);
  const form = Inputs.form(
    {
      from: Inputs.date({label: T.from, min, max, value: from ?? min}),
      to: Inputs.date({label: T.to, min, max, value: to ?? max})
    },
    {template: (inputs) => html`<div class="filter-dates">${Object.values(inputs)}</div>`}
  );
  form.classList.add("filter", "filter-dates-form");
  form.setAttribute("data-filter", "dates");
  return form;
}

/** A labelled select; its value is the chosen option's value. */
export function selectInput(label, options, {value, format = (d) => d, name} = {}) {
  const input = Inputs.select(options, {label, value, format});
  input.classList.add("filter");
  if (name) input.setAttribute("data-filter", name);
  return input;
}

const DASHES = [null, "6,4", "2,3", "10,3,2,3"];
const SYMBOLS = ["circle", "square", "triangle", "diamond"];
const COLORS = ["#1f5fa8", "#b35900", "#2e7d32", "#6a3d9a"];

/**
 * Lines over interval start times (local wall clock), one per series
 * [{key, label}], each with its own colour, dash pattern and marker; an optional
 * vertical rule where the plan starts (`planFrom`). A table of the same rows follows.
 */
export function intervalChart(rows, {name, title, subtitle, series, kind = "number", planFrom, height = 260}) {
  const fmt = formatterOf(kind);
  const long = series.flatMap((s, i) =>
    rows.filter((d) => finite(d[s.key])).map((d) => ({t: d.t, value: +d[s.key], series: s.label, i, seg: `${i} ${+d.date_local}`}))
  );
  const key = html`<ul class="line-key" aria-label=${T.planning.lineKey}>${series.map(
    (s, i) => html`<li><svg width="34" height="12" aria-hidden="true"><line x1="1" x2="33" y1="6" y2="6"
      stroke=${COLORS[i % 4]} stroke-width="2.5" stroke-dasharray=${DASHES[i % 4]}/></svg> ${s.label}</li>`
  )}</ul>`;
  const tableRows = rows.map((d) => ({interval_start_local: d.interval_start_local, ...Object.fromEntries(series.map((s) => [s.key, d[s.key]]))}));
  const columns = {interval_start_local: {label: T.planning.interval, kind: "localtime"}};
  for (const s of series) columns[s.key] = {label: s.label, kind};
  const days = new Set(rows.map((d) => +d.date_local)).size;
  const figure = html`<figure class="chart card" data-chart=${name} data-points=${long.length}>
    <figcaption><h2>${title}</h2>${subtitle ? html`<p class="chart-subtitle">${subtitle}</p>` : ""}${key}</figcaption>
    ${
      long.length
        ? resize((width) =>
            Plot.plot({
              width: Math.max(width, 240),
              height,
              marginLeft: 48,
              marginBottom: 36,
              x: {type: "utc", label: null, tickFormat: days > 2 ? dateFormat("dayShort") : "%H:%M", ticks: days > 2 ? Math.min(days, 8) : 8},
              y: {label: null, grid: true, zero: kind !== "percent", tickFormat: kind === "percent" ? (v) => formatPercent(v, 0) : undefined},
              color: {domain: series.map((s) => s.label), range: series.map((_, i) => COLORS[i % 4])},
              marks: [
                planFrom ? Plot.ruleX([planFrom], {stroke: "#57606a", strokeDasharray: "2,2"}) : null,
                ...series.map((s, i) =>
                  Plot.line(long.filter((d) => d.i === i), {
                    // one line per day: no line across the closed night
                    x: "t", y: "value", z: "seg", stroke: "series", strokeWidth: 2, strokeDasharray: DASHES[i % 4] ?? undefined
                  })
                ),
                days <= 2
                  ? Plot.dot(long, {x: "t", y: "value", stroke: "series", symbol: (d) => SYMBOLS[d.i % 4], r: 2.5})
                  : null,
                Plot.tip(long, Plot.pointer({x: "t", y: "value", title: (d) => `${d.series}\n${dateFormat("dateTime")(d.t)}: ${fmt(d.value)}`}))
              ]
            })
          )
        : html`<p class="chart-empty">${T.planning.noPlan}</p>`
    }
    <details class="chart-table"><summary>${T.planning.table}</summary>${table(tableRows, {name: `${name}-table`, title: title, columns, rows: 10.5})}</details>
  </figure>`;
  return figure;
}

/** The accuracy table: one row per queue and forecast source, WAPE at three grains and bias. */
export function accuracyTable(daily, weekly, {queueName = (q) => q} = {}) {
  const out = [];
  const queues = d3.sort(new Set([...daily, ...weekly].map((d) => d.queue_id)));
  for (const queue of queues) {
    const days = daily.filter((d) => d.queue_id === queue);
    const weeks = weekly.filter((d) => d.queue_id === queue);
    for (const source of ["model", "baseline", "wfm"]) {
      const row = {
        queue_id: queue,
        queue: queueName(queue),
        source,
        source_label: T.planning.sources[source],
        wape_interval: ratioOf(days, `${source}_wape_interval`),
        wape_day: ratioOf(days, `${source}_wape_daily`),
        wape_week: ratioOf(weeks, `${source}_wape_weekly`),
        bias: ratioOf(days, `${source}_bias`)
      };
      if ([row.wape_interval, row.wape_day, row.wape_week, row.bias].some(finite)) out.push(row);
    }
  }
  const element = table(out, {
    name: "forecast-accuracy",
    title: T.planning.accuracy,
    subtitle: T.planning.accuracyIntro,
    rows: 30,
    columns: {
      queue: {label: T.planning.queue},
      source_label: {label: T.planning.source},
      wape_interval: {label: T.planning.wapeInterval, kind: "percent"},
      wape_day: {label: T.planning.wapeDay, kind: "percent"},
      wape_week: {label: T.planning.wapeWeek, kind: "percent"},
      bias: {label: T.planning.bias, kind: "percent"}
    }
  });
  element.dataset.rows = JSON.stringify(out.map((r) => [r.queue_id, r.source, r.wape_day, r.wape_week, r.bias]));
  return element;
}

/** The latest-day board: scheduled vs actual state now, in adherence now (text + symbol). */
export function adherenceBoard(board) {
  if (!board.length) return html`<p class="chart-empty">${T.noDataYet}</p>`;
  const rows = board.map((d) => ({
    ...d,
    agent: `${d.agent_name ?? d.agent_id} (${d.agent_id})`,
    now: d.is_in_adherence_now ? T.planning.yes : T.planning.no
  }));
  const asOf = board[0].as_of_at ? board[0].as_of_at.slice(11, 16) : "–";
  const element = table(rows, {
    name: "adherence-board",
    title: T.planning.board(formatDate(board[0].date_local instanceof Date ? board[0].date_local : new Date(board[0].date_local))),
    subtitle: T.planning.boardSub(asOf),
    rows: 30,
    columns: {
      agent: {label: T.planning.agent},
      team: {label: T.planning.team},
      scheduled_now: {label: T.planning.scheduledNow},
      state_now: {label: T.planning.stateNow},
      now: {label: T.planning.inAdherenceNow},
      adherence_so_far: {label: T.planning.adherenceSoFar, kind: "percent"}
    }
  });
  return element;
}

export {DAY, formatNumber};
