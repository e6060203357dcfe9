// Catalog-driven views: tiles, trends, movers and breakdowns for any KPI of the KPI
// catalog, read from data/kpi_values.csv (every available KPI as additive parts per
// model, day and dimension; src/data/_catalog.py). No KPI is named here: a KPI mart
// added later, with its catalog rows, shows on its family page and drill-downs as is.

import * as d3 from "d3";
import {html} from "htl";
import * as Inputs from "npm:@observablehq/inputs";
import {T, channelName, kpiDefinitionText, kpiName} from "./i18n.js";
import {
  blendedTarget, dateRangeInput, definitionText, formatPercent, formatPeriod, formatterOf, isoDate, kpiTile, lineChart,
  period, previousPeriod, statusOf, table
} from "./kpi.js";

const DAY = 24 * 3600 * 1000;
const finite = (v) => v != null && Number.isFinite(+v);

// The KPIs the executive overview leads with, in order, when the warehouse has them
// (keys of the catalog; a key the catalog lacks is skipped).
export const HEADLINE = [
  "service_level", "abandonment_rate", "short_abandon_rate", "asa_seconds", "aht_seconds", "calls_offered", "occupancy",
  "fcr_rate", "csat_rate", "nps_score", "self_service_containment_rate", "conversion_rate", "cost_per_contact",
  "adherence", "model_wape_daily", "qa_score"
];

// Per-queue targets of marts.dim_queues (seeds/queue_config.csv), by KPI.
const QUEUE_TARGETS = {abandonment_rate: "abandon_rate_target", asa_seconds: "asa_target_seconds"};

// catalog unit → how the site writes the value (kpi.js formatterOf)
const KIND = {ratio: "percent", seconds: "seconds", count: "count", currency: "currency", score: "score", minutes: "minutes", hours: "hours"};
export const kindOf = (entry) => KIND[entry?.unit] ?? "number";
export const directionOf = (entry) =>
  entry?.direction === "higher_is_better" ? "higher" : entry?.direction === "lower_is_better" ? "lower" : null;

const DIM_LABEL = () => ({queue_id: T.queue, channel: T.channel, site_id: T.site, agent_id: T.agent, team: T.team});

/**
 * The values indexed once per page: kpi → model → rows (dates as UTC midnights).
 */
export function indexValues(values) {
  const index = new Map();
  for (const d of values) {
    if (!index.has(d.kpi_key)) index.set(d.kpi_key, new Map());
    const byModel = index.get(d.kpi_key);
    if (!byModel.has(d.model)) byModel.set(d.model, []);
    byModel.get(d.model).push(d);
  }
  return index;
}

/** The model to read a KPI from: the first of its sources with every `needs` dimension, else the first. */
export function sourceOf(entry, needs = []) {
  const sources = entry?.sources ?? [];
  return sources.find((s) => needs.every((n) => s.dimensions.includes(n))) ?? sources[0];
}

/** The KPI's value over rows of one model: a ratio of sums, a sum or a maximum; NaN with nothing to show. */
export function measure(rows, entry) {
  if (!rows.length) return NaN;
  if (entry.aggregation === "ratio") {
    const den = d3.sum(rows, (d) => d.denominator);
    // scale: the mart's factor (NPS is 100 × (promoters − detractors) / responses)
    return den > 0 ? ((entry.scale ?? 1) * d3.sum(rows, (d) => d.numerator)) / den : NaN;
  }
  const present = rows.filter((d) => finite(d.numerator));
  if (!present.length) return NaN;
  return entry.aggregation === "max" ? d3.max(present, (d) => +d.numerator) : d3.sum(present, (d) => +d.numerator);
}

/**
 * The rows of one KPI and model that the filters keep. A filter on a dimension the model
 * does not have (occupancy is per agent, not per queue) does not apply; `ignored` lists
 * those dimensions when the filter narrows anything.
 * filters: {from, to, queues, channels, sites}; fixed: {queue_id | channel | team | agent_id: value}.
 */
export function rowsOf(index, entry, source, filters, fixed = {}) {
  const rows = index.get(entry.kpi_key)?.get(source?.model) ?? [];
  const dims = new Set(source?.dimensions ?? []);
  const a = +filters.from;
  const b = +filters.to;
  const sets = {
    queue_id: filters.queues && filters.allQueues && filters.queues.length < filters.allQueues ? new Set(filters.queues) : null,
    channel: filters.channels && filters.allChannels && filters.channels.length < filters.allChannels ? new Set(filters.channels) : null,
    site_id: filters.sites && filters.allSites && filters.sites.length < filters.allSites ? new Set(filters.sites) : null
  };
  const ignored = Object.keys(sets).filter((k) => sets[k] && !dims.has(k));
  const checks = Object.entries(sets).filter(([k, set]) => set && dims.has(k));
  const fixedChecks = Object.entries(fixed).filter(([, v]) => v != null);
  // a weekly or monthly row counts when its week or month overlaps the period (D160)
  const kept = rows.filter(
    (d) =>
      +d.date_end >= a &&
      +d.date_local <= b &&
      checks.every(([k, set]) => set.has(String(d[k]))) &&
      fixedChecks.every(([k, v]) => String(d[k]) === String(v))
  );
  return {rows: kept, ignored};
}

/** The target of a KPI over rows: the rows' own target column, a per-queue target, else the catalog's default. */
function targetOf(entry, rows, queuesById) {
  const weight = entry.aggregation === "ratio" ? "denominator" : "numerator";
  if (rows.some((d) => finite(d.target))) return blendedTarget(rows, (d) => d.target, weight);
  const column = QUEUE_TARGETS[entry.kpi_key];
  if (column && queuesById && rows.some((d) => finite(queuesById.get(String(d.queue_id))?.[column]))) {
    return blendedTarget(rows, (d) => queuesById.get(String(d.queue_id))?.[column], weight);
  }
  return finite(entry.default_target) ? {value: +entry.default_target, blended: false} : {value: NaN, blended: false};
}

/** The previous period of equal length of a filter value. */
export const previousOf = (filters) => ({...filters, ...previousPeriod(period(filters))});

/** Value, previous value, target and status of one KPI under the filters. */
export function evaluate(index, entry, filters, {fixed = {}, needs = [], queuesById} = {}) {
  const source = sourceOf(entry, needs);
  const {rows, ignored} = rowsOf(index, entry, source, filters, fixed);
  let before = rowsOf(index, entry, source, previousOf(filters), fixed).rows;
  // a weekly or monthly KPI whose previous period falls in the same weeks or months has
  // nothing earlier to compare with (not a change of ±0)
  const same = new Set(rows);
  if (source?.grain && source.grain !== "day" && before.every((d) => same.has(d))) before = [];
  const value = measure(rows, entry);
  const previous = measure(before, entry);
  const target = targetOf(entry, rows, queuesById);
  return {entry, source, rows, ignored, value, previous, target, status: statusOf(value, target.value, directionOf(entry))};
}

/** One tile per KPI, from the catalog; a KPI the warehouse has no mart for says "No data yet". */
export function catalogTiles({catalog, index, keys, filters, fixed = {}, needs = [], queues = [], glossaryHref, label = T.keyFigures}) {
  const byKey = new Map(catalog.map((d) => [d.kpi_key, d]));
  const queuesById = new Map(queues.map((q) => [String(q.queue_id), q]));
  const p = period(filters);
  const previousLabel = formatPeriod(previousPeriod(p));
  const tiles = keys
    .map((k) => byKey.get(k))
    .filter(Boolean)
    .map((entry) => {
      if (!entry.available) return noDataTile(entry, glossaryHref);
      const r = evaluate(index, entry, filters, {fixed, needs, queuesById});
      const dimLabels = DIM_LABEL();
      const tile = kpiTile({
        kpi: entry.kpi_key,
        label: kpiName(entry),
        value: r.value,
        previous: r.previous,
        target: r.target,
        kind: kindOf(entry),
        direction: directionOf(entry),
        previousLabel,
        definition: entry,
        glossaryHref,
        note: r.ignored.length ? T.notBy(r.ignored.map((d) => dimLabels[d].toLowerCase()).join(", ")) : null
      });
      // the mart the value comes from (the browser tests query it)
      tile.dataset.model = r.source?.model ?? "";
      tile.dataset.kind = kindOf(entry);
      return tile;
    });
  const queuesShown = [...new Set(
    keys.flatMap((k) => {
      const entry = byKey.get(k);
      if (!entry?.available) return [];
      const source = sourceOf(entry, needs);
      if (!source?.dimensions.includes("queue_id")) return [];
      return rowsOf(index, entry, source, filters, fixed).rows.map((d) => String(d.queue_id));
    })
  )].sort();
  return html`<section
    class="kpi-grid"
    aria-label=${label}
    data-from=${p.from ? isoDate(p.from) : ""}
    data-to=${p.to ? isoDate(p.to) : ""}
    data-queues=${queuesShown.join(",")}
  >${tiles}</section>`;
}

function noDataTile(entry, glossaryHref) {
  return html`<div class="kpi-tile card status-none kpi-nodata" data-kpi=${entry.kpi_key} data-value="" data-nodata="true"
    role="group" aria-labelledby=${`kpi-${entry.kpi_key}-label`}>
    <h2 class="kpi-label" id=${`kpi-${entry.kpi_key}-label`}>${kpiName(entry)}</h2>
    <div class="kpi-value">–</div>
    <div class="kpi-target"><strong>${T.noDataYet}</strong></div>
    <div class="kpi-note">${T.noDataYetNote}</div>
    <a class="kpi-glossary-link" href=${`${glossaryHref}#kpi-${entry.kpi_key}`}>${T.definition}</a>
  </div>`;
}

/** A daily trend of one KPI under the filters (one line, or one per `by` dimension value). */
export function kpiTrend(index, entry, filters, {fixed = {}, needs = [], queues = [], by, byLabel = (v) => v, name} = {}) {
  const queuesById = new Map(queues.map((q) => [String(q.queue_id), q]));
  const source = sourceOf(entry, needs);
  const {rows} = rowsOf(index, entry, source, filters, fixed);
  // a weekly or monthly KPI: one point per week or month, from the first that overlaps
  const coarse = source?.grain && source.grain !== "day";
  const shownPeriod = coarse && rows.length ? period({from: d3.min(rows, (d) => d.date_local), to: filters.to}) : period(filters);
  const keys = by && source?.dimensions.includes(by) ? [(d) => +d.date_local, (d) => byLabel(d[by])] : [(d) => +d.date_local];
  const data = d3.flatRollup(rows, (g) => measure(g, entry), ...keys).map(([day, a, b]) =>
    keys.length === 2 ? {date_local: new Date(day), series: a, value: b} : {date_local: new Date(day), value: a}
  );
  const target = targetOf(entry, rows, queuesById);
  const figure = lineChart(data, {
    name: name ?? `trend-${entry.kpi_key}`,
    title: kpiName(entry),
    subtitle: (({week: T.byWeek, month: T.byMonth})[source?.grain] ?? T.byDay).replace(/^./, (c) => c.toUpperCase()),
    x: "date_local",
    y: "value",
    z: keys.length === 2 ? "series" : undefined,
    kind: kindOf(entry),
    target: target.blended ? undefined : target.value,
    period: shownPeriod,
    height: 220
  });
  // the chart's KPI definition, from the catalog, as its title's tooltip and description
  const heading = figure.querySelector("figcaption h2");
  if (heading) heading.title = definitionText(entry);
  figure.dataset.kpi = entry.kpi_key;
  figure.setAttribute("aria-description", definitionText(entry));
  return figure;
}

/**
 * What moved most: every available default KPI (variants left out) with its change
 * against the previous period, largest relative change first.
 */
export function movers(index, catalog, filters, {fixed = {}, needs = [], queues = [], glossaryHref, limit = 6} = {}) {
  const queuesById = new Map(queues.map((q) => [String(q.queue_id), q]));
  const rows = catalog
    .filter((e) => e.available && !e.variant_of)
    .map((entry) => evaluate(index, entry, filters, {fixed, needs, queuesById}))
    .filter((r) => finite(r.value) && finite(r.previous) && r.previous !== 0 && r.value !== r.previous)
    .map((r) => ({...r, relative: (r.value - r.previous) / Math.abs(r.previous)}))
    .sort((a, b) => Math.abs(b.relative) - Math.abs(a.relative))
    .slice(0, limit);
  const dir = (r) => {
    const d = directionOf(r.entry);
    if (!d) return "neutral";
    return (d === "higher") === r.value > r.previous ? "better" : "worse";
  };
  return html`<section class="movers card" aria-labelledby="movers-title" data-movers=${rows.length}>
    <h2 id="movers-title">${T.moved}</h2>
    <p class="chart-subtitle">${T.movedNote}</p>
    ${rows.length
      ? html`<ol class="movers-list">${rows.map((r) => {
          const fmt = formatterOf(kindOf(r.entry));
          const d = dir(r);
          const arrow = r.value > r.previous ? "▲" : "▼";
          return html`<li data-kpi=${r.entry.kpi_key} class=${`mover mover-${d}`}>
            <a href=${`${glossaryHref}#kpi-${r.entry.kpi_key}`} title=${kpiDefinitionText(r.entry)}>${kpiName(r.entry)}</a>
            <span class="mover-values">${fmt(r.previous)} → <strong>${fmt(r.value)}</strong></span>
            <span class="mover-change">${arrow} ${formatPercent(r.relative, 0)}${d === "neutral" ? "" : html` · <span class="mover-verdict">${d === "better" ? T.better : T.worse}</span>`}</span>
          </li>`;
        })}</ol>`
      : html`<p class="chart-empty">${T.noData}</p>`}
  </section>`;
}

/**
 * A table of KPIs by a dimension (queue, agent, ...): one row per value of `by`, one
 * column per KPI read from a model with that dimension.
 */
export function breakdownTable(index, entries, filters, {by, byLabel = (v) => v, fixed = {}, name = "breakdown", title, subtitle} = {}) {
  const usable = entries.filter((e) => e.available && sourceOf(e, [by])?.dimensions.includes(by));
  const rowsBy = new Map();
  for (const entry of usable) {
    const {rows} = rowsOf(index, entry, sourceOf(entry, [by]), filters, fixed);
    for (const [key, group] of d3.group(rows, (d) => String(d[by]))) {
      if (!rowsBy.has(key)) rowsBy.set(key, {[by]: byLabel(key), _key: key});
      rowsBy.get(key)[entry.kpi_key] = measure(group, entry);
    }
  }
  const columns = {[by]: {label: DIM_LABEL()[by] ?? by}};
  for (const entry of usable) columns[entry.kpi_key] = {label: kpiName(entry), kind: kindOf(entry)};
  return table(d3.sort([...rowsBy.values()], (d) => d[by]), {name, title, subtitle, columns});
}

/**
 * The filter bar: date range over the values' days, and checkboxes for queues, channels
 * and sites (all ticked by default). Its value: {from, to, queues, channels, sites,
 * allQueues, allChannels, allSites} (the all* counts tell a narrowing filter apart).
 */
export function filterBar(values, dims, {show = ["queues", "channels", "sites"]} = {}) {
  // the period is picked among the days of daily rows: a monthly mart's year of history
  // (headcount) must not stretch the default period past the days with contacts
  const daily = values.filter((d) => d.grain == null || d.grain === "" || d.grain === "day");
  const dates = dateRangeInput(daily.length ? daily : values);
  const inputs = {dates};
  const checkbox = (items, key, label, format) => {
    const input = Inputs.checkbox(items.map((d) => String(d[key])), {label, value: items.map((d) => String(d[key])), format});
    input.classList.add("filter");
    input.setAttribute("data-filter", label);
    return input;
  };
  const queueName = new Map(dims.queues.map((q) => [String(q.queue_id), q.queue_name ?? q.queue_id]));
  if (show.includes("queues") && dims.queues.length) inputs.queues = checkbox(dims.queues, "queue_id", T.queues, (id) => queueName.get(id) ?? id);
  if (show.includes("channels") && dims.channels.length) inputs.channels = checkbox(dims.channels, "channel", T.channels, channelName);
  if (show.includes("sites") && dims.sites.length) inputs.sites = checkbox(dims.sites, "site_id", T.sites);
  inputs.queues?.setAttribute("data-filter", "queues");
  inputs.channels?.setAttribute("data-filter", "channels");
  inputs.sites?.setAttribute("data-filter", "sites");
  const form = Inputs.form(inputs, {
    template: (parts) => html`<div class="filters" role="search" aria-label=${T.filters}>${Object.values(parts)}</div>`
  });
  const read = () => {
    const v = form.value;
    return {
      ...period(v.dates),
      queues: v.queues ?? dims.queues.map((q) => String(q.queue_id)),
      channels: v.channels ?? dims.channels.map((c) => String(c.channel)),
      sites: v.sites ?? dims.sites.map((s) => String(s.site_id)),
      allQueues: dims.queues.length,
      allChannels: dims.channels.length,
      allSites: dims.sites.length
    };
  };
  // a view: the element, whose value is the filter object
  const view = html`<div class="filter-bar">${form}</div>`;
  Object.defineProperty(view, "value", {get: read});
  return view;
}

/** Rows of a daily table (queue_daily.csv, queue_interval.csv) the filter bar keeps. */
export function filterDaily(rows, filters, queues, {queue} = {}) {
  const a = +filters.from;
  const b = +filters.to;
  const q = new Set(filters.queues ?? []);
  const s = new Set(filters.sites ?? []);
  const channelOf = new Map(queues.map((x) => [String(x.queue_id), x.channel]));
  const c = new Set(filters.channels ?? []);
  return rows.filter(
    (d) =>
      +d.date_local >= a &&
      +d.date_local <= b &&
      (queue != null ? String(d.queue_id) === String(queue) : !filters.queues || q.has(String(d.queue_id))) &&
      (!filters.sites || !d.site_id || s.has(String(d.site_id))) &&
      (!filters.channels || !channelOf.get(String(d.queue_id)) || c.has(channelOf.get(String(d.queue_id))))
  );
}

export const DAY_MS = DAY;

/** The last day (UTC midnight) a row of `grain` starting on `day` covers. */
export function periodEnd(day, grain) {
  if (!day) return day;
  if (grain === "week") return new Date(+day + 6 * DAY);
  if (grain === "month") return new Date(Date.UTC(day.getUTCFullYear(), day.getUTCMonth() + 1, 0));
  return day;
}

/** Two daily rows spanning a period {from, to} (data/agent_period.json), for filterBar. */
export function periodRows(p) {
  if (!p?.from || !p?.to) return [];
  return [p.from, p.to].map((day) => ({date_local: new Date(day), date_end: new Date(day), grain: "day"}));
}

/** data/kpi_values.csv read as text (ids stay text: "007" is not 7), its measures typed. */
export function typeValues(rows) {
  const num = (v) => (v === "" || v == null ? null : +v);
  return rows.map((d) => {
    const day = d.date_local ? new Date(d.date_local) : null;
    return {
      ...d,
      date_local: day,
      date_end: periodEnd(day, d.grain),
    numerator: num(d.numerator),
      denominator: num(d.denominator),
      target: num(d.target)
    };
  });
}
