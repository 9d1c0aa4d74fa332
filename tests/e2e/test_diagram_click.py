"""A diagram is a way around the site: clicking a manager's box in a role's reporting-line diagram opens
that manager's plan in a real browser."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from site_builder.checking.check import run_checks
from tests.e2e.conftest import ROOT, Server

ROLE = "dir-clinic-operations"


def test_clicking_the_managers_node_opens_the_managers_page(
    page: Any, example_server: Server, example_site: Path
) -> None:
    roles = run_checks(ROOT / "plans").plans.roles
    manager = roles[ROLE].reports_to
    assert manager is not None and manager in roles, f"{ROLE} needs a manager in plans/ for this test"
    page.goto(example_server.url(f"roles/{ROLE}/"))
    diagram = page.locator(f'.vap-diagram svg[aria-labelledby^="dg-role-{ROLE}-"]')
    assert diagram.count() == 1, f"no reporting-line diagram on roles/{ROLE}/ (built without diagrams?)"
    # a node's <title> is its DOT id, the role id; its <a> is what a reader clicks
    node = diagram.locator("g.node").filter(has=page.locator("title", has_text=re.compile(f"^{manager}$")))
    assert node.count() == 1
    with page.expect_navigation():
        node.locator("a").first.click()
    assert page.url == example_server.url(f"roles/{manager}/")
    assert page.locator("h1").inner_text().strip() == roles[manager].title
