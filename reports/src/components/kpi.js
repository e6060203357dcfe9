// Report components: KPI tiles, charts, tables, filters and number formats, so a page
// reads like a report. No business logic: every KPI arrives from the marts as an
// additive numerator and denominator; here they are only summed over the rows a filter
// keeps, and divided (a ratio of sums, never an average of ratios).
//
// Imports are explicit and local (node_modules, Framework built-ins): the site must
// build and render with no network.

import * as Plot from "@observablehq/plot";
import * as d3 from "d3";
import {html} from "htl";
import * as Inputs from "npm:@observablehq/inputs";
import {resize} from "npm:@observablehq/stdlib";
import {T, dateFormat, kpiDefinitionText, kpiName, numberFormat} from "./i18n.js";

// ---------------------------------------------------------------------------------------
// number formats

const DASH = "–";
const finite = (v) => v != null && Number.isFinite(+v);

export const formatPercent = (v, digits = 1) => (finite(v) ? numberFormat(`.${digits}%`)(v) : DASH);
export const formatCount = (v) => (finite(v) ? numberFormat(",d")(Math.round(v)) : DASH);
export const formatNumber = (v, digits = 1) => (finite(v) ? numberFormat(`,.${digits}f`)(v) : DASH);

/** Money in euros, as the language writes it: "€1,234.50" (en), "1.234,50 €" (es). */
export const formatCurrency = (v) => (finite(v) ? numberFormat("$,.2f")(v) : DASH);
/** A score (NPS on −100..100, CSAT 1-5, QA 0-100): the number, one decimal, no "%". */
export const formatScore = (v) => (finite(v) ? numberFormat(",.1f")(v) : DASH);
export const formatMinutes = (v) => (finite(v) ? `${numberFormat(",.1f")(v)} min` : DASH);
export const formatHours = (v) => (finite(v) ? `${numberFormat(",.1f")(v)} h` : DASH);

/** Seconds as "42 s" under a minute, "5:07" (m:ss) from a minute on. */
export function formatSeconds(v) {
  if (!finite(v)) return DASH;
  const s = Math.round(v);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  return `${m}:${String(s % 60).padStart(2, "0")}`;
}

/** A target: "80%", "6.5%", "20 s" (no needless decimals). */
export function formatTarget(kind, v) {
  if (!finite(v)) return DASH;
  return kind === "percent" ? numberFormat(".1~%")(v) : kind === "count" ? formatCount(v) : formatterOf(kind)(v);
}

/** A 0-1 difference in percentage points: "+2.1 pts". */
export const formatPoints = (v) => (finite(v) ? `${numberFormat("+.1f")(v * 100)} ${T.points}` : DASH);

const formatDay = dateFormat("day");
const formatDayShort = dateFormat("dayShort");
const formatWeekday = dateFormat("weekday");
export const formatDate = (d) => (d ? formatDay(d) : DASH);
/** "Mon 26 Oct 2026" (es: "lun 26/10/2026"). */
export const formatWeekdayDate = (d) => (d ? dateFormat("weekdayYear")(d) : DASH);
export const isoDate = d3.utcFormat("%Y-%m-%d");
/** A UTC timestamp as "26 Oct 2026 14:05" (es: "26/10/2026 14:05"). */
export const formatDateTime = (d) => (d ? dateFormat("dateTime")(d) : DASH);

/** "1 day", "14 days" (es: "14 días"). */
export const formatDays = (n) => T.days(n);

/** "1-14 Feb 2024" for a period. */
export function formatPeriod({from, to}) {
  if (!from || !to) return DASH;
  return +from === +to ? formatDay(from) : `${formatDayShort(from)} – ${formatDay(to)}`;
}

// ---------------------------------------------------------------------------------------
// sums and ratios over filtered rows

export const sum = (rows, column) => d3.sum(rows, (d) => d[column]);

/** sum(<name>_numerator) / sum(<name>_denominator) over rows; NaN when nothing to divide. */
export function ratio(rows, name) {
  const den = sum(rows, `${name}_denominator`);
  return den > 0 ? sum(rows, `${name}_numerator`) / den : NaN;
}

/**
 * Group rows by keys and compute each named ratio from the group's sums.
 * rollupRatios(rows, ["date_local", "queue_name"], ["service_level"]) →
 *   [{date_local, queue_name, service_level, service_level_numerator, service_level_denominator}, ...]
 */
export function rollupRatios(rows, keys, names, {sums = []} = {}) {
  const groups = d3.flatGroup(rows, ...keys.map((k) => (d) => (d[k] instanceof Date ? +d[k] : d[k])));
  return groups.map((g) => {
    const members = g[keys.length];
    const out = {};
    keys.forEach((k) => (out[k] = members[0][k]));
    for (const name of names) {
      out[`${name}_numerator`] = sum(members, `${name}_numerator`);
      out[`${name}_denominator`] = sum(members, `${name}_denominator`);
      out[name] = out[`${name}_denominator`] > 0 ? out[`${name}_numerator`] / out[`${name}_denominator`] : NaN;
    }
    for (const column of sums) out[column] = sum(members, column);
    return out;
  });
}

/** Each row with its own ratios (numerator / denominator of that row), for tables. */
export function withRatios(rows, names) {
  return rows.map((d) => {
    const out = {...d};
    for (const name of names) {
      const den = d[`${name}_denominator`];
      out[name] = den > 0 ? d[`${name}_numerator`] / den : NaN;
    }
    return out;
  });
}

/** The value of `column` when every row has the same one, else undefined. */
export function sharedValue(rows, column) {
  const values = new Set(rows.map((d) => d[column]).filter(finite).map(Number));
  return values.size === 1 ? [...values][0] : undefined;
}

/**
 * The target of rows: the shared value when all rows have the same one, else the
 * denominator-weighted mean of the rows' targets ({value, blended: true}).
 */
export function blendedTarget(rows, targetOf, weightColumn) {
  const pairs = rows.map((d) => [targetOf(d), d[weightColumn]]).filter(([t]) => finite(t));
  if (!pairs.length) return {value: NaN, blended: false};
  const distinct = new Set(pairs.map(([t]) => +t));
  if (distinct.size === 1) return {value: +pairs[0][0], blended: false};
  const weight = d3.sum(pairs, ([, w]) => w);
  const value = weight > 0 ? d3.sum(pairs, ([t, w]) => t * w) / weight : d3.mean(pairs, ([t]) => t);
  return {value, blended: true};
}

// ---------------------------------------------------------------------------------------
// filters

const DAY = 24 * 3600 * 1000;
const utcDay = (d) => new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));

/** Normalise a {from, to} pick: dates at UTC midnight, swapped if reversed. */
export function period({from, to}) {
  if (!from || !to) return {from, to, days: 0};
  let [a, b] = [utcDay(from), utcDay(to)];
  if (a > b) [a, b] = [b, a];
  return {from: a, to: b, days: Math.round((b - a) / DAY) + 1};
}

/** The period of equal length just before this one. */
export function previousPeriod(p) {
  const {from, days} = period(p);
  if (!days) return {from: undefined, to: undefined, days: 0};
  return {from: new Date(+from - days * DAY), to: new Date(+from - DAY), days};
}

/** Rows whose date (default column date_local) falls in the period, optionally of some queues. */
export function filterRows(rows, {from, to}, {queues, sites, dateColumn = "date_local"} = {}) {
  const a = +from;
  const b = +to;
  const queueSet = queues ? new Set(queues) : null;
  const siteSet = sites ? new Set(sites) : null;
  return rows.filter(
    (d) =>
      +d[dateColumn] >= a &&
      +d[dateColumn] <= b &&
      (!queueSet || queueSet.has(d.queue_id)) &&
      (!siteSet || siteSet.has(d.site_id))
  );
}

/**
 * Two labelled date inputs (From, To) over the days present in rows. The default is
 * the latest `days` days (half the data when there is less), so the tiles have an
 * equally long previous period to compare with.
 */
export function dateRangeInput(rows, {days = 14, dateColumn = "date_local"} = {}) {
  const [min, max] = d3.extent(rows, (d) => d[dateColumn]);
  if (!min) return Inputs.form({from: Inputs.date({label: T.from}), to: Inputs.date({label: T.to})});
  const total = Math.round((max - min) / DAY) + 1;
  const length = Math.max(1, Math.min(days, Math.floor(total / 2) || 1));
  const start = new Date(+max - (length - 1) * DAY);
  const form = Inputs.form(
    {
      from: Inputs.date({label: T.from, min, max, value: start}),
      to: Inputs.date({label: T.to, min, max, value: max})
    },
    {template: (inputs) => html`<div class="filter-dates">${Object.values(inputs)}</div>`}
  );
  form.classList.add("filter", "filter-dates-form");
  form.setAttribute("data-filter", "dates");
  return form;
}

/** Checkboxes to pick queues (all ticked by default); the value is the list of queue ids. */
export function queueInput(queues, {label = T.queues} = {}) {
  const byId = new Map(queues.map((q) => [q.queue_id, q]));
  const input = Inputs.checkbox(
    queues.map((q) => q.queue_id),
    {label, value: queues.map((q) => q.queue_id), format: (id) => byId.get(id)?.queue_name ?? id}
  );
  input.classList.add("filter");
  input.setAttribute("data-filter", "queues");
  return input;
}

/** A labelled select that opens another queue's page. */
export function queueSwitcher(queues, current, {href = (id) => `./${encodeURIComponent(id)}.html`} = {}) {
  const id = `queue-switcher-${Math.random().toString(36).slice(2, 8)}`;
  const select = html`<select id=${id} data-filter="queue">${queues.map(
    (q) => html`<option value=${q.queue_id} selected=${q.queue_id === current}>${q.queue_name ?? q.queue_id}</option>`
  )}</select>`;
  select.addEventListener("change", () => (window.location.href = href(select.value)));
  return html`<div class="filter queue-switcher"><label for=${id}>${T.queue}</label>${select}</div>`;
}

// ---------------------------------------------------------------------------------------
// KPI tiles

/** green: meets the target; amber: within `tolerance` (relative) of it; red: beyond. */
export function statusOf(value, target, direction, tolerance = 0.1) {
  if (!finite(value) || !finite(target) || !direction) return "none";
  if (direction === "higher") return value >= target ? "good" : value >= target * (1 - tolerance) ? "warn" : "bad";
  return value <= target ? "good" : value <= target * (1 + tolerance) ? "warn" : "bad";
}

// status in text and a symbol, never by colour alone
const STATUS_TEXT = {good: `✓ ${T.onTarget}`, warn: `! ${T.nearTarget}`, bad: `✗ ${T.offTarget}`, none: T.noTarget};

/**
 * One KPI tile: value, target with status colour and text, change vs the previous period.
 * kind: "percent" | "seconds" | "count"; direction: "higher" | "lower" | null.
 */
export function kpiTile({
  kpi,
  label,
  value,
  previous,
  target,
  kind = "percent",
  direction = null,
  note,
  previousLabel = T.previousPeriod,
  definition,
  glossaryHref = "./glossary.html"
}) {
  const targetValue = typeof target === "object" && target !== null ? target.value : target;
  const blended = typeof target === "object" && target !== null && target.blended;
  target = targetValue;
  const format = formatterOf(kind);
  const status = statusOf(value, target, direction);
  // no value (e.g. only closed days chosen): nothing to compare, and never a 0
  let deltaText = finite(value) ? T.noPrevious : T.noDataPeriod;
  let deltaClass = "delta-none";
  if (finite(value) && finite(previous)) {
    // a change too small to show at the tile's precision is no change ("■ +0.0 pts")
    const negligible =
      kind === "percent" ? Math.abs(value - previous) < 0.0005 : kind === "seconds" ? Math.abs(value - previous) < 0.5 : false;
    const change = negligible ? 0 : value - previous;
    const arrow = change > 0 ? "▲" : change < 0 ? "▼" : "■";
    const amount =
      kind === "percent"
        ? formatPoints(change)
        : kind === "seconds"
        ? `${change > 0 ? "+" : change < 0 ? "−" : "±"}${formatSeconds(Math.abs(change))}`
        : kind !== "count"
        ? `${change > 0 ? "+" : change < 0 ? "−" : "±"}${format(Math.abs(change))}`
        : previous > 0
        ? `${numberFormat("+.1%")(change / previous)}`
        : `${change >= 0 ? "+" : "−"}${formatCount(Math.abs(change))}`;
    deltaText = `${arrow} ${amount} ${T.vs} ${previousLabel}`;
    const better = direction === "higher" ? change > 0 : direction === "lower" ? change < 0 : null;
    deltaClass = change === 0 || better === null ? "delta-neutral" : better ? "delta-better" : "delta-worse";
  }
  const targetText = finite(target)
    ? `${blended ? T.blendedTarget : T.target} ${formatTarget(kind, target)}`
    : T.noTargetSet;
  return html`<div
    class=${`kpi-tile card status-${status}`}
    id=${`kpi-${kpi}`}
    data-kpi=${kpi}
    data-value=${finite(value) ? String(value) : ""}
    data-previous=${finite(previous) ? String(previous) : ""}
    data-target=${finite(target) ? String(target) : ""}
    data-status=${status}
    title=${definition ? definitionText(definition) : null}
    role="group"
    aria-labelledby=${`kpi-${kpi}-label`}
    aria-describedby=${definition ? `kpi-${kpi}-definition` : null}
  >
    <h2 class="kpi-label" id=${`kpi-${kpi}-label`}>${label}</h2>
    <div class="kpi-value">${format(value)}</div>
    <div class="kpi-target">${targetText}${
      status === "none" ? "" : html` · <span class="kpi-status">${STATUS_TEXT[status]}</span>`
    }</div>
    <div class=${`kpi-delta ${deltaClass}`}>${deltaText}</div>
    ${note ? html`<div class="kpi-note">${note}</div>` : ""}
    ${definition ? kpiDefinition(kpi, definition, glossaryHref) : ""}
  </div>`;
}

/** A catalog entry (marts.dim_kpis) as one line: "Definition. Formula: ...". */
export const definitionText = (entry) => `${kpiDefinitionText(entry)} ${T.formula}: ${entry.formula}.`;

/** The KPI catalog (data/kpis.json) as a map from kpi_key to its entry. */
export const catalogByKey = (catalog) => new Map((catalog ?? []).map((d) => [d.kpi_key, d]));

/** The definition of a tile's KPI, folded, with a link to its glossary entry. */
function kpiDefinition(kpi, entry, glossaryHref) {
  const docs = docsHref(entry, glossaryHref);
  return html`<details class="kpi-definition">
    <summary>${T.definition}</summary>
    <p id=${`kpi-${kpi}-definition`}>${definitionText(entry)}</p>
    <a class="kpi-glossary-link" href=${`${glossaryHref}#kpi-${kpi}`}>${kpiName(entry)} ${T.inGlossary}</a>
    ${docs ? html`<br><a class="kpi-docs-link" href=${docs}>${T.dbtDocs(entry.dbt_model)}</a>` : ""}
  </details>`;
}

/**
 * The dbt docs page (published with the site in _dbt-docs/, next to the language folders)
 * of the mart a KPI is read from: `entry.dbt_project` and `entry.dbt_model` (kpis.json).
 */
export function docsHref(entry, glossaryHref = "./glossary.html") {
  if (!entry?.dbt_project || !entry?.dbt_model) return null;
  const langRoot = glossaryHref.replace(/glossary\.html$/, "");
  return `${langRoot}../_dbt-docs/index.html#!/model/model.${entry.dbt_project}.${entry.dbt_model}`;
}

/**
 * The headline tiles for a set of queue-day rows (and the agent-day rows for
 * occupancy), each against the previous period of equal length.
 */
export function kpiTiles({
  current,
  previous,
  agentsCurrent,
  agentsPrevious,
  queues,
  range,
  occupancyNote,
  catalog,
  glossaryHref = "./glossary.html"
}) {
  const byId = new Map(queues.map((q) => [q.queue_id, q]));
  // each tile's definition comes from the KPI catalog (marts.dim_kpis)
  const entries = catalogByKey(catalog);
  const tileOf = (options) => kpiTile({...options, definition: entries.get(options.kpi), glossaryHref});
  const targetFrom = (column) => (d) => byId.get(d.queue_id)?.[column];
  const previousLabel = formatPeriod(previousPeriod(range));
  const tiles = [
    tileOf({
      kpi: "service_level",
      label: "Service level",
      value: ratio(current, "service_level"),
      previous: ratio(previous, "service_level"),
      target: blendedTarget(current, (d) => d.service_level_target, "service_level_denominator"),
      direction: "higher",
      previousLabel
    }),
    tileOf({
      kpi: "abandonment_rate",
      label: "Abandonment rate",
      value: ratio(current, "abandonment_rate"),
      previous: ratio(previous, "abandonment_rate"),
      target: blendedTarget(current, targetFrom("abandon_rate_target"), "abandonment_rate_denominator"),
      direction: "lower",
      previousLabel
    }),
    tileOf({
      kpi: "short_abandon_rate",
      label: "Short abandon rate",
      value: ratio(current, "short_abandon_rate"),
      previous: ratio(previous, "short_abandon_rate"),
      previousLabel
    }),
    tileOf({
      kpi: "asa_seconds",
      label: "Average speed of answer",
      kind: "seconds",
      value: ratio(current, "asa_seconds"),
      previous: ratio(previous, "asa_seconds"),
      target: blendedTarget(current, targetFrom("asa_target_seconds"), "asa_seconds_denominator"),
      direction: "lower",
      previousLabel
    }),
    tileOf({
      kpi: "aht_seconds",
      label: "Average handle time",
      kind: "seconds",
      value: ratio(current, "aht_seconds"),
      previous: ratio(previous, "aht_seconds"),
      previousLabel
    }),
    tileOf({
      kpi: "calls_offered",
      label: "Calls offered",
      kind: "count",
      // no calls at all (closed days only): "–", like the other tiles
      value: current.some((d) => d.calls_offered > 0) ? sum(current, "calls_offered") : NaN,
      previous: previous.some((d) => d.calls_offered > 0) ? sum(previous, "calls_offered") : NaN,
      previousLabel
    }),
    tileOf({
      kpi: "occupancy",
      label: "Occupancy",
      value: ratio(agentsCurrent, "occupancy"),
      previous: ratio(agentsPrevious, "occupancy"),
      note: occupancyNote,
      previousLabel
    })
  ];
  const p = period(range);
  return html`<section
    class="kpi-grid"
    aria-label="Key figures"
    data-from=${p.from ? isoDate(p.from) : ""}
    data-to=${p.to ? isoDate(p.to) : ""}
    data-queues=${[...new Set(current.map((d) => d.queue_id))].sort().join(",")}
  >${tiles}</section>`;
}

// ---------------------------------------------------------------------------------------
// charts (Plot, resized to their container)
//
// Daily charts put days on a UTC time scale (one slot per calendar day, the value at the
// slot's centre, ticks on whole days only), over every day of the period the filter
// chose. A day without calls (the center is closed on Sundays) has no row in the marts:
// it stays an empty slot, a gap in a line, a blank heatmap row; never a zero.

const HALF_DAY = DAY / 2;
// A chart is drawn at least MIN_CHART_WIDTH px wide (the browser scales a wider SVG down
// to its container), and its margins leave the marks at least MIN_PLOT_WIDTH px: an SVG
// laid out narrower than its margins gets negative rect widths and reversed ranges.
const MIN_CHART_WIDTH = 240;
const MIN_PLOT_WIDTH = 120;
const DAY_LABEL_WIDTH = 46; // px a two-line "Mon / 26 Oct" tick label needs
const MAX_BAR_WIDTH = 80; // px
const formatTickDay = dateFormat("tick");

const tickFormatOf = (kind) =>
  kind === "percent"
    ? (v) => numberFormat(".0%")(v)
    : kind === "seconds"
    ? formatSeconds
    : kind === "currency"
    ? (v) => numberFormat("$,~r")(v)
    : (v) => numberFormat("~s")(v);
/** Tick values at whole minutes (or nice second steps) for a seconds axis from 0 to max. */
function secondsTicks(max) {
  const steps = [5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600];
  const step = steps.find((s) => max / s <= 6) ?? 3600;
  return d3.range(0, max + step, step);
}
const tipFormatOf = (kind) => formatterOf(kind);
/** The formatter of a kind: percent, seconds, count, number. */
export const formatterOf = (kind) =>
  ({
    percent: formatPercent,
    seconds: formatSeconds,
    number: (v) => formatNumber(v, 2),
    currency: formatCurrency,
    score: formatScore,
    minutes: formatMinutes,
    hours: formatHours
  })[kind] ?? formatCount;

/** Every day (UTC midnight) of a period, first to last. */
export function daysOf(p) {
  const {from, to, days} = period(p ?? {});
  return days ? d3.utcDay.range(from, new Date(+to + DAY)) : [];
}

/** The period a daily chart spans: the filter's when given, else the rows' first to last day. */
function chartPeriod(rows, column, p) {
  if (p?.from && p?.to) return period(p);
  const [from, to] = d3.extent(rows, (d) => d[column]);
  return period({from, to});
}

/** Margins that leave the marks at least MIN_PLOT_WIDTH px of `width`. */
function fitMargins(width, marginLeft, marginRight) {
  const spare = width - MIN_PLOT_WIDTH;
  if (marginLeft + marginRight <= spare) return {marginLeft, marginRight};
  const k = Math.max(0, spare) / (marginLeft + marginRight);
  return {marginLeft: Math.floor(marginLeft * k), marginRight: Math.floor(marginRight * k)};
}

/**
 * The x scale of a daily chart: UTC time over the period's days, each day a slot
 * centred on its midnight; ticks on days only ("Mon / 26 Oct"), thinned so labels never
 * overlap: every day, every 2nd or 3rd day, then Mondays (weekly, fortnightly, ...).
 */
function dayScale(days, plotWidth) {
  const perDay = plotWidth / Math.max(1, days.length);
  const every = Math.ceil(DAY_LABEL_WIDTH / perDay);
  let ticks;
  if (every <= 1) ticks = days;
  else if (every <= 3) ticks = days.filter((_, i) => i % every === 0);
  else {
    const weeks = Math.ceil(every / 7);
    ticks = days.filter((d) => d.getUTCDay() === 1).filter((_, i) => i % weeks === 0);
    if (!ticks.length) ticks = days.slice(0, 1);
  }
  return {
    type: "utc",
    domain: days.length ? [new Date(+days[0] - HALF_DAY), new Date(+days[days.length - 1] + HALF_DAY)] : undefined,
    ticks,
    tickFormat: formatTickDay,
    label: null
  };
}

/**
 * The y scale of a daily chart of `kind` over `values` (and the target): percentages
 * span at least 10 points, so one day or a flat series is not blown up to fill the
 * chart; seconds start at 0 with ticks on whole minutes; nice bounds with labelled ends.
 */
function valueScale(kind, values, target, height) {
  const ticks = Math.max(3, Math.round(height / 45));
  const all = [...values, target].filter(finite).map(Number);
  if (kind === "seconds") {
    const secondTicks = secondsTicks(d3.max(all) || 60);
    return {domain: [0, secondTicks[secondTicks.length - 1]], ticks: secondTicks};
  }
  if (kind !== "percent" || !all.length) return {zero: true, nice: ticks, ticks};
  let [lo, hi] = d3.extent(all);
  if (hi - lo < 0.1) {
    const mid = (lo + hi) / 2;
    [lo, hi] = [mid - 0.05, mid + 0.05];
    if (lo < 0) [lo, hi] = [0, 0.1];
    if (hi > 1) [lo, hi] = [0.9, 1];
  }
  const domain = d3.nice(lo, hi, ticks);
  return {domain: [Math.max(0, domain[0]), Math.min(1, domain[1])], ticks};
}

/** Sentences joined: "Answered within the threshold. Dashed line: target 80%." */
const sentences = (...parts) =>
  parts
    .filter(Boolean)
    .map((t) => String(t).trim().replace(/\.$/, ""))
    .join(". ") + (parts.some(Boolean) ? "." : "");

function chartFigure(name, title, subtitle, render, {empty = false, attributes = {}} = {}) {
  const figure = html`<figure class="chart card" data-chart=${name}>
    <figcaption><h2>${title}</h2>${subtitle ? html`<p class="chart-subtitle">${subtitle}</p>` : ""}</figcaption>
    ${empty ? html`<p class="chart-empty">${T.noData}</p>` : resize((width) => render(Math.max(width, MIN_CHART_WIDTH)))}
  </figure>`;
  for (const [key, value] of Object.entries(attributes)) figure.setAttribute(`data-${key}`, value);
  return figure;
}

/**
 * Daily lines, one per z, over every day of `period` (default: the rows' days). A day
 * with no value (no calls) breaks the line; a dot marks each day that has one (only the
 * isolated ones when the period is long). Optional dashed target rule.
 */
export function lineChart(rows, {name = "line", title, subtitle, x, y, z, kind = "percent", target, height = 280, yLabel = null, period: chosen}) {
  const p = chartPeriod(rows, x, chosen);
  const days = daysOf(p);
  const inPeriod = rows.filter((d) => finite(d[y]) && +d[x] >= +p.from && +d[x] <= +p.to);
  // one row per series per day of the period; NaN where the series has no value
  const series = z ? d3.group(inPeriod, (d) => d[z]) : new Map([[null, inPeriod]]);
  const filled = [];
  const dots = [];
  for (const [key, members] of series) {
    const byDay = new Map(members.map((d) => [+d[x], d]));
    const line = days.map((day) => byDay.get(+day) ?? {[x]: day, [y]: NaN, ...(z ? {[z]: key} : {})});
    filled.push(...line);
    const has = (i) => i >= 0 && i < line.length && finite(line[i][y]);
    line.forEach((d, i) => {
      if (has(i) && (days.length <= 45 || (!has(i - 1) && !has(i + 1)))) dots.push(d);
    });
  }
  const targetNote = finite(target) ? `${T.dashedTarget} ${formatTarget(kind, target)}` : "";
  const notes = sentences(subtitle, targetNote, T.daysBlank);
  return chartFigure(
    name,
    title,
    notes,
    (width) => {
      const margins = fitMargins(width, 48, 20);
      return Plot.plot({
        width,
        height,
        ...margins,
        marginBottom: 40,
        x: dayScale(days, width - margins.marginLeft - margins.marginRight),
        y: {
          label: yLabel,
          grid: true,
          tickFormat: tickFormatOf(kind),
          ...valueScale(kind, inPeriod.map((d) => d[y]), target, height)
        },
        color: z ? {legend: true, label: null} : undefined,
        marks: [
          finite(target) ? Plot.ruleY([target], {stroke: "#57606a", strokeDasharray: "4,3"}) : null,
          Plot.line(filled, {x, y, z: z ?? null, stroke: z ?? "currentColor", strokeWidth: 2}),
          Plot.dot(dots, {x, y, stroke: z ?? "currentColor", fill: "white", r: 3.5, strokeWidth: 1.5}),
          Plot.tip(
            inPeriod,
            Plot.pointer({x, y, stroke: z, title: (d) => `${z ? `${d[z]}\n` : ""}${formatWeekdayDate(d[x])}: ${tipFormatOf(kind)(d[y])}`})
          )
        ]
      });
    },
    {empty: inPeriod.length === 0, attributes: {days: days.length, from: p.from ? isoDate(p.from) : "", to: p.to ? isoDate(p.to) : ""}}
  );
}

/**
 * Bars. Daily bars (x is a date column): one slot per day of `period` on a UTC time
 * scale, days without calls left empty. Horizontal bars (`horizontal`; y is then the
 * category): a band scale over the categories, with optional per-bar target ticks.
 */
export function barChart(rows, {name = "bar", title, subtitle, x, y, fill, kind = "percent", target, horizontal = false, height, fillColor = "#2f6db5", period: chosen}) {
  const value = horizontal ? x : y;
  const category = horizontal ? y : x;
  const shown = rows.filter((d) => finite(d[value]));
  const targetNote =
    typeof target === "string" ? T.blackTick : finite(target) ? `${T.dashedTarget} ${formatTarget(kind, target)}` : "";
  if (!horizontal) return dailyBarChart(shown, {name, title, subtitle, x, y, fill, kind, target, height, fillColor, chosen, targetNote});
  const h = height ?? Math.max(120, 48 * new Set(shown.map((d) => d[category])).size + 40);
  const targets = typeof target === "string" ? shown.map((d) => d[target]) : [target];
  const xMax = d3.max([...shown.map((d) => d[value]), ...targets].filter(finite).map(Number)) || (kind === "percent" ? 0.01 : 1);
  const targetMark =
    typeof target === "string"
      ? Plot.tickX(shown.filter((d) => finite(d[target])), {x: target, y: category, stroke: "#1f2328", strokeWidth: 3})
      : finite(target)
      ? Plot.ruleX([target], {stroke: "#57606a", strokeDasharray: "4,3"})
      : null;
  return chartFigure(
    name,
    title,
    sentences(subtitle, targetNote),
    (width) =>
      Plot.plot({
        width,
        height: h,
        ...fitMargins(width, 150, 24),
        // from 0 to the largest value or target (never a collapsed [0, 0] when all are 0)
        x: {label: null, grid: true, nice: true, tickFormat: tickFormatOf(kind), domain: [0, xMax]},
        y: {label: null},
        marks: [
          Plot.barX(shown, {x, y, fill: fill ?? fillColor, sort: {y: "-x"}}),
          targetMark,
          Plot.ruleX([0]),
          Plot.tip(
            shown,
            Plot.pointerY({
              x,
              y,
              title: (d) =>
                `${d[category]}: ${tipFormatOf(kind)(d[value])}` +
                (typeof target === "string" && finite(d[target]) ? ` (target ${tipFormatOf(kind)(d[target])})` : "")
            })
          )
        ]
      }),
    {empty: shown.length === 0}
  );
}

function dailyBarChart(rows, {name, title, subtitle, x, y, fill, kind, target, height = 260, fillColor, chosen, targetNote}) {
  const p = chartPeriod(rows, x, chosen);
  const days = daysOf(p);
  const inPeriod = rows.filter((d) => +d[x] >= +p.from && +d[x] <= +p.to);
  const notes = sentences(subtitle, targetNote, T.daysBlank);
  return chartFigure(
    name,
    title,
    notes,
    (width) => {
      const margins = fitMargins(width, 48, 20);
      const plotWidth = width - margins.marginLeft - margins.marginRight;
      const slot = plotWidth / Math.max(1, days.length);
      const inset = Math.max(slot * 0.12, (slot - MAX_BAR_WIDTH) / 2); // a gap between bars; no slab for one day
      return Plot.plot({
        width,
        height,
        ...margins,
        marginBottom: 40,
        x: dayScale(days, plotWidth),
        y: {
          label: null,
          grid: true,
          tickFormat: tickFormatOf(kind),
          // bars start at 0
          ...valueScale(kind, [0, ...inPeriod.map((d) => d[y]), ...(typeof target === "string" ? inPeriod.map((d) => d[target]) : [])], typeof target === "string" ? undefined : target, height)
        },
        marks: [
          Plot.rect(inPeriod, {
            x1: (d) => new Date(+d[x] - HALF_DAY),
            x2: (d) => new Date(+d[x] + HALF_DAY),
            y1: 0,
            y2: y,
            insetLeft: inset,
            insetRight: inset,
            fill: fill ?? fillColor
          }),
          typeof target === "string"
            ? Plot.ruleY(inPeriod.filter((d) => finite(d[target])), {
                x1: (d) => new Date(+d[x] - HALF_DAY),
                x2: (d) => new Date(+d[x] + HALF_DAY),
                y: target,
                insetLeft: inset,
                insetRight: inset,
                stroke: "#1f2328",
                strokeWidth: 3
              })
            : finite(target)
            ? Plot.ruleY([target], {stroke: "#57606a", strokeDasharray: "4,3"})
            : null,
          Plot.ruleY([0]),
          Plot.tip(
            inPeriod,
            Plot.pointerX({
              x,
              y,
              title: (d) =>
                `${formatWeekdayDate(d[x])}: ${tipFormatOf(kind)(d[y])}` +
                (typeof target === "string" && finite(d[target]) ? ` (target ${tipFormatOf(kind)(d[target])})` : "")
            })
          )
        ]
      });
    },
    {empty: inPeriod.length === 0, attributes: {days: days.length, from: p.from ? isoDate(p.from) : "", to: p.to ? isoDate(p.to) : ""}}
  );
}

/**
 * Cells coloured by a 0-1 ratio, diverging around the target when there is one. When
 * y is a date column, the rows are every day of `period` (a day without calls is a
 * blank row); `xDomain` fixes the columns (e.g. every interval of the day).
 */
export function heatmap(rows, {name = "heatmap", title, subtitle, x, y, fill, kind = "percent", target, height, yFormat, xDomain, period: chosen, marginLeft, legendNote: note}) {
  const shown = rows.filter((d) => finite(d[fill]));
  const daily = shown.some((d) => d[y] instanceof Date);
  const yDomain = daily ? daysOf(chartPeriod(shown, y, chosen)) : undefined;
  const xs = xDomain ?? d3.sort(new Set(shown.map((d) => d[x])));
  const ys = yDomain ? yDomain.length : new Set(shown.map((d) => d[y])).size;
  const h = height ?? Math.max(140, (ys > 14 ? 20 : 26) * ys + 74);
  const legendNote = note ?? (finite(target) ? T.heatTarget(formatTarget(kind, target)) : T.heatBlank);
  return chartFigure(
    name,
    title,
    sentences(subtitle, legendNote),
    (width) => {
      const margins = fitMargins(width, marginLeft ?? (daily ? 90 : 150), 16);
      const column = (width - margins.marginLeft - margins.marginRight) / Math.max(1, xs.length);
      // label every column when there is room, else the full hours only
      const xTicks = column >= 16 ? xs : xs.filter((t, i) => String(t).endsWith(":00") || (i === 0 && !xs.some((u) => String(u).endsWith(":00"))));
      return Plot.plot({
        width,
        height: h,
        ...margins,
        marginBottom: 44,
        padding: 0.04,
        x: {label: null, tickRotate: -45, type: "band", domain: xs, ticks: xTicks},
        y: {
          label: null,
          type: "band",
          ...(yDomain ? {domain: yDomain} : {}),
          tickFormat: yFormat ?? ((v) => (v instanceof Date ? formatWeekday(v) : v))
        },
        color: {
          // red below the target, yellow at it, blue above; saturated 30 points below
          ...(finite(target)
            ? {
                type: "linear",
                domain: [Math.max(0, target - 0.3), (Math.max(0, target - 0.3) + target) / 2, target, (target + 1) / 2, 1],
                range: ["#b2182b", "#f46d43", "#fee090", "#abd9e9", "#2c7bb6"],
                clamp: true
              }
            : {scheme: "YlGnBu", ...(kind === "percent" ? {domain: [0, 1]} : {})}),
          legend: true,
          label: null,
          tickFormat: tickFormatOf(kind)
        },
        marks: [
          Plot.cell(shown, {x, y, fill, inset: column >= 4 ? 0.5 : 0}),
          Plot.tip(shown, Plot.pointer({x, y, title: (d) => `${d[y] instanceof Date ? formatWeekdayDate(d[y]) : d[y]} ${d[x]}: ${tipFormatOf(kind)(d[fill])}`}))
        ]
      });
    },
    {empty: shown.length === 0}
  );
}

/** A sortable table; `columns` maps a column to {label, kind}. */
export function table(rows, {name = "table", title, subtitle, columns, rows: visibleRows = 14.5, formats = {}}) {
  const keys = Object.keys(columns);
  const formatters = {
    percent: (v) => formatPercent(v),
    seconds: (v) => formatSeconds(v),
    count: (v) => formatCount(v),
    number: (v) => formatNumber(v, 2),
    currency: (v) => formatCurrency(v),
    score: (v) => formatScore(v),
    minutes: (v) => formatMinutes(v),
    hours: (v) => formatHours(v),
    date: (v) => formatDate(v),
    datetime: (v) => formatDateTime(v),
    // a local wall-clock time as the marts write it ("2026-10-26 08:00"), in the page's format
    localtime: (v) => {
      const m = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}:\d{2})/.exec(String(v ?? ""));
      return m ? `${formatDate(new Date(Date.UTC(+m[1], +m[2] - 1, +m[3])))} ${m[4]}` : v;
    },
    text: (v) => v,
    ...formats
  };
  const element = Inputs.table(rows, {
    columns: keys,
    header: Object.fromEntries(keys.map((k) => [k, columns[k].label ?? k])),
    format: Object.fromEntries(keys.map((k) => [k, formatters[columns[k].kind ?? "text"]])),
    align: Object.fromEntries(keys.map((k) => [k, ["text", "localtime"].includes(columns[k].kind ?? "text") ? "left" : "right"])),
    rows: visibleRows,
    select: false,
    layout: "auto"
  });
  return html`<figure class="table card" data-table=${name}>
    <figcaption><h2>${title}</h2>${subtitle ? html`<p class="chart-subtitle">${subtitle}</p>` : ""}</figcaption>
    ${rows.length ? element : html`<p class="chart-empty">${T.noData}</p>`}
  </figure>`;
}
