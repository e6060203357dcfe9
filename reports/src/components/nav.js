// The site's header: a skip link, the navigation (overview, KPI families, drill-downs,
// glossary) and the language switch, on every page. Links are built from the page's own
// URL (/<root>/<lang>/<page>), so the site works from any folder of any static server.

import {html} from "htl";
import {LANG, LANGUAGES, LANGUAGE_NAMES, T, channelName, familyPages, stringsOf} from "./i18n.js";

/**
 * What a page's <head> would carry: the config has no `head` (nor header, footer), since
 * Framework parses each into a fresh jsdom three times per page (DECISIONS.md D190). A
 * viewport that allows zooming (Framework's own has maximum-scale=1) and an empty icon
 * (no request for /favicon.ico); the colour scheme is in style.css.
 */
export function pageHead() {
  const viewport = document.querySelector('meta[name="viewport"]');
  if (viewport) viewport.setAttribute("content", "width=device-width, initial-scale=1");
  if (!document.querySelector('link[rel="icon"]')) {
    document.head.append(Object.assign(document.createElement("link"), {rel: "icon", href: "data:,"}));
  }
}
pageHead();

/**
 * The footer of every page (both languages; style.css shows the page's own), after the
 * page's <main>. `builtAt`: when the site was built (data/dimensions.json).
 */
export function siteFooter(builtAt) {
  if (document.getElementById("observablehq-footer")) return;
  const built = builtAt ?? "";
  const footer = html`<footer id="observablehq-footer"><div><span lang="en">Contact-center warehouse report, built ${built} UTC from the warehouse marts. Rates are computed from summed numerators and denominators. Status: ✓ on target, ! within 10% of it, ✗ beyond.</span> <span lang="es">Informe del almacén del centro de contacto, construido el ${built} UTC a partir de los marts. Las tasas se calculan con numeradores y denominadores sumados. Estado: ✓ en objetivo, ! a menos del 10 % de él, ✗ más allá.</span></div></footer>`;
  (document.getElementById("observablehq-center") ?? document.body).append(footer);
}

/** The site root (with a trailing slash) and the page's path below its language folder. */
export function location_() {
  const m = location.pathname.match(/^(.*?\/)(en|es)\/(.*)$/);
  return m ? {root: m[1], rest: m[3] || "index.html"} : {root: "/", rest: "index.html"};
}

/** An absolute link to `path` (e.g. "queues/sales.html") in the page's language. */
export function href(path, lang = LANG) {
  return `${location_().root}${lang}/${path}`;
}

/** The header of a page; sets the document's language and title. */
export function siteNav(dims, {title, current} = {}) {
  document.documentElement.lang = LANG;
  if (title) document.title = `${title} · ${T.siteTitle}`;
  siteFooter(dims.built_at);
  const {rest} = location_();
  const here = current ?? rest;
  const link = (path, text) => html`<a href=${href(path)} aria-current=${path === here ? "page" : null}>${text}</a>`;
  const families = familyPages(dims.families ?? []);
  const group = (label, items, path, text) =>
    items.length
      ? html`<details class="nav-group"><summary>${label} (${items.length})</summary><ul>${items.map(
          (d) => html`<li>${link(path(d), text(d))}</li>`
        )}</ul></details>`
      : "";
  return html`<header class="site-header">
    <a class="skip-link" href="#main-content">${T.skip}</a>
    <div class="site-title"><a href=${href("index.html")}>${T.siteTitle}</a></div>
    <nav class="site-nav" aria-label=${T.nav}>
      <ul class="nav-main">
        <li>${link("index.html", T.overview)}</li>
        ${families.map((f) => html`<li>${link(`family/${f.slug}.html`, f[LANG] ?? f.en)}</li>`)}
        <li>${link("planning.html", T.planning.nav)}</li>
        <li>${link("adherence.html", T.planning.navAdherence)}</li>
        <li>${link("glossary.html", T.glossary)}</li>
      </ul>
      <div class="nav-drill" aria-label=${T.drill}>
        ${group(T.queues, dims.queues ?? [], (q) => `queues/${q.slug}.html`, (q) => q.queue_name ?? q.queue_id)}
        ${group(T.channels, dims.channels ?? [], (c) => `channels/${c.slug}.html`, (c) => channelName(c.channel))}
        ${group(T.teams, dims.teams ?? [], (t) => `teams/${t.slug}.html`, (t) => t.team)}
        ${group(T.agents, dims.agents ?? [], (a) => `agents/${a.slug}.html`, (a) => `${a.agent_name ?? a.agent_id} (${a.agent_id})`)}
      </div>
    </nav>
    <div class="lang-switch" role="navigation" aria-label=${T.language}>${LANGUAGES.map((lang) =>
      lang === LANG
        ? html`<span class="lang-current" lang=${lang} aria-current="true">${LANGUAGE_NAMES[lang]}</span>`
        : html`<a class="lang-link" lang=${lang} hreflang=${lang} href=${href(rest, lang)} data-lang=${lang}
            title=${stringsOf(lang).language}>${LANGUAGE_NAMES[lang]}</a>`
    )}</div>
  </header>`;
}
