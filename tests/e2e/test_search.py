"""The header search in a real browser: Material's box, answered from the edition's Pagefind index.

Typing goes into the header search of the example and of a 1,000-role organisation; the first result
opens; the department filter narrows the results; only the chunks a query needs are fetched (never
Material's whole index), and nothing leaves the local server.
"""

from __future__ import annotations

import gzip
import json
import math
import shutil
import subprocess
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml

from site_builder.generator.search_records import Record
from site_builder.mkdocs_adapter import pagefind_index
from site_builder.mkdocs_adapter.pagefind_index import OUTPUT, PARTS, write_index
from tests.conftest import write_portal_config
from tests.e2e.conftest import _vap, build_site

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
_FACTS = "els => els.map(el => el.querySelector('.vap-search-facts')?.textContent || '')"


def _open_search_with_slash(page: Any) -> None:
    """The `/` shortcut people know from Material: focus lands in the header search box."""
    page.keyboard.press("/")
    page.wait_for_function(
        "() => document.querySelector('.md-search-result__meta')?.textContent.trim()"
        " === 'Type to start searching'"
    )
    assert page.evaluate("() => document.activeElement.matches('input.md-search__input')")
    assert page.evaluate("() => document.getElementById('__search').checked")


def _no_whole_index(requests: list[str]) -> None:
    paths = [urlsplit(u).path for u in requests]
    assert not any("search_index" in p or "/workers/search" in p for p in paths), paths
    assert any(p.endswith("/pagefind/pagefind.js") for p in paths)


def test_type_in_the_header_search_and_open_the_first_result(
    page: Any, example_server: Any, assert_local_only: Any, page_requests: list[str]
) -> None:
    page.goto(example_server.url())
    _open_search_with_slash(page)
    page.keyboard.type("Fatima Zahra Benali")
    first = page.locator(".md-search-result__item").first
    first.wait_for()
    assert first.locator("h1").inner_text() == "Booking Coordinator"
    facts = first.locator(".vap-search-facts").inner_text()
    assert "Fatima Zahra Benali" in facts and "Operations" in facts  # holder and department
    assert first.locator("mark").count() >= 1  # the matching words are highlighted
    page.keyboard.press("Enter")  # as in Material: Enter opens the first result
    page.wait_for_url("**/roles/booking-coordinator/")
    assert page.locator("h1").first.inner_text().strip() == "Booking Coordinator"
    _no_whole_index(page_requests)
    assert_local_only(example_server)


def test_the_department_filter_narrows_the_results(
    page: Any, example_server: Any, search: Any, assert_local_only: Any
) -> None:
    page.goto(example_server.url())
    everywhere = search(page, "booking")
    departments = {r["text"].split(" · ")[1] for r in everywhere if " · " in r["text"]}
    assert len(departments) >= 2, everywhere  # the query alone spans departments
    select = page.locator("select.vap-search-filter[name=department]")
    options = select.locator("option").all_inner_texts()
    assert "Operations" in options and options[0] == "Department: all"
    select.select_option("Operations")
    page.wait_for_function(
        """() => {
            const items = [...document.querySelectorAll('.md-search-result__item')];
            return items.length > 0 && items.every(el => el.textContent.includes('Operations'));
        }"""
    )
    facts = page.eval_on_selector_all(".md-search-result__item", _FACTS)
    assert facts and all("Operations" in f for f in facts), facts
    assert len(facts) < len(everywhere)
    page.locator(".md-search-result__item a").first.click()
    page.wait_for_url("**/roles/**")
    assert "Operations" in page.locator(".vap-role-meta").inner_text()
    assert_local_only(example_server)


def test_search_follows_the_dark_scheme(page: Any, example_server: Any, assert_local_only: Any) -> None:
    page.emulate_media(color_scheme="dark")
    page.goto(example_server.url())
    _open_search_with_slash(page)
    page.keyboard.type("booking")
    page.locator(".md-search-result__item").first.wait_for()
    colours = page.evaluate(
        """() => {
            const style = getComputedStyle(document.querySelector('select.vap-search-filter'));
            return {scheme: document.body.getAttribute('data-md-color-scheme'), bg: style.backgroundColor,
                    page: getComputedStyle(document.querySelector('.md-search-result')).backgroundColor};
        }"""
    )
    assert colours["scheme"] == "slate"
    assert colours["bg"] != "rgb(255, 255, 255)", colours  # the filters are not white boxes on dark
    assert_local_only(example_server)


@pytest.fixture(scope="module")
def thousand_roles(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    """A synthetic organisation of 1,000 roles (vap synth), built without diagrams; and one of its roles."""
    org = tmp_path_factory.mktemp("org1000")
    synth = [*_vap(), "synth", str(org), "--roles", "1000"]
    subprocess.run(synth, check=True, capture_output=True, timeout=300)
    site = build_site(org / "plans", write_portal_config(org), org / "site", "--no-diagrams")
    files = sorted((org / "plans" / "roles").rglob("*.yaml"))
    for path in files[len(files) // 2 :]:  # a role deep in the organisation, with a holder
        role: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
        if role.get("holder"):
            return site, {**role, "id": role.get("id") or path.stem}
    raise AssertionError("the synthetic organisation has no held role")


@pytest.mark.slow
def test_a_thousand_role_organisation_answers_by_holder(
    page: Any, serve: Any, thousand_roles: tuple[Path, dict[str, Any]], page_requests: list[str]
) -> None:
    site, role = thousand_roles
    server = serve(site)
    page.goto(server.url())
    _open_search_with_slash(page)
    # the whole name at once (pasted): typed key by key, each prefix whose results came before the next
    # key shows its own ten results, so how many fragments load would depend on the machine's speed
    page.locator("input.md-search__input").fill(role["holder"])
    page.locator(".md-search-result__item").first.wait_for()
    hrefs = page.eval_on_selector_all(".md-search-result__item a", "els => els.slice(0, 5).map(a => a.href)")
    assert any(urlsplit(h).path.endswith(f"/roles/{role['id']}/") for h in hrefs), (role, hrefs)
    page.locator(".md-search-result__item a").first.click()
    page.wait_for_url("**/roles/**")
    assert role["holder"] in page.locator(".vap-role-meta").inner_text()
    _no_whole_index(page_requests)
    fragments = [u for u in page_requests if u.endswith(".pf_fragment")]
    assert 1 <= len(fragments) <= 10  # one query: only the ten results shown, not the organisation
    foreign = sorted({u for u in page_requests if not u.startswith(server.base)})
    assert foreign == []


@pytest.fixture(scope="module")
def parted_site(
    example_site: Path, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, dict[str, Record]]:
    """The example site with its index rewritten in three parts (as a 10,000-role edition is written),
    from the records its one-part index holds; and each record by the part it went to."""
    site = tmp_path_factory.mktemp("parted") / "site"
    shutil.copytree(example_site, site)
    records = list(_records(site / OUTPUT).values())
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(pagefind_index, "PART_SIZE", math.ceil(len(records) / 3))
        write_index(records, site)
    assert json.loads((site / OUTPUT / PARTS).read_text(encoding="utf-8")) == ["part-2/", "part-3/"]
    return site, _records(site / OUTPUT)


def _records(index: Path) -> dict[str, Record]:
    """The records an index holds, by the folder of their part and URL ("pagefind roles/x/")."""
    out = {}
    for path in sorted(index.rglob("fragment/*.pf_fragment")):
        text = gzip.decompress(path.read_bytes()).decode("utf-8")
        data = json.loads(text[text.index("{") :])
        record = Record(data["url"], data["content"], data["meta"], data["filters"])
        out[f"{path.parent.parent.name} {record.url}"] = record
    return out


def test_an_index_in_parts_answers_as_one(
    page: Any, serve: Any, parted_site: tuple[Path, dict[str, Record]], search: Any, page_requests: list[str]
) -> None:
    """The search script merges every part: results and filter values come from all of them."""
    site, records = parted_site
    part_of = {record.url: key.split()[0] for key, record in records.items()}
    server = serve(site)
    page.goto(server.url())
    found = search(page, "booking")
    assert len({part_of[urlsplit(r["href"]).path.lstrip("/")] for r in found}) >= 2, found  # merged answers
    first, later = set(), set()
    for key, record in records.items():
        (first if key.startswith(OUTPUT + " ") else later).update(record.filters.get("department", []))
    assert first ^ later  # a department only some parts know: the options show whether every part is read
    options = page.locator("select.vap-search-filter[name=department] option").all_inner_texts()
    assert first | later <= set(options), options
    found = search(page, "Fatima Zahra Benali")
    assert found[0]["title"] == "Booking Coordinator", found
    paths = [urlsplit(u).path for u in page_requests]
    assert any("/pagefind/part-2/" in p for p in paths) and any("/pagefind/part-3/" in p for p in paths)
    assert not any(p.endswith(("/part-2/pagefind.js", "/part-3/pagefind.js")) for p in paths)
    assert sorted({u for u in page_requests if not u.startswith(server.base)}) == []
