"""The import rules of docs/architecture.md, read from the code itself (every import, also in functions)."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

from tests.conftest import ROOT

PACKAGE = ROOT / "site_builder"
FRAMEWORKS = ("mkdocs", "material", "watchdog")
SYNTH = "site_builder.authoring.synth"


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> Iterator[str]:
    """Every module a file imports, absolute (`from . import x` resolved against the file's package)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                package = _module_name(path if path.name == "__init__.py" else path.parent / "__init__.py")
                parts = package.split(".")
                base = ".".join([*parts[: len(parts) - node.level + 1], base]).strip(".")
            yield base
            yield from (f"{base}.{alias.name}" for alias in node.names)  # `from pkg import module`


def _graph(folder: Path) -> dict[str, set[str]]:
    return {_module_name(path): set(_imports(path)) for path in sorted(folder.rglob("*.py"))}


MODULES = _graph(PACKAGE)


def _stage(module: str) -> str:
    """site_builder.loading.loader -> 'loading'; site_builder.errors -> 'errors'."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "site_builder" else ""


def _ours(imports: set[str]) -> set[str]:
    return {_stage(name) for name in imports if name.startswith("site_builder.") and _stage(name)}


def _offenders(stage: str, allowed: set[str]) -> dict[str, set[str]]:
    found = {
        module: _ours(imports) - allowed - {stage}
        for module, imports in MODULES.items()
        if _stage(module) == stage
    }
    return {module: stages for module, stages in found.items() if stages}


def test_the_graph_sees_every_module() -> None:
    assert "site_builder.mkdocs_adapter.plugin" in MODULES and len(MODULES) > 40
    assert "domain" in _ours(MODULES["site_builder.loading.loader"])


def test_domain_imports_nothing_of_ours_but_errors() -> None:
    assert _offenders("domain", {"errors"}) == {}


def test_loading_imports_only_the_domain() -> None:
    # __version__: the package's own version, which keys the parse cache
    assert _offenders("loading", {"domain", "errors", "gcpause", "__version__"}) == {}


def test_only_the_adapter_imports_mkdocs_material_or_watchdog() -> None:
    offenders = {
        module: sorted(name for name in imports if name.split(".")[0] in FRAMEWORKS)
        for module, imports in MODULES.items()
        if _stage(module) != "mkdocs_adapter"
    }
    assert {module: names for module, names in offenders.items() if names} == {}


def test_nothing_but_the_commands_imports_the_synthetic_generator() -> None:
    users = sorted(module for module, imports in MODULES.items() if SYNTH in imports and module != SYNTH)
    assert users == ["site_builder.commands"]


def test_the_rules_catch_what_they_forbid(tmp_path: Path) -> None:
    """A loading module that imports checking, and a domain module that imports mkdocs, are seen."""
    bad = tmp_path / "site_builder" / "loading" / "bad.py"
    bad.parent.mkdir(parents=True)
    bad.write_text("from site_builder.checking.rules import RULES\n\ndef f():\n    import mkdocs.config\n")
    imports = set(_imports(bad))
    assert _ours(imports) == {"checking"}
    assert "mkdocs.config" in imports


def test_no_import_cycle_between_stages() -> None:
    edges: dict[str, set[str]] = {}
    for module, imports in MODULES.items():
        edges.setdefault(_stage(module), set()).update(_ours(imports) - {_stage(module)})
    cycles = []
    for start in sorted(edges):
        seen: set[str] = set()
        todo = sorted(edges[start])
        while todo:
            stage = todo.pop()
            if stage == start:
                cycles.append(start)
                break
            if stage not in seen:
                seen.add(stage)
                todo += sorted(edges.get(stage, ()))
    assert cycles == [], {stage: sorted(edges[stage]) for stage in cycles}
