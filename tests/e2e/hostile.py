"""The hostile-text suite's machinery: payloads from tests/fixtures/hostile, organisations made of them,
built for every audience and published, then probed in Chromium.

Every payload goes into every free-text field: each payload owns one role (title, holder,
department, value add, accountabilities, focus, authorities, trade-offs, resources, outcome
title/measure/target, `how`, dialogue note) and one goal (title, description, milestone
title/measure/target); the fields the organisation has only once (organisation name, cycle,
level names, strategy title and summary) carry every payload of the batch, one after another.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
PAYLOADS = ROOT / "tests" / "fixtures" / "hostile" / "payloads.json"
AUDIENCES = ("all-staff", "leadership")
EVIL_WORDS = ("pwned", "onerror", "script", "evil")


@dataclass(frozen=True)
class Payload:
    number: int
    kind: str
    text: str


def payloads() -> list[Payload]:
    """Every payload of the corpus, numbered in file order."""
    data = json.loads(PAYLOADS.read_text(encoding="utf-8"))
    return [Payload(i, item["class"], item["text"]) for i, item in enumerate(data)]


def fast_subset(every: list[Payload], per_class: int = 2) -> list[Payload]:
    """The first payloads of each class: every class represented, small enough for `make test`."""
    seen: dict[str, int] = {}
    out = []
    for p in every:
        if seen.get(p.kind, 0) < per_class:
            seen[p.kind] = seen.get(p.kind, 0) + 1
            out.append(p)
    return out


def _dump(path: Path, data: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        yaml.safe_dump(data, sort_keys=False, allow_unicode=False, width=1_000_000), encoding="utf-8"
    )


def _role(i: int, p: Payload, manager: str | None, manager_has_outcome: bool) -> dict[str, Any]:
    t = p.text
    supports: list[Any] = [{"ref": f"{manager}#o1", "how": t}] if manager and manager_has_outcome else []
    supports.append({"ref": f"G{i}", "how": t})
    role: dict[str, Any] = {
        "id": f"r{i:03d}",
        "title": t,
        "holder": t,
        "department": t,
        "level": 2 if manager else 3,
        "status": "draft" if i % 5 == 4 else "confirmed",
        "confirmed_on": "2026-12-01",
        "value_add": t,
        "accountabilities": [t, f"Second {t}"],
        "focus": [t],
        "outcomes": [
            {
                "id": "o1",
                "title": t,
                "measure": t,
                "target": t,
                "due": "2027-03-31",
                "supports": supports,
            }
        ],
        "authorities": [t],
        "resources": {"budget": t, f"k{i}": t},
        "trade_offs": [t],
        "dialogue": [{"date": "2026-11-02", "with": manager or f"r{i:03d}", "note": t}],
    }
    if role["status"] == "draft":
        del role["confirmed_on"]
    if manager:
        role["reports_to"] = manager
    return role


def write_org(folder: Path, batch: list[Payload], *, rotate: int = 0) -> Path:
    """A planning repository at folder/plans holding the batch; `rotate` shifts which role holds which
    payload (a second cycle whose what-changed page then shows every payload as changed)."""
    plans = folder / "plans"
    texts = [p.text for p in batch]
    joined = " ".join(texts)
    _dump(
        plans / "portal.yaml",
        {
            "organization": joined,
            "cycle": "FY2027-H1 " + joined,
            "cycle_start": "2027-01-01",
            "cycle_end": "2027-06-30",
            "levels": {1: texts[0], 2: texts[1 % len(texts)], 3: texts[2 % len(texts)]},
            "audiences": {
                "all-staff": {"hide": ["resources", "dialogue"], "drafts": "placeholder"},
                "leadership": {"hide": [], "drafts": "include"},
            },
            "default_audience": "all-staff",
        },
    )
    goals = []
    for i, p in enumerate(batch):
        goals.append(
            {
                "id": f"G{i}",
                "title": p.text,
                "description": p.text,
                "milestones": [
                    {
                        "id": f"G{i}-M1",
                        "title": p.text,
                        "due": "2027-05-31",
                        "measure": p.text,
                        "target": p.text,
                    }
                ],
            }
        )
    _dump(plans / "strategy.yaml", {"title": joined, "owner": "r000", "summary": joined, "goals": goals})
    n = len(batch)
    for i in range(n):
        p = batch[(i + rotate) % n]
        manager = None if i == 0 else f"r{(i - 1) // 3:03d}"
        manager_index = (i - 1) // 3
        sub = "" if i == 0 else f"{manager}/"
        _dump(plans / "roles" / sub / f"r{i:03d}.yaml", _role(i, p, manager, manager_index % 5 != 4))
    return plans


def batches(every: list[Payload], size: int) -> list[list[Payload]]:
    return [every[i : i + size] for i in range(0, len(every), size)]


# --------------------------------------------------------------------------- the browser probe

INIT = r"""
(() => {
  // A payload that manages to run may set any global: remember the names a clean page starts with.
  window.__vapBaseline = new Set(Object.getOwnPropertyNames(window));
})();
"""

# Hover, focus and open everything by script (fast), then report what became live.
EXERCISE = r"""async () => {
    for (const d of document.querySelectorAll('details')) d.open = true;
    const all = Array.from(document.querySelectorAll('body *'));
    for (const el of all) {
        el.dispatchEvent(new MouseEvent('mouseover', {bubbles: true}));
        el.dispatchEvent(new MouseEvent('mouseenter'));
        if (el.tabIndex >= 0 || el.matches('a[href], button, input, select, textarea, summary, [tabindex]'))
            el.focus({preventScroll: true});
    }
    await new Promise(r => setTimeout(r, 80));
}"""

PROBE = r"""(material) => {
    const decodeURIComponentSafe = (v) => { try { return decodeURIComponent(v); } catch (e) { return v; } };
    const bad = [];
    const known = new Set([...window.__vapBaseline, ...material]);
    // The directory's own filter, exactly as directory.html.j2 writes it: one form without an action,
    // one search field and at most three selects, each where the template puts it (the options' text
    // is escaped plan text, checked like every attribute). Anything more is plan text getting in.
    const FIELDS = ['input[type=search][name=text]', 'select[name=department]', 'select[name=level]',
                    'select[name=status]'].map(f => 'form.vap-filter > .vap-filter__fields > label > ' + f);
    const ownFilter = (el) => {
        const forms = document.querySelectorAll('form.vap-filter, form[data-vap-directory]');
        const form = el.closest('form');
        if (forms.length !== 1 || form !== forms[0] || !form.matches('[data-vap-directory]')
                || form.hasAttribute('action') || form.hasAttribute('method')) return false;
        const controls = form.querySelectorAll('input, select, textarea, button, form, iframe, object');
        if (controls.length !== form.querySelectorAll(FIELDS.join(', ')).length) return false;
        return el === form || FIELDS.some(f => el.matches(f));
    };
    for (const name of Object.getOwnPropertyNames(window))
        if (/pwn/i.test(name) || !known.has(name)) bad.push('window global set: ' + name);
    if (window.top.__pwned || window.parent.__pwned) bad.push('parent global set');
    for (const el of document.querySelectorAll('*')) {
        for (const a of el.attributes) {
            if (/^on/i.test(a.name))
                bad.push(`live handler <${el.localName} ${a.name}="${a.value.slice(0, 60)}">`);
            const v = a.value.replace(/[\x00-\x20\x7f]+/g, '').toLowerCase();
            let scheme = '';  // as the browser reads the URL (a page named `javascript-x/` is a page)
            try { scheme = new URL(a.value, document.baseURI).protocol; } catch (e) { scheme = ''; }
            if (/(^|:)(href|src|action|formaction|data|srcdoc|xlink:href)$/i.test(a.name)
                    && (/^(javascript|vbscript):|^data:text/.test(v)
                        || ['javascript:', 'vbscript:'].includes(scheme)
                        || /^(javascript|vbscript):/.test(decodeURIComponentSafe(v)))
                    && !(el.closest('[data-md-component=search]') && a.value === 'javascript:void(0)'))
                bad.push(`script URL <${el.localName} ${a.name}="${a.value.slice(0, 60)}">`);
        }
        if (['iframe', 'frame', 'embed', 'object', 'base', 'form', 'input', 'textarea', 'select', 'meta',
             'style', 'image', 'use', 'foreignobject', 'animate', 'set', 'math'].includes(el.localName)) {
            const allowed = (el.closest('.md-header, .md-search, .md-footer, head')
                             && !el.closest('.md-typeset'))
                || (el.localName === 'input' && el.matches('.md-toggle, .md-option, .md-nav__toggle'))
                || ownFilter(el);
            if (!allowed) bad.push(`element <${el.localName}> in content: ${el.outerHTML.slice(0, 100)}`);
        }
        const title = el.getAttribute('title');
        const ellipsis = el.querySelector('.md-ellipsis') || el;  // Material copies truncated text here
        if (title && /[<&]|pwn|evil/i.test(title) && title !== ellipsis.innerText)
            bad.push(`plan text in a title attribute <${el.localName} title="${title.slice(0, 60)}">`);
        if (el.localName === 'script' && !el.src && el.type !== 'application/json')
            bad.push('inline script: ' + el.textContent.slice(0, 80));
    }
    const config = JSON.parse(document.getElementById('__config')?.textContent || '{}');
    if ((config.features || []).includes('content.tooltips'))
        bad.push('content.tooltips is on: it renders titles (copied from plan text) as HTML');
    for (const tip of document.querySelectorAll('.md-tooltip__inner, .md-tooltip2__inner'))
        if (tip.querySelector('*:not(br)')) bad.push('markup in a tooltip: ' + tip.innerHTML.slice(0, 80));
    return bad;
}"""


def material_globals(page: Any) -> list[str]:
    """The globals Material and the browser add on a clean page of the same theme (the allow-list)."""
    names: list[str] = page.evaluate(
        "() => Object.getOwnPropertyNames(window).filter(n => !window.__vapBaseline.has(n))"
    )
    return sorted(n for n in names if not re.search("pwn", n, re.I))


MKDOCS_YML = """\
site_name: Hostile portal
site_url: http://127.0.0.1/
theme:
  name: material
  font: false
  features: [navigation.prune, navigation.top, search.suggest, search.highlight, content.tooltips]
  palette:
    - media: "(prefers-color-scheme: light)"
      scheme: default
      toggle: {icon: material/weather-night, name: Switch to dark mode}
    - media: "(prefers-color-scheme: dark)"
      scheme: slate
      toggle: {icon: material/weather-sunny, name: Switch to light mode}
plugins:
  - vap
  - search
  - tags
markdown_extensions: [admonition, attr_list, md_in_html, tables, pymdownx.superfences]
"""


def write_config(folder: Path) -> Path:
    """The portal configuration of the hostile organisation: tooltips and the palette toggle on, as in
    the example's mkdocs.yml and `vap init`'s template."""
    (folder / "docs").mkdir(parents=True, exist_ok=True)
    (folder / "docs" / "start-here.md").write_text("# Start here\n\nHow to read this portal.\n")
    config = folder / "mkdocs.yml"
    config.write_text(MKDOCS_YML, encoding="utf-8")
    return config
