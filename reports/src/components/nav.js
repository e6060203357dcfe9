// The site's header: a skip link, the navigation (overview, KPI families, drill-downs,
// glossary) and the language switch, on every page. Links are built from the page's own
// URL (/<root>/<lang>/<page>), so the site works from any folder of any static server.

import {html} from "htl";
import {LANG, LANGUAGES, LANGUAGE_NAMES, T, channelName, familyPages, stringsOf} from "./i18n.js";

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
