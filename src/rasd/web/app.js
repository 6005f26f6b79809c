// rasd dashboard: renders the API's JSON. Offline (no CDN); every piece of data is put in the page
// with textContent or as an attribute value, never parsed as HTML.
"use strict";

const SVG_NS = "http://www.w3.org/2000/svg";
const TYPE_COLOURS = ["#c0392b", "#2e86c1", "#d68910", "#28b463", "#7d3c98", "#17a589",
  "#a04000", "#5d6d7e", "#b7950b", "#1f618d"];
const ROLES = ["killed", "injured", "detained"];
const state = { world: null, events: [], sort: { key: "date", dir: -1 } };

// ------------------------------------------------------------------ small DOM helpers

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  setAttrs(node, attrs);
  for (const child of children) append(node, child);
  return node;
}

function svg(tag, attrs, ...children) {
  const node = document.createElementNS(SVG_NS, tag);
  setAttrs(node, attrs);
  for (const child of children) append(node, child);
  return node;
}

function setAttrs(node, attrs) {
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "text") node.textContent = String(value);
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, String(value));
  }
}

function append(node, child) {
  if (child === null || child === undefined || child === false) return;
  if (Array.isArray(child)) { child.forEach((c) => append(node, c)); return; }
  node.append(child instanceof Node ? child : document.createTextNode(String(child)));
}

function arabic(text, tag) {
  return el(tag || "span", { lang: "ar", dir: "rtl", class: "ar", text: text || "" });
}

function show(...nodes) {
  const main = document.getElementById("main");
  main.replaceChildren(...nodes.filter(Boolean));
}

function fmt(value) {
  if (value === null || value === undefined || value === "") return "—";
  if (typeof value === "number") return value.toLocaleString("en");
  return String(value);
}

async function api(path, options) {
  const response = await fetch(path, options);
  const body = await response.json().catch(() => ({ message: response.statusText }));
  if (!response.ok) throw new Error(body.message || `HTTP ${response.status}`);
  return body;
}

function errorBox(err) {
  return el("p", { class: "error", role: "alert", text: `Error: ${err.message}` });
}

function colourOf(type, types) {
  const index = types.indexOf(type);
  return TYPE_COLOURS[(index < 0 ? 0 : index) % TYPE_COLOURS.length];
}

// ------------------------------------------------------------------ events page

const FILTERS = [
  ["type", "Type", "text", "PROTEST"], ["country", "Country", "text", "KZ"],
  ["place", "Place", "text", "ألماتي / Almaty"], ["since", "Since", "date", ""],
  ["until", "Until", "date", ""], ["min_killed", "Min. killed", "number", "0"],
];

async function showEvents(params) {
  const form = el("form", { class: "filters panel", id: "filters" });
  for (const [name, label, type, placeholder] of FILTERS) {
    const input = el("input", { name, type, placeholder, value: params.get(name) || "", min: type === "number" ? 0 : null });
    form.append(el("label", {}, label, input));
  }
  form.append(el("button", { type: "submit", text: "Filter" }));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const query = new URLSearchParams();
    for (const [key, value] of new FormData(form)) if (value) query.set(key, value);
    location.hash = `#/?${query}`;
  });
  show(form, el("p", { class: "muted", text: "Loading events…" }));
  const query = new URLSearchParams(params);
  query.set("limit", "500");
  try {
    const [data, world] = await Promise.all([api(`v1/events?${query}`), loadWorld()]);
    state.events = data.events;
    const types = [...new Set(data.events.map((e) => e.type))].sort();
    show(
      form,
      el("div", { class: "panels" },
        el("section", { class: "panel", id: "timeline" }, el("h2", { text: "Timeline" }), drawTimeline(data.events, types)),
        el("section", { class: "panel", id: "map" }, el("h2", { text: "Map (points sized by fatalities)" }), drawMap(data.events, world))),
      el("section", { class: "panel" },
        el("h2", { text: `Events (${data.total})` }),
        data.total > data.events.length
          ? el("p", { class: "muted", id: "events-shown", text: `Showing the newest ${data.events.length} of ${data.total}; the timeline and map cover these. Narrow the filters to see others.` })
          : null,
        el("p", { class: "muted" }, "Export: ",
          ...["jsonl", "geojson", "acled-csv", "plover-json"].flatMap((f) => [el("a", { href: `v1/export?format=${f}`, download: "", text: f }), " "])),
        el("div", { id: "events-table" }, eventsTable(types))),
    );
  } catch (err) {
    show(form, errorBox(err));
  }
}

const COLUMNS = [
  ["date", "Date"], ["type", "Type"], ["place", "Place"], ["country", "Country"],
  ["killed", "Killed", "num"], ["injured", "Injured", "num"], ["detained", "Detained", "num"],
  ["reports", "Reports", "num"], ["trigger", "Trigger (Arabic)"],
];

function sortedEvents() {
  const { key, dir } = state.sort;
  return [...state.events].sort((a, b) => {
    const x = a[key] ?? "", y = b[key] ?? "";
    if (x === y) return 0;
    return (x > y ? 1 : -1) * dir;
  });
}

function eventsTable(types) {
  const head = el("tr");
  for (const [key, label, cls] of COLUMNS) {
    const sorted = state.sort.key === key ? (state.sort.dir > 0 ? "sorted-asc" : "sorted-desc") : "";
    head.append(el("th", {
      class: `sortable ${cls || ""} ${sorted}`, "data-key": key, text: label, scope: "col",
      onclick: () => {
        state.sort = { key, dir: state.sort.key === key ? -state.sort.dir : 1 };
        document.getElementById("events-table").replaceChildren(eventsTable(types));
      },
    }));
  }
  const body = el("tbody");
  for (const event of sortedEvents()) {
    const swatch = el("span", { class: "swatch" });
    swatch.style.background = colourOf(event.type, types);
    body.append(el("tr", { "data-id": event.id },
      el("td", { text: fmt(event.date) }),
      el("td", {}, swatch, el("a", { href: `#/event/${encodeURIComponent(event.id)}`, text: event.label || event.type }),
        el("div", { class: "muted", text: [event.type, event.mode].filter(Boolean).join(" · ") })),
      el("td", {}, el("div", { text: event.place_en || "" }), arabic(event.place)),
      el("td", { text: fmt(event.country) }),
      el("td", { class: "num", text: fmt(event.killed) }),
      el("td", { class: "num", text: fmt(event.injured) }),
      el("td", { class: "num", text: fmt(event.detained) }),
      el("td", { class: "num", text: fmt(event.reports) }),
      el("td", {}, arabic(event.trigger))));
  }
  if (!state.events.length) body.append(el("tr", {}, el("td", { colspan: COLUMNS.length, class: "muted", text: "No events match." })));
  return el("table", { id: "events" }, el("thead", {}, head), body);
}

// ------------------------------------------------------------------ timeline (inline SVG)

function drawTimeline(events, types) {
  const dated = events.filter((e) => e.date);
  if (!dated.length) return el("p", { class: "muted", text: "No dated events." });
  const days = dayRange([...new Set(dated.map((e) => e.date.slice(0, 10)))].sort());
  const perDay = (value) => days.map((day) => types.map((type) => dated
    .filter((e) => e.date.slice(0, 10) === day && e.type === type)
    .reduce((sum, e) => sum + value(e), 0)));
  const figure = el("div", {},
    barChart("Events per day", days, types, perDay(() => 1), "timeline-events"),
    barChart("Killed per day", days, types, perDay((e) => e.killed || 0), "timeline-killed"));
  const legend = el("div", { class: "legend" });
  for (const type of types) {
    const swatch = el("span", { class: "swatch" });
    swatch.style.background = colourOf(type, types);
    legend.append(el("span", {}, swatch, type));
  }
  figure.append(legend);
  return figure;
}

function dayRange(days) {
  // Every day from the first to the last event (up to a year), so gaps show as gaps.
  const first = Date.parse(`${days[0]}T00:00:00Z`), last = Date.parse(`${days[days.length - 1]}T00:00:00Z`);
  const span = Math.round((last - first) / 86400000);
  if (!Number.isFinite(span) || span > 366 || span < 0) return days;
  return Array.from({ length: span + 1 }, (_, i) => new Date(first + i * 86400000).toISOString().slice(0, 10));
}

function barChart(title, days, types, stacks, id) {
  const width = 400, height = 110, left = 30, bottom = 16, top = 14;
  const max = Math.max(1, ...stacks.map((s) => s.reduce((a, b) => a + b, 0)));
  const slot = (width - left) / days.length;
  const chart = svg("svg", { viewBox: `0 0 ${width} ${height}`, id, role: "img", "aria-label": title });
  chart.append(svg("text", { x: left, y: 10, class: "axis", text: `${title} (max ${fmt(max)})` }));
  chart.append(svg("line", { x1: left, y1: height - bottom, x2: width, y2: height - bottom, stroke: "#999", "stroke-width": 0.5 }));
  days.forEach((day, i) => {
    let y = height - bottom;
    stacks[i].forEach((value, t) => {
      if (!value) return;
      const h = (value / max) * (height - bottom - top);
      y -= h;
      chart.append(svg("rect", {
        x: left + i * slot + slot * 0.1, y, width: Math.max(slot * 0.8, 0.5), height: h,
        fill: colourOf(types[t], types), class: "bar", "data-day": day, "data-type": types[t],
      }, svg("title", { text: `${day} · ${types[t]}: ${fmt(value)}` })));
    });
  });
  chart.append(svg("text", { x: left, y: height - 3, class: "axis", text: days[0] }));
  if (days.length > 1) chart.append(svg("text", { x: width, y: height - 3, class: "axis", "text-anchor": "end", text: days[days.length - 1] }));
  return chart;
}

// ------------------------------------------------------------------ map (bundled outline)

async function loadWorld() {
  if (!state.world) state.world = await api("world.json");
  return state.world;
}

function drawMap(events, world) {
  const placed = events.filter((e) => typeof e.lat === "number" && typeof e.lon === "number");
  const view = mapView(placed);
  const chart = svg("svg", { viewBox: view, id: "map-svg", role: "img", "aria-label": "map of events" });
  // Area proportional to fatalities, the largest toll 4% of the view's width in radius.
  const width = Number(view.split(" ")[2]);
  const maxKilled = Math.max(1, ...placed.map((e) => e.killed || 0));
  const land = svg("g", { class: "land-layer" });
  for (const country of world.countries) land.append(svg("path", { d: country.d, class: "land" }, svg("title", { text: country.name })));
  chart.append(land);
  const points = svg("g", { class: "points" });
  const byKilled = [...placed].sort((a, b) => (b.killed || 0) - (a.killed || 0));
  for (const event of byKilled) {
    const radius = width * (0.005 + 0.04 * Math.sqrt((event.killed || 0) / maxKilled));
    const link = svg("a", { href: `#/event/${encodeURIComponent(event.id)}` },
      svg("circle", { cx: event.lon + 180, cy: 90 - event.lat, r: radius.toFixed(2), class: "point", "data-id": event.id },
        svg("title", { text: `${event.label || event.type} · ${event.place_en || event.place || ""} · killed ${fmt(event.killed)}` })));
    points.append(link);
  }
  chart.append(points);
  const note = placed.length < events.length ? el("p", { class: "muted", text: `${events.length - placed.length} event(s) without coordinates not shown.` }) : null;
  return el("div", {}, chart, note);
}

function mapView(points) {
  if (!points.length) return "0 0 360 180";
  const xs = points.map((p) => p.lon + 180), ys = points.map((p) => 90 - p.lat);
  const cx = (Math.min(...xs) + Math.max(...xs)) / 2, cy = (Math.min(...ys) + Math.max(...ys)) / 2;
  const w = Math.min(360, Math.max(60, (Math.max(...xs) - Math.min(...xs)) * 1.4));
  const h = w / 2;
  const x = Math.min(Math.max(cx - w / 2, 0), 360 - w), y = Math.min(Math.max(cy - h / 2, 0), 180 - h);
  return `${x.toFixed(1)} ${y.toFixed(1)} ${w.toFixed(1)} ${h.toFixed(1)}`;
}

// ------------------------------------------------------------------ event page

async function showEvent(id) {
  show(el("p", { class: "muted", text: "Loading event…" }));
  try {
    const data = await api(`v1/events/${encodeURIComponent(id)}`);
    const event = data.event;
    const meta = el("dl", { class: "meta" });
    const rows = [["Type", `${event.label || ""} (${[event.type, event.mode].filter(Boolean).join(" · ")})`],
      ["ACLED type", event.acled_event_type], ["Date", event.date],
      ["Place", event.place_en], ["Country", event.country], ["Reports", event.reports]];
    for (const [key, value] of rows) meta.append(el("dt", { text: key }), el("dd", { text: fmt(value) }));
    meta.append(el("dt", { text: "Place (Arabic)" }), el("dd", {}, arabic(event.place)));
    meta.append(el("dt", { text: "Trigger" }), el("dd", {}, arabic(event.trigger)));
    show(
      el("p", {}, el("a", { href: "#/", text: "← all events" })),
      el("section", { class: "panel", id: "event-summary" }, el("h2", { text: event.label || event.type }), meta),
      el("section", { class: "panel", id: "figures" }, el("h2", { text: "Figure history" }), ...data.figures.map(figureTable)),
      el("section", { class: "panel", id: "reports" }, el("h2", { text: "Member reports" }), reportsList(data.reports)),
    );
  } catch (err) {
    show(errorBox(err));
  }
}

function figureTable(figure) {
  const head = el("tr", {}, ...["Value", "Qualifier", "Scope", "Speaker", "Via", "Outlet", "Date", "Stance"].map((h) => el("th", { text: h })));
  const body = el("tbody");
  for (const fig of figure.history) {
    const value = fig.value_max ? `${fmt(fig.value)}–${fmt(fig.value_max)}` : fmt(fig.value);
    body.append(el("tr", { class: fig.retracted ? "retracted" : "", "data-stance": fig.stance },
      el("td", { class: "num", text: value }), el("td", { text: fmt(fig.qualifier) }),
      el("td", { text: fmt(fig.scope) }), el("td", {}, arabic(fig.speaker || "—")),
      el("td", {}, arabic(fig.via || "—")), el("td", { text: fmt(fig.outlet) }),
      el("td", { text: fmt(fig.date) }), el("td", { text: fig.retracted ? `${fig.stance} (retracted)` : fmt(fig.stance) })));
  }
  const estimate = el("p", { class: "estimate" },
    el("strong", { text: `Conservative estimate: ${fmt(figure.estimate)}` }),
    ` — rule: ${figure.rule || "—"}; low ${fmt(figure.low)}, best ${fmt(figure.best)}, high ${fmt(figure.high)}`);
  return el("div", { class: "figure", "data-role": figure.role },
    el("h3", { text: figure.role }), el("table", {}, el("thead", {}, head), body), estimate);
}

function reportsList(reports) {
  const list = el("ul");
  for (const report of reports) {
    list.append(el("li", {},
      el("a", { href: `#/doc/${encodeURIComponent(report.doc_id || report.id)}`, text: report.title || report.doc_id || report.id }),
      ` · ${fmt(report.source)} · ${fmt(report.published)}`,
      report.type ? ` · ${[report.type, report.mode, report.modality].filter(Boolean).join(" · ")}` : null,
      report.sentence ? el("div", {}, arabic(report.sentence, "q")) : null));
  }
  return list;
}

// ------------------------------------------------------------------ article page

const KINDS = [["entities", "entity"], ["times", "time"], ["quantities", "quantity"], ["events", "event"]];

function describe(kind, a) {
  if (kind === "entity") return [a.label, a.english, a.link].filter(Boolean).join(" · ");
  if (kind === "time") return [a.kind, a.value || "unresolved", a.part_of_day, a.granularity].filter(Boolean).join(" · ");
  if (kind === "quantity") {
    const counted = a.counted ? (a.counted.label || a.counted.surface) : null;
    return [a.kind, `${fmt(a.value)}${a.value_max ? `–${fmt(a.value_max)}` : ""}`, a.qualifier, a.unit, counted].filter(Boolean).join(" · ");
  }
  return [a.type, a.mode, a.label, a.date].filter(Boolean).join(" · ");
}

function highlightText(doc) {
  const marks = [];
  for (const [field, kind] of KINDS) {
    for (const a of doc[field] || []) {
      if (a.end > a.start) marks.push({ start: a.start, end: a.end, kind, note: `${kind}: ${describe(kind, a)}` });
    }
  }
  const cuts = [...new Set([0, doc.text.length, ...marks.flatMap((m) => [m.start, m.end])])]
    .filter((x) => x >= 0 && x <= doc.text.length).sort((a, b) => a - b);
  const container = el("div", { class: "article", lang: "ar", dir: "rtl", id: "article-text" });
  for (let i = 0; i + 1 < cuts.length; i++) {
    const [a, b] = [cuts[i], cuts[i + 1]];
    const piece = doc.text.slice(a, b);
    const covering = marks.filter((m) => m.start <= a && m.end >= b);
    if (!covering.length) { container.append(document.createTextNode(piece)); continue; }
    covering.sort((x, y) => (x.end - x.start) - (y.end - y.start));
    const kinds = [...new Set(covering.map((m) => m.kind))];
    container.append(el("span", {
      class: `hl hl-${covering[0].kind}`, "data-kinds": kinds.join(" "),
      title: covering.map((m) => m.note).join("\n"), text: piece,
    }));
  }
  return container;
}

function articleView(doc) {
  const key = el("p", { class: "key" }, "Highlights: ",
    ...KINDS.map(([field, kind]) => el("span", { class: `hl hl-${kind}`, text: `${kind} (${(doc[field] || []).length})` })),
    " — hover for the normalised value, English name or link.");
  const meta = el("dl", { class: "meta" });
  for (const key of ["title", "source", "published", "url", "id"]) meta.append(el("dt", { text: key }), el("dd", { text: fmt(doc[key]) }));
  return [el("section", { class: "panel" }, meta), key, highlightText(doc)];
}

async function showDocument(id) {
  show(el("p", { class: "muted", text: "Loading article…" }));
  try {
    const doc = await api(`v1/documents/${encodeURIComponent(id)}`);
    show(el("p", {}, el("a", { href: "#/", text: "← all events" })), ...articleView(doc));
  } catch (err) {
    show(errorBox(err));
  }
}

function showAnalyze() {
  const text = el("textarea", { id: "analyze-text", lang: "ar", dir: "rtl", maxlength: 1000000, placeholder: "الصق نص الخبر هنا" });
  const published = el("input", { id: "analyze-published", type: "date" });
  const out = el("div", { id: "analyze-out" });
  const form = el("form", { class: "panel" }, el("h2", { text: "Analyse a text (nothing is stored)" }), text,
    el("p", {}, el("label", {}, "Published ", published), " ", el("button", { type: "submit", text: "Analyse" })));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    out.replaceChildren(el("p", { class: "muted", text: "Analysing…" }));
    try {
      const body = { text: text.value, published: published.value || null };
      const doc = await api("v1/analyze", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
      out.replaceChildren(...articleView(doc));
    } catch (err) {
      out.replaceChildren(errorBox(err));
    }
  });
  show(form, out);
}

async function showSearch(params) {
  const q = params.get("q") || "";
  document.getElementById("search-q").value = q;
  show(el("p", { class: "muted", text: "Searching…" }));
  try {
    const data = await api(`v1/search?${new URLSearchParams({ q, limit: "50" })}`);
    const list = el("ol", { id: "search-results" });
    for (const hit of data.results) {
      list.append(el("li", {}, el("a", { href: `#/doc/${encodeURIComponent(hit.id)}`, text: hit.title || hit.id }),
        ` · ${fmt(hit.source)} · ${fmt(hit.published)}`, hit.snippet ? el("div", {}, arabic(hit.snippet)) : null));
    }
    show(el("h2", { text: `Search: ${q} (${data.results.length})` }), list);
  } catch (err) {
    show(errorBox(err));
  }
}

// ------------------------------------------------------------------ routing

function route() {
  const hash = location.hash.replace(/^#\/?/, "");
  const [path, query] = hash.split("?");
  const params = new URLSearchParams(query || "");
  const [page, ...rest] = path.split("/");
  const id = decodeURIComponent(rest.join("/"));
  if (page === "event" && id) return showEvent(id);
  if (page === "doc" && id) return showDocument(id);
  if (page === "analyze") return showAnalyze();
  if (page === "search") return showSearch(params);
  return showEvents(params);
}

document.addEventListener("DOMContentLoaded", () => {
  document.getElementById("search-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const q = document.getElementById("search-q").value.trim();
    if (q) location.hash = `#/search?${new URLSearchParams({ q })}`;
  });
  window.addEventListener("hashchange", route);
  route();
});
