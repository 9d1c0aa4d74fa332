"""Role facets made on demand equal what the generation's Index says of every role."""

from __future__ import annotations

from pathlib import Path

from site_builder.authoring.synth import generate as synth
from site_builder.checking.check import run_checks
from site_builder.domain.audience import make_view, resolve_audience
from site_builder.domain.index import Index
from site_builder.generator import urls
from site_builder.generator.search_records import STATUS_LABELS, role_facets


def test_each_role_page_has_the_facets_of_its_role(tmp_path: Path) -> None:
    synth(tmp_path, 80, seed=12)
    result = run_checks(tmp_path / "plans")
    for audience in ("leadership", "all-staff"):
        view = make_view(result.plans, resolve_audience(result.plans, audience), result.findings)
        ix = Index(view.plans)
        facets = role_facets(view)
        assert set(facets) == {urls.role_page(r) for r in view.plans.roles}
        for role in view.plans.roles.values():
            f = facets[urls.role_page(role.id)]
            assert f.department == ix.departments[role.id]
            assert f.status == STATUS_LABELS.get(role.status, role.status)
            assert f.holder == (None if view.is_hidden("holder") else role.holder or "Vacant")
        assert facets.get("roles/nobody-at-all.md") is None
