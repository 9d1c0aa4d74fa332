/* vap: the header search answered from the edition's Pagefind index (pagefind/ beside assets/).
 *
 * Material's search downloads its whole index on every page view (13 MB at 10,000 roles); Pagefind
 * loads only the chunks a query needs. This script keeps Material's search box and result markup (its
 * look, the `/` key, phone width, light and dark) and renders Pagefind's results into them: role
 * title, holder, department, the matching words highlighted, and filters by department, level and
 * plan status. No request leaves the site's folder; plan text is only ever set as text, never as HTML.
 */
(() => {
  "use strict";
  const script = document.currentScript;
  const dialog = document.querySelector("[data-vap-search]");
  const toggle = document.getElementById("__search");
  if (!script || !dialog || !toggle) return;
  const input = dialog.querySelector("input.md-search__input");
  const meta = dialog.querySelector(".md-search-result__meta");
  const list = dialog.querySelector(".md-search-result__list");
  const filterBox = dialog.querySelector(".vap-search-filters");
  const scrollwrap = dialog.querySelector(".md-search__scrollwrap");
  const reset = dialog.querySelector("button[type=reset]");
  const root = new URL("..", script.src); // assets/vap-search.js -> the site's root folder
  const PAGE = 10;
  const FILTERS = [["department", "Department"], ["level", "Level"], ["status", "Plan status"]];
  let words = {};
  try {
    words = JSON.parse(document.getElementById("__config").textContent).translations || {};
  } catch (e) { /* Material's config is missing: English defaults below */ }
  const say = (key, fallback, count) =>
    (words[key] || fallback).replace("#", count === undefined ? "" : String(count));
  const chosen = {};
  let loading = null;
  let asked = 0; // the latest query: answers to older ones are dropped
  let shown = [];
  let rendered = 0;
  let terms = [];

  function load() {
    if (!loading) {
      loading = import(new URL("pagefind/pagefind.js", root).href).then(async (pagefind) => {
        const settings = { baseUrl: root.pathname, excerptLength: 24 };
        await pagefind.options(settings);
        await pagefind.init();
        // a large edition is indexed in parts (vap-parts.json lists those after the first): merged here
        const parts = await fetch(new URL("pagefind/vap-parts.json", root)).then((r) => (r.ok ? r.json() : []));
        await Promise.all(parts.map((part) => pagefind.mergeIndex(new URL("pagefind/" + part, root).pathname, settings)));
        if (!input.value.trim()) meta.textContent = say("search.result.placeholder", "Type to start searching");
        return pagefind;
      });
      loading.catch(() => { meta.textContent = "Search is not available here (the index did not load)."; });
    }
    return loading;
  }

  let filtering = null;
  function loadFilters() {
    // the filter values are fetched when the search opens, not on every page view
    if (!filtering) filtering = load().then(async (pagefind) => buildFilters(await pagefind.filters()));
    return filtering;
  }

  function buildFilters(available) {
    filterBox.replaceChildren();
    for (const [name, label] of FILTERS) {
      const values = Object.keys(available[name] || {}).sort((a, b) => a.localeCompare(b));
      if (!values.length) continue;
      const select = document.createElement("select");
      select.className = "vap-search-filter";
      select.name = name;
      select.setAttribute("aria-label", label);
      const all = new Option(`${label}: all`, "");
      select.add(all);
      for (const value of values) select.add(new Option(value, value));
      select.addEventListener("change", () => {
        if (select.value) chosen[name] = select.value; else delete chosen[name];
        run();
      });
      filterBox.append(select);
    }
    filterBox.hidden = !filterBox.childElementCount;
  }

  async function run() {
    const query = input.value.trim();
    const mine = ++asked;
    const pagefind = await load();
    if (mine !== asked) return;
    if (!query && !Object.keys(chosen).length) {
      list.replaceChildren();
      shown = [];
      meta.textContent = say("search.result.placeholder", "Type to start searching");
      return;
    }
    const filters = {};
    for (const [name, value] of Object.entries(chosen)) filters[name] = value;
    const found = await pagefind.search(query || null, { filters });
    if (mine !== asked || !found) return;
    terms = query.toLowerCase().split(/\s+/).filter((t) => t.length > 1);
    shown = found.results;
    rendered = 0;
    list.replaceChildren();
    const count = shown.length;
    meta.textContent = count === 0 ? say("search.result.none", "No matching documents")
      : count === 1 ? say("search.result.one", "1 matching document")
        : say("search.result.other", "# matching documents", count);
    await more(mine);
  }

  async function more(mine) {
    const next = shown.slice(rendered, rendered + PAGE);
    rendered += next.length;
    const data = await Promise.all(next.map((r) => r.data()));
    if (mine !== asked) return;
    for (const item of data) list.append(resultItem(item));
  }

  function marked(text, into) {
    // the query's words highlighted in a title or a field, as text nodes (never HTML)
    if (!terms.length) { into.append(text); return into; }
    const escaped = terms.map((t) => t.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
    const pattern = new RegExp(`(${escaped.join("|")})`, "gi");
    text.split(pattern).forEach((part, i) => {
      if (i % 2) { const m = document.createElement("mark"); m.textContent = part; into.append(m); }
      else if (part) into.append(part);
    });
    return into;
  }

  function excerpt(text, into) {
    // Pagefind marks matches with <mark>; everything else is the page's text, set as text
    text.split(/(<mark>|<\/mark>)/).reduce((inMark, part) => {
      if (part === "<mark>") return true;
      if (part === "</mark>") return false;
      if (part) {
        if (inMark) { const m = document.createElement("mark"); m.textContent = part; into.append(m); }
        else into.append(part);
      }
      return inMark;
    }, false);
    return into;
  }

  function resultItem(item) {
    const fields = item.meta || {};
    const li = document.createElement("li");
    li.className = "md-search-result__item";
    const a = document.createElement("a");
    a.className = "md-search-result__link";
    a.tabIndex = -1;
    a.href = new URL(item.url, location.href).href;
    const article = document.createElement("article");
    article.className = "md-search-result__article md-typeset";
    const icon = document.createElement("div");
    icon.className = "md-search-result__icon md-icon";
    const title = document.createElement("h1");
    marked(fields.title || item.url, title);
    article.append(icon, title);
    const facts = [fields.holder, fields.department, fields.level].filter(Boolean);
    if (facts.length) {
      const p = document.createElement("p");
      p.className = "vap-search-facts";
      marked(facts.join(" · "), p);
      if (fields.status) {
        const badge = document.createElement("span");
        badge.className = "vap-search-status";
        badge.textContent = fields.status;
        p.append(" ", badge);
      }
      article.append(p);
    }
    if (item.excerpt) article.append(excerpt(item.excerpt, document.createElement("p")));
    a.append(article);
    li.append(a);
    return li;
  }

  function open() {
    if (!toggle.checked) { toggle.checked = true; toggle.dispatchEvent(new Event("change")); }
    input.focus();
    input.select();
    loadFilters();
  }

  function close() {
    if (toggle.checked) { toggle.checked = false; toggle.dispatchEvent(new Event("change")); }
    input.blur();
  }

  const editable = (el) => el && (el.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName));

  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (!toggle.checked) {
      if (["/", "s", "f"].includes(event.key) && !editable(document.activeElement)) {
        event.preventDefault();
        open();
      }
      return;
    }
    const links = [input, ...list.querySelectorAll("a.md-search-result__link")];
    const at = links.indexOf(document.activeElement);
    if (event.key === "Escape") {
      close();
    } else if (event.key === "Enter" && document.activeElement === input) {
      event.preventDefault();
      if (links[1]) links[1].click();
    } else if ((event.key === "ArrowDown" || event.key === "ArrowUp") && at >= 0) {
      event.preventDefault();
      const step = event.key === "ArrowUp" ? -1 : 1;
      links[(Math.max(0, at) + step + links.length) % links.length].focus();
    }
  });
  input.addEventListener("focus", () => { if (!toggle.checked) open(); else loadFilters(); });
  input.addEventListener("input", () => run());
  toggle.addEventListener("change", () => {
    if (toggle.checked) { input.focus(); loadFilters(); } else input.blur();
  });
  // Pagefind's script, worker and WebAssembly (~160 KB, the same for every page) are fetched once the
  // page is idle, so the first keystroke only waits for the chunks of its query
  const idle = window.requestIdleCallback || ((fn) => setTimeout(fn, 200));
  if (document.readyState === "complete") idle(() => load());
  else window.addEventListener("load", () => idle(() => load()), { once: true });
  dialog.querySelector("form").addEventListener("submit", (e) => e.preventDefault());
  if (reset) reset.addEventListener("click", () => { setTimeout(() => { input.focus(); run(); }, 0); });
  list.addEventListener("click", (e) => { if (e.target.closest("a")) close(); });
  if (scrollwrap) {
    scrollwrap.addEventListener("scroll", () => {
      const near = scrollwrap.scrollTop + scrollwrap.clientHeight >= scrollwrap.scrollHeight - 100;
      if (near && rendered < shown.length) more(asked);
    });
  }
})();
