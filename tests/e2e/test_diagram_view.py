"""Diagrams people can explore, in a real browser: each opens centred on the subject of its page with
legible text, zooms and pans with visible controls, and every link in it leads to a page of the site."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

from tests.e2e.conftest import PHONE, Server

ROLE = "dir-clinic-operations"

_GEOMETRY = """view => {
    const svg = view.querySelector('svg');
    const vb = svg.viewBox.baseVal;
    const rect = svg.getBoundingClientRect();
    const scale = rect.width / vb.width;
    const box = view.getBoundingClientRect();
    const subject = [...svg.querySelectorAll('.vap-subject')].map(n => n.getBoundingClientRect());
    const fonts = [...svg.querySelectorAll('text')].map(t => parseFloat(t.getAttribute('font-size')) * scale);
    return {
        view: {left: box.left, top: box.top, width: box.width, height: box.height},
        subject: subject.map(r => ({x: r.left + r.width / 2, y: r.top + r.height / 2, top: r.top})),
        others: [...svg.querySelectorAll('g.node:not(.vap-subject)')].map(n => n.getBoundingClientRect().top),
        smallest: Math.min(...fonts),
        scale,
        full: {width: svg.viewBox.baseVal.width},
    };
}"""


def geometry(page: Any, selector: str) -> dict[str, Any]:
    view = page.locator(selector)
    assert view.count() == 1, f"expected one diagram view for {selector}"
    view.scroll_into_view_if_needed()
    result: dict[str, Any] = view.evaluate(_GEOMETRY)
    return result


def role_view(role: str) -> str:
    return f'.vap-diagram-view:has(svg[aria-labelledby^="dg-role-{role}-"])'


def test_a_role_diagram_opens_centred_on_the_role_with_legible_text_and_zooms(
    page: Any, example_server: Server
) -> None:
    page.set_viewport_size(PHONE)  # narrow: the drawing is wider than the view, so centring matters
    page.goto(example_server.url(f"roles/{ROLE}/"))
    g = geometry(page, role_view(ROLE))
    view, (subject,) = g["view"], g["subject"]
    assert g["smallest"] >= 11.99, f"smallest label {g['smallest']:.1f} px at the initial scale"
    centre_x = view["left"] + view["width"] / 2
    assert abs(subject["x"] - centre_x) < 2, f"role at x={subject['x']:.0f}, view centre {centre_x:.0f}"
    assert view["top"] <= subject["y"] <= view["top"] + view["height"]

    frame = page.locator(".vap-diagram").filter(has=page.locator(role_view(ROLE)))
    controls = frame.locator(".vap-zoom-controls")
    names = [b.get_attribute("aria-label") for b in controls.get_by_role("button").all()]
    assert names == ["Zoom in", "Zoom out", "Reset the view", "Full screen"]
    controls.get_by_role("button", name="Zoom in").click()
    zoomed = geometry(page, role_view(ROLE))
    assert abs(zoomed["scale"] / g["scale"] - 1.25) < 0.01
    assert abs(zoomed["subject"][0]["x"] - centre_x) < 2, "zooming keeps the middle of the view in place"
    controls.get_by_role("button", name="Reset the view").click()
    assert abs(geometry(page, role_view(ROLE))["scale"] - g["scale"]) < 1e-6


def test_dragging_pans_and_does_not_follow_a_link(page: Any, example_server: Server) -> None:
    page.set_viewport_size(PHONE)
    page.goto(example_server.url(f"roles/{ROLE}/"))
    before = geometry(page, role_view(ROLE))["subject"][0]
    node = page.locator(f"{role_view(ROLE)} g.vap-subject a").first
    box = node.bounding_box()
    assert box is not None
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] / 2 + 60, box["y"] + box["height"] / 2, steps=6)
    page.mouse.up()
    after = geometry(page, role_view(ROLE))["subject"][0]
    # (navigation.tracking puts the heading in view into the fragment: only the page counts)
    assert page.url.split("#")[0] == example_server.url(f"roles/{ROLE}/"), "a drag followed the link under it"
    assert abs(after["x"] - before["x"] - 60) < 3, (before, after)


def test_a_goal_diagram_runs_top_to_bottom_from_the_goal(page: Any, example_server: Server) -> None:
    page.goto(example_server.url("strategy/g1/"))
    g = geometry(page, '.vap-diagram-view:has(svg[aria-labelledby^="dg-goal-"])')
    (goal,) = g["subject"]
    assert g["others"] and all(goal["top"] < top for top in g["others"]), "the goal is not above every node"
    assert g["view"]["top"] <= goal["y"] <= g["view"]["top"] + g["view"]["height"], "the goal is off-screen"
    assert g["smallest"] >= 11.99


def test_every_link_in_every_diagram_has_a_target_that_resolves(
    page: Any, example_server: Server, example_site: Path
) -> None:
    pages = sorted(p for p in example_site.rglob("index.html") if "<svg" in p.read_text(encoding="utf-8"))
    assert len(pages) > 20, "the example site should have diagrams on most pages"
    for path in pages:  # every page, straight from the files: no <a> in an SVG without a target
        html = path.read_text(encoding="utf-8")
        for svg in re.findall(r"<svg.*?</svg>", html, re.S):
            bare = [a for a in re.findall(r"<a\b[^>]*>", svg) if not re.search(r'\shref="[^"#][^"]*"', a)]
            assert not bare, f"{path.relative_to(example_site)}: <a> without a link target: {bare[:3]}"
    targets: set[str] = set()
    for path in ("", "organisation/", "strategy/g1/", f"roles/{ROLE}/", "roles/ceo/"):
        page.goto(example_server.url(path))
        hrefs = page.eval_on_selector_all(".vap-diagram svg a", "as => as.map(a => a.getAttribute('href'))")
        assert hrefs and all(hrefs), f"{path}: a diagram link without a target"
        targets |= {urljoin(page.url, h).split("#", 1)[0] for h in hrefs}
    for url in sorted(targets):
        assert url.startswith(example_server.base), url
        response = page.request.get(url)
        assert response.status == 200, f"{url}: {response.status}"


def test_the_text_list_names_the_same_nodes_as_the_diagram(page: Any, example_server: Server) -> None:
    page.goto(example_server.url(f"roles/{ROLE}/"))
    frame = page.locator(".vap-diagram").filter(has=page.locator(role_view(ROLE)))
    linked = frame.locator("svg a").evaluate_all("as => as.map(a => a.getAttribute('href')).sort()")
    listed = frame.locator("details.vap-diagram-text > ul > li > a").evaluate_all(
        "as => as.map(a => a.getAttribute('href')).sort()"
    )
    assert linked and listed == linked
    assert frame.locator(".vap-legend").inner_text().startswith("Reading the diagram:")
