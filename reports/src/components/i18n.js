// The site's two languages: the string table, and number and date formats per language.
//
// A page's language is the first path segment of its URL (/en/... or /es/...): pages
// live under src/[lang]/ and are built once per language from the same Markdown. KPI
// names and definitions are not here: they come from the KPI catalog (name_en/name_es,
// definition_en/definition_es).

import * as d3 from "d3";

export const LANGUAGES = ["en", "es"];
export const LANGUAGE_NAMES = {en: "English", es: "Español"};

/** The language of the page being viewed (from its URL), "en" by default. */
export const LANG = (() => {
  const match = typeof location === "undefined" ? null : location.pathname.match(/\/(en|es)\//);
  return match ? match[1] : "en";
})();

const STRINGS = {
  en: {
    siteTitle: "Contact center report",
    skip: "Skip to content",
    nav: "Site",
    overview: "Overview",
    families: "KPI families",
    drill: "Drill down",
    queues: "Queues",
    channels: "Channels",
    teams: "Teams",
    agents: "Agents",
    glossary: "KPI glossary",
    dataQuality: "Data quality",
    language: "Language",
    filters: "Filters",
    from: "From",
    to: "To",
    queue: "Queue",
    channel: "Channel",
    site: "Site",
    sites: "Sites",
    team: "Team",
    agent: "Agent",
    keyFigures: "Key figures",
    onTarget: "On target",
    nearTarget: "Near target",
    offTarget: "Off target",
    noTarget: "No target",
    target: "Target",
    blendedTarget: "Blended target",
    noTargetSet: "No target set",
    vs: "vs",
    previousPeriod: "previous period",
    noPrevious: "no data for the previous period",
    noDataPeriod: "no data in this period",
    definition: "Definition",
    inGlossary: "in the glossary",
    formula: "Formula",
    noData: "No data for the selected filters.",
    noDataYet: "No data yet",
    noDataYetNote: "The warehouse has no mart with this KPI yet; it appears here when one is built.",
    noFamilyYet: "The KPI catalog has no KPI of this family yet: this page fills in when their marts and catalog rows are added.",
    daysBlank: "Days without calls are left blank",
    dashedTarget: "Dashed line: target",
    blackTick: "Black tick: target",
    heatTarget: (t) => `Yellow: at the target (${t}); red: below; blue: above. Blank: no calls.`,
    heatBlank: "Blank: no calls.",
    days: (n) => `${n} ${n === 1 ? "day" : "days"}`,
    comparedWith: "compared with",
    points: "pts",
    notBy: (dims) => `Not split by ${dims}: the filter does not apply.`,
    moved: "What moved most",
    movedNote: "Change against the previous period of equal length, largest relative change first.",
    better: "better",
    worse: "worse",
    unchanged: "unchanged",
    trends: "Trends",
    kpisOfFamily: "KPIs of this family",
    allKpis: "Every KPI of the family, from the KPI catalog",
    byDay: "by day",
    dbtDocs: (model) => `${model} in the dbt docs (lineage, columns)`,
    byWeek: "by week (weeks that overlap the period)",
    byMonth: "by month (months that overlap the period)",
    byQueue: "by queue",
    byAgent: "by agent",
    table: "Table",
    value: "Value",
    change: "Change",
    kpi: "KPI",
    status: "Status",
    direction: "Direction",
    unit: "Unit",
    defaultTarget: "Default target",
    where: "Where",
    variantOf: "Variant of",
    defaultKpi: "– (a default KPI)",
    sourceText: "Source",
    none: "None",
    higherBetter: "Higher is better",
    lowerBetter: "Lower is better",
    neutral: "Neutral",
    unitRatio: "Ratio (0-1, shown as %)",
    unitSeconds: "Seconds",
    unitCount: "Count",
    chooseLanguage: "Choose a language",
    builtNote: "Built from the warehouse marts. Rates are computed from summed numerators and denominators.",
    statusNote: "Status: ✓ on target, ! within 10 % of it, ✗ beyond.",
    serviceLevelByDay: "Service level by day",
    abandonmentByQueue: "Abandonment rate by queue",
    abandonmentByDay: "Abandonment rate by day",
    slHeatmap: "Service level by time of day",
    ahtByDay: "Average handle time by day",
    intervals: "Intervals",
    agentTable: "Agents",
    occupancyNote: (sites) => `All agents at ${sites}`,
    everySite: "every site",
    noSite: "no site",
    agentsNotPerQueue: "agents are not per queue",
    queueHeader: "Queue",
    offered: "Offered",
    answered: "Answered",
    abandoned: "Abandoned",
    longestWait: "Longest wait",
    intervalLocal: "Interval (local)",
    slSub: "Answered within the threshold",
    abSub: "Abandoned / offered",
    ahtSub: "Talk + hold + after-call work per handled call",
    perQueue: "per queue",
    overPeriod: "over the period",
    heatSubQueue: "Queue × interval (local start time), over the period",
    heatSubDay: "Day × interval (local start time)",
    intervalSub: "One row per interval in the period, local start time",
    agentSub: "One row per agent over the period",
    planning: {
      nav: "Planning",
      navAdherence: "Adherence",
      title: "Plan vs actual",
      intro: "The forecast against the calls offered, the agents Erlang C requires against those scheduled and available, and the service level Erlang predicted against the one achieved, per 30-minute interval (kpi_plan_vs_actual_interval, kpi_staffing_interval). Days after the last day with calls are the plan only.",
      queue: "Queue",
      forecast: "Forecast calls",
      offered: "Calls offered",
      required: "Required agents (Erlang C)",
      neededShrinkage: "Agents to schedule (with shrinkage)",
      scheduled: "Scheduled on queue",
      available: "Available agents",
      predicted: "Service level predicted (Erlang C)",
      achieved: "Service level achieved",
      callsChart: "Forecast vs offered calls per interval",
      agentsChart: "Required vs scheduled vs available agents per interval",
      agentsQueueChart: "Required agents per interval",
      slChart: "Service level: Erlang predicted vs achieved per interval",
      planAfter: (d) => `Plan only after ${d} (coming days).`,
      bySite: (s) => `Site ${s}: agents are shared by the site's queues.`,
      accuracy: "Forecast accuracy",
      accuracyIntro: "WAPE (Σ|forecast − actual| / Σ actual) at interval, day and week grain and bias (Σ(forecast − actual) / Σ actual) over the period, per queue, for our model, the seasonal-naive baseline and the WFM tool's forecast. Weeks that overlap the period are counted whole.",
      source: "Forecast",
      sources: {model: "Model", baseline: "Baseline (seasonal naive)", wfm: "WFM forecast"},
      wapeInterval: "WAPE, interval",
      wapeDay: "WAPE, day",
      wapeWeek: "WAPE, week",
      bias: "Bias",
      noPlan: "No plan for the selected period.",
      table: "The same figures as a table",
      interval: "Interval (local)",
      lineKey: "Lines",
      heatNote: (t) => `Yellow: at the target (${Math.round(t * 100)}%); red: below; blue: above. Blank: not scheduled. Hover a cell, or open the table below, for the figure.`,
      adherenceTitle: "Schedule adherence",
      adherenceIntro: "Adherence (in-adherence / scheduled seconds) per agent and per team and day, and the real-time-style board of the latest day (kpi_adherence_agent_daily, kpi_adherence_team_daily, kpi_adherence_latest_day).",
      agentDay: "Adherence by agent and day",
      teamDay: "Adherence by team and day",
      intervalDay: (d) => `Adherence by agent and interval, ${d}`,
      board: (d) => `Latest day: ${d}`,
      boardSub: (t) => `As of ${t} (the latest agent state); adherence so far today.`,
      scheduledNow: "Scheduled now",
      stateNow: "State now",
      inAdherenceNow: "In adherence now",
      adherenceSoFar: "Adherence so far",
      yes: "✓ yes",
      no: "✗ no",
      agent: "Agent",
      team: "Team",
      day: "Day"
    },
    dq: {
      title: "Data quality and freshness",
      intro:
        "What ingestion did with every landing file: rows loaded or quarantined with a reason, counts reconciled per file, and how fresh each source is (marts.dq_file_loads, dq_quarantine_reasons, dq_source_freshness).",
      files: "Files loaded",
      rowsLoaded: "Rows loaded",
      rowsQuarantined: "Rows quarantined",
      reconciled: "Files reconciled",
      rejected: "Files rejected or failed",
      freshness: "Freshness by source",
      reasons: "Quarantined lines by reason",
      loads: "File loads",
      source: "Source",
      status: "Status",
      file: "File",
      loadedAt: "Loaded (UTC)",
      latestEvent: "Latest event (UTC)",
      eventLag: "Behind the warehouse",
      rowsIn: "Rows in",
      reason: "Reason",
      lines: "Lines",
      message: "Message",
      yes: "yes",
      no: "no",
      loadsByDay: "Rows loaded and quarantined by load day",
      loadsSub: "Every file load (UTC day of the load)",
      loadedLabel: "loaded",
      quarantinedLabel: "quarantined",
      reconciledNote: "rows in = loaded + quarantined, and the tables hold exactly those rows"
    }
  },
  es: {
    siteTitle: "Informe del centro de contacto",
    skip: "Ir al contenido",
    nav: "Sitio",
    overview: "Resumen",
    families: "Familias de KPI",
    drill: "Detalle",
    queues: "Colas",
    channels: "Canales",
    teams: "Equipos",
    agents: "Agentes",
    glossary: "Glosario de KPI",
    dataQuality: "Calidad de datos",
    language: "Idioma",
    filters: "Filtros",
    from: "Desde",
    to: "Hasta",
    queue: "Cola",
    channel: "Canal",
    site: "Sede",
    sites: "Sedes",
    team: "Equipo",
    agent: "Agente",
    keyFigures: "Cifras clave",
    onTarget: "En objetivo",
    nearTarget: "Cerca del objetivo",
    offTarget: "Fuera de objetivo",
    noTarget: "Sin objetivo",
    target: "Objetivo",
    blendedTarget: "Objetivo combinado",
    noTargetSet: "Sin objetivo definido",
    vs: "frente a",
    previousPeriod: "periodo anterior",
    noPrevious: "sin datos del periodo anterior",
    noDataPeriod: "sin datos en este periodo",
    definition: "Definición",
    inGlossary: "en el glosario",
    formula: "Fórmula",
    noData: "No hay datos para los filtros elegidos.",
    noDataYet: "Aún sin datos",
    noDataYetNote: "El almacén todavía no tiene un mart con este KPI; aparecerá aquí cuando se construya.",
    noFamilyYet: "El catálogo de KPI aún no tiene ningún KPI de esta familia: esta página se completará cuando se añadan sus marts y sus filas del catálogo.",
    daysBlank: "Los días sin llamadas quedan en blanco",
    dashedTarget: "Línea discontinua: objetivo",
    blackTick: "Marca negra: objetivo",
    heatTarget: (t) => `Amarillo: en el objetivo (${t}); rojo: por debajo; azul: por encima. En blanco: sin llamadas.`,
    heatBlank: "En blanco: sin llamadas.",
    days: (n) => `${n} ${n === 1 ? "día" : "días"}`,
    comparedWith: "comparado con",
    points: "p. p.",
    notBy: (dims) => `Sin desglose por ${dims}: el filtro no se aplica.`,
    moved: "Lo que más cambió",
    movedNote: "Cambio frente al periodo anterior de igual duración, de mayor a menor cambio relativo.",
    better: "mejor",
    worse: "peor",
    unchanged: "sin cambio",
    trends: "Tendencias",
    kpisOfFamily: "KPI de esta familia",
    allKpis: "Todos los KPI de la familia, del catálogo de KPI",
    byDay: "por día",
    dbtDocs: (model) => `${model} en la documentación de dbt (linaje, columnas)`,
    byWeek: "por semana (las semanas que se solapan con el periodo)",
    byMonth: "por mes (los meses que se solapan con el periodo)",
    byQueue: "por cola",
    byAgent: "por agente",
    table: "Tabla",
    value: "Valor",
    change: "Cambio",
    kpi: "KPI",
    status: "Estado",
    direction: "Sentido",
    unit: "Unidad",
    defaultTarget: "Objetivo por defecto",
    where: "Dónde",
    variantOf: "Variante de",
    defaultKpi: "– (un KPI por defecto)",
    sourceText: "Fuente",
    none: "Ninguno",
    higherBetter: "Mejor cuanto más alto",
    lowerBetter: "Mejor cuanto más bajo",
    neutral: "Neutro",
    unitRatio: "Proporción (0-1, en %)",
    unitSeconds: "Segundos",
    unitCount: "Recuento",
    chooseLanguage: "Elija un idioma",
    builtNote: "Construido a partir de los marts del almacén. Las tasas se calculan con numeradores y denominadores sumados.",
    statusNote: "Estado: ✓ en objetivo, ! a menos del 10 % de él, ✗ más allá.",
    serviceLevelByDay: "Nivel de servicio por día",
    abandonmentByQueue: "Tasa de abandono por cola",
    abandonmentByDay: "Tasa de abandono por día",
    slHeatmap: "Nivel de servicio por hora del día",
    ahtByDay: "Tiempo medio de operación por día",
    intervals: "Intervalos",
    agentTable: "Agentes",
    occupancyNote: (sites) => `Todos los agentes de ${sites}`,
    everySite: "todas las sedes",
    noSite: "ninguna sede",
    agentsNotPerQueue: "los agentes no son por cola",
    queueHeader: "Cola",
    offered: "Ofrecidas",
    answered: "Atendidas",
    abandoned: "Abandonadas",
    longestWait: "Espera máxima",
    intervalLocal: "Intervalo (local)",
    slSub: "Atendidas dentro del umbral",
    abSub: "Abandonadas / ofrecidas",
    ahtSub: "Conversación + retención + postllamada por llamada atendida",
    perQueue: "por cola",
    overPeriod: "en el periodo",
    heatSubQueue: "Cola × intervalo (hora local de inicio), en el periodo",
    heatSubDay: "Día × intervalo (hora local de inicio)",
    intervalSub: "Una fila por intervalo del periodo, hora local de inicio",
    agentSub: "Una fila por agente en el periodo",
    planning: {
      nav: "Planificación",
      navAdherence: "Adherencia",
      title: "Plan frente a real",
      intro: "La previsión frente a las llamadas ofrecidas, los agentes que exige Erlang C frente a los planificados y los disponibles, y el nivel de servicio previsto por Erlang frente al logrado, por intervalo de 30 minutos (kpi_plan_vs_actual_interval, kpi_staffing_interval). Los días posteriores al último día con llamadas son solo plan.",
      queue: "Cola",
      forecast: "Llamadas previstas",
      offered: "Llamadas ofrecidas",
      required: "Agentes necesarios (Erlang C)",
      neededShrinkage: "Agentes a planificar (con merma)",
      scheduled: "Planificados en cola",
      available: "Agentes disponibles",
      predicted: "Nivel de servicio previsto (Erlang C)",
      achieved: "Nivel de servicio logrado",
      callsChart: "Llamadas previstas frente a ofrecidas por intervalo",
      agentsChart: "Agentes necesarios, planificados y disponibles por intervalo",
      agentsQueueChart: "Agentes necesarios por intervalo",
      slChart: "Nivel de servicio: previsto por Erlang frente a logrado por intervalo",
      planAfter: (d) => `Solo plan después del ${d} (próximos días).`,
      bySite: (s) => `Sede ${s}: las colas de la sede comparten los agentes.`,
      accuracy: "Precisión de la previsión",
      accuracyIntro: "WAPE (Σ|previsión − real| / Σ real) por intervalo, día y semana y sesgo (Σ(previsión − real) / Σ real) en el periodo, por cola, de nuestro modelo, la referencia estacional ingenua y la previsión de la herramienta WFM. Las semanas que se solapan con el periodo cuentan enteras.",
      source: "Previsión",
      sources: {model: "Modelo", baseline: "Referencia (estacional ingenua)", wfm: "Previsión WFM"},
      wapeInterval: "WAPE, intervalo",
      wapeDay: "WAPE, día",
      wapeWeek: "WAPE, semana",
      bias: "Sesgo",
      noPlan: "No hay plan para el periodo elegido.",
      table: "Las mismas cifras en una tabla",
      interval: "Intervalo (local)",
      lineKey: "Líneas",
      heatNote: (t) => `Amarillo: en el objetivo (${Math.round(t * 100)} %); rojo: por debajo; azul: por encima. En blanco: sin horario. Pase por una celda, o abra la tabla de abajo, para ver la cifra.`,
      adherenceTitle: "Adherencia al horario",
      adherenceIntro: "Adherencia (segundos en adherencia / planificados) por agente y por equipo y día, y el panel en tiempo casi real del último día (kpi_adherence_agent_daily, kpi_adherence_team_daily, kpi_adherence_latest_day).",
      agentDay: "Adherencia por agente y día",
      teamDay: "Adherencia por equipo y día",
      intervalDay: (d) => `Adherencia por agente e intervalo, ${d}`,
      board: (d) => `Último día: ${d}`,
      boardSub: (t) => `A las ${t} (el último estado de agente); adherencia en lo que va de día.`,
      scheduledNow: "Planificado ahora",
      stateNow: "Estado ahora",
      inAdherenceNow: "En adherencia ahora",
      adherenceSoFar: "Adherencia hasta ahora",
      yes: "✓ sí",
      no: "✗ no",
      agent: "Agente",
      team: "Equipo",
      day: "Día"
    },
    dq: {
      title: "Calidad y actualidad de los datos",
      intro:
        "Qué hizo la ingesta con cada fichero recibido: filas cargadas o en cuarentena con su motivo, recuentos conciliados por fichero y la actualidad de cada fuente (marts.dq_file_loads, dq_quarantine_reasons, dq_source_freshness).",
      files: "Ficheros cargados",
      rowsLoaded: "Filas cargadas",
      rowsQuarantined: "Filas en cuarentena",
      reconciled: "Ficheros conciliados",
      rejected: "Ficheros rechazados o fallidos",
      freshness: "Actualidad por fuente",
      reasons: "Líneas en cuarentena por motivo",
      loads: "Cargas de ficheros",
      source: "Fuente",
      status: "Estado",
      file: "Fichero",
      loadedAt: "Cargado (UTC)",
      latestEvent: "Último evento (UTC)",
      eventLag: "Retraso respecto al almacén",
      rowsIn: "Filas leídas",
      reason: "Motivo",
      lines: "Líneas",
      message: "Mensaje",
      yes: "sí",
      no: "no",
      loadsByDay: "Filas cargadas y en cuarentena por día de carga",
      loadsSub: "Cada carga de fichero (día UTC de la carga)",
      loadedLabel: "cargadas",
      quarantinedLabel: "en cuarentena",
      reconciledNote: "filas leídas = cargadas + en cuarentena, y las tablas contienen exactamente esas filas"
    }
  }
};

/** The string table of the page's language. */
export const T = STRINGS[LANG];
export const stringsOf = (lang) => STRINGS[lang] ?? STRINGS.en;

// The KPI families the site has a page for, in this order: slug, the catalog `family`
// values it shows (a catalog may say "effectiveness" or "customer_outcomes"), and its
// title in each language. A family of the catalog not listed here gets a page of its own.
export const FAMILY_PAGES = [
  {slug: "accessibility", families: ["accessibility"], en: "Accessibility", es: "Accesibilidad"},
  {slug: "efficiency", families: ["efficiency", "handling"], en: "Efficiency", es: "Eficiencia"},
  {
    slug: "customer-outcomes",
    families: ["customer_outcomes", "customer_outcome", "outcomes", "effectiveness", "customer"],
    en: "Customer outcomes",
    es: "Resultados con el cliente"
  },
  {slug: "sales", families: ["sales", "outbound"], en: "Sales", es: "Ventas"},
  {slug: "workforce", families: ["workforce", "planning", "wfm"], en: "Workforce and planning", es: "Personal y planificación"},
  {
    slug: "people-quality",
    families: ["people_quality", "people", "quality"],
    en: "People and quality",
    es: "Personas y calidad"
  },
  {slug: "cost", families: ["cost"], en: "Cost", es: "Coste"},
  {
    slug: "data-quality",
    families: ["data_quality", "freshness", "dq"],
    en: "Data quality and freshness",
    es: "Calidad y actualidad de los datos"
  }
];

/** The family pages: the fixed ones, then one per catalog family none of them shows. */
export function familyPages(catalogFamilies = []) {
  const known = new Set(FAMILY_PAGES.flatMap((f) => f.families));
  const extra = catalogFamilies
    .filter((f) => !known.has(f))
    .map((f) => ({slug: slugOf(f), families: [f], en: title(f), es: title(f)}));
  return [...FAMILY_PAGES, ...extra];
}
export const slugOf = (s) => String(s).toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "");
const title = (s) => {
  const t = String(s).replace(/_/g, " ");
  return t.charAt(0).toUpperCase() + t.slice(1);
};

// ---------------------------------------------------------------------------------------
// number and date formats

const NUMBER_LOCALES = {
  // currency: the center reports in euros (€1,234.50 / 1.234,50 €)
  en: d3.formatLocale({decimal: ".", thousands: ",", grouping: [3], currency: ["€", ""], minus: "−"}),
  // Spanish: decimal comma, a point for thousands (1.234,5; grouped from 4 digits, as the
  // brief and most business reports do) and a space before % (85,3 %)
  es: d3.formatLocale({decimal: ",", thousands: ".", grouping: [3], currency: ["", "\u00a0€"], minus: "−", percent: "\u00a0%"})
};
const TIME_LOCALES = {
  en: d3.timeFormatLocale({
    dateTime: "%x, %X",
    date: "%-m/%-d/%Y",
    time: "%-I:%M:%S %p",
    periods: ["AM", "PM"],
    days: ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"],
    shortDays: ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"],
    months: ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"],
    shortMonths: ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
  }),
  es: d3.timeFormatLocale({
    dateTime: "%A, %e de %B de %Y, %X",
    date: "%d/%m/%Y",
    time: "%H:%M:%S",
    periods: ["AM", "PM"],
    days: ["domingo", "lunes", "martes", "miércoles", "jueves", "viernes", "sábado"],
    shortDays: ["dom", "lun", "mar", "mié", "jue", "vie", "sáb"],
    months: ["enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre", "noviembre", "diciembre"],
    shortMonths: ["ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sept", "oct", "nov", "dic"]
  })
};
const DATE_FORMATS = {
  en: {day: "%-d %b %Y", dayShort: "%-d %b", weekday: "%a %-d %b", weekdayYear: "%a %-d %b %Y", tick: "%a\n%-d %b", dateTime: "%-d %b %Y %H:%M"},
  es: {day: "%d/%m/%Y", dayShort: "%d/%m", weekday: "%a %d/%m", weekdayYear: "%a %d/%m/%Y", tick: "%a\n%d/%m", dateTime: "%d/%m/%Y %H:%M"}
};

/** d3-format of the page's language: number(".1f"), percent, ... */
export const numberFormat = (spec) => NUMBER_LOCALES[LANG].format(spec);
/** d3 UTC time format of the page's language for one of DATE_FORMATS' names. */
export const dateFormat = (name) => TIME_LOCALES[LANG].utcFormat(DATE_FORMATS[LANG][name]);
export const numberLocaleOf = (lang) => NUMBER_LOCALES[lang] ?? NUMBER_LOCALES.en;

/** Catalog text in the page's language: name and definition of a dim_kpis row. */
export const kpiName = (entry) => (entry ? entry[`name_${LANG}`] || entry.name_en || entry.kpi_key : "");
export const kpiDefinitionText = (entry) => (entry ? entry[`definition_${LANG}`] || entry.definition_en || "" : "");

// channel names (fct_contacts.channel values) in each language; others as they are
const CHANNELS = {
  en: {voice: "Voice", chat: "Chat", email: "Email", sms: "SMS", social: "Social media", task: "Task"},
  es: {voice: "Voz", chat: "Chat", email: "Correo electrónico", sms: "SMS", social: "Redes sociales", task: "Tarea"}
};
export const channelName = (c) => CHANNELS[LANG][c] ?? String(c);
