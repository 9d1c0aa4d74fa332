"""The adapter's door for commands and publishing: build or serve a site with the plugin's options set.

The options travel as MkDocs' own configuration overrides (`load_config(config_file, **overrides)`,
`serve(..., **overrides)`), never through the environment.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from site_builder.checking.check import CheckResult
from site_builder.errors import BuildError
from site_builder.generator.generate import Generated

PLUGIN = "vap"


@dataclass(frozen=True, slots=True)
class SiteSettings:
    """What `vap build/serve/publish` ask of the plugin; each field is one of its typed options."""

    plans: Path
    audience: str | None = None
    """None: `default_audience` of portal.yaml; 'preview' shows everything."""
    diagrams: bool = True
    previous: Path | None = None
    """plans.json of the cycle that "What changed" compares with (publishing only)."""

    def options(self) -> dict[str, Any]:
        out: dict[str, Any] = {"plans": str(self.plans.resolve()), "diagrams": self.diagrams}
        if self.audience:
            out["audience"] = self.audience
        if self.previous is not None:
            out["previous"] = str(self.previous.resolve())
        return out


@dataclass(frozen=True, slots=True)
class BuiltSite:
    site_dir: Path
    generated: Generated
    """What the pages were rendered from: publishing snapshots exactly this view."""


def overrides(config_file: Path, settings: SiteSettings) -> dict[str, Any]:
    """The `plugins` of mkdocs.yml with the vap plugin's options set, as a load_config override.

    MkDocs overrides replace top-level keys only, so the whole `plugins` entry is passed, read with
    MkDocs' own YAML loader (INHERIT, !ENV). It is a mapping, which MkDocs reads without consuming it,
    so `serve` can hand the same one to load_config at every rebuild (tests/integration/test_adapter.py)."""
    raw = read_config_yaml(config_file)
    plugins: dict[str, dict[str, Any]] = {}
    for name, options in _entries(raw.get("plugins", ["search"])):
        if name in plugins:
            raise BuildError(f"{config_file}: plugin '{name}' is listed twice; vap needs each plugin once")
        enabled = options.pop("enabled", True)  # MkDocs would pop it too: the mapping must stay whole
        if enabled:
            plugins[name] = options
    if PLUGIN not in plugins:
        raise BuildError(f"{config_file} does not use the '{PLUGIN}' plugin: add '- {PLUGIN}' under plugins")
    plugins[PLUGIN] = {**plugins[PLUGIN], **settings.options()}
    return {"plugins": plugins}


def read_config_yaml(config_file: Path) -> dict[str, Any]:
    """mkdocs.yml as MkDocs reads it (INHERIT merged, `!ENV` resolved), before validation."""
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.utils.yaml import get_yaml_loader, yaml_load

    try:
        with config_file.open("rb") as fd:
            raw = yaml_load(fd, get_yaml_loader(config=MkDocsConfig(config_file_path=str(config_file))))
    except Exception as exc:  # MkDocs raises its own ConfigurationError or a YAML error
        raise BuildError(f"cannot read {config_file}: {exc}") from exc
    if not isinstance(raw, dict):
        raise BuildError(f"{config_file}: expected a mapping of settings at the top")
    return raw


def _entries(value: Any) -> list[tuple[str, dict[str, Any]]]:
    """A list or mapping of plugins, as MkDocs reads it, as (name, options) pairs."""
    items = (
        value.items()
        if isinstance(value, dict)
        else [
            next(iter(item.items())) if isinstance(item, dict) and len(item) == 1 else (item, {})
            for item in (value if isinstance(value, list) else [])
        ]
    )
    return [(str(name), dict(options or {})) for name, options in items]


def build_site(
    config_file: Path,
    settings: SiteSettings,
    *,
    site_dir: Path | None = None,
    checked: CheckResult | None = None,
) -> BuiltSite:
    """`mkdocs build` as a function. `checked`: the plans already checked by the caller (read once)."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    from site_builder.mkdocs_adapter.plugin import VapPlugin

    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")  # MkDocs' own switch: no banner about MkDocs 2
    try:
        config = load_config(
            config_file=str(config_file),
            site_dir=str(site_dir) if site_dir else None,
            **overrides(config_file, settings),
        )
        plugin = config.plugins[PLUGIN]
        assert isinstance(plugin, VapPlugin)
        plugin.checked = checked
        config.plugins.on_startup(command="build", dirty=False)
        try:
            build(config)
        finally:
            plugin.checked = None
            config.plugins.on_shutdown()
    except MkDocsException as exc:
        raise BuildError(f"the site could not be built: {exc}") from exc
    assert plugin.generated is not None  # on_config generated, or the build raised
    return BuiltSite(Path(config.site_dir), plugin.generated)


def serve_site(
    config_file: Path, settings: SiteSettings, *, host: str, port: int, open_browser: bool, start_url: str
) -> None:
    """Live preview of the plans with every rebuild configured by `settings`."""
    from site_builder.mkdocs_adapter import serve

    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    serve.serve_site(
        config_file,
        overrides(config_file, settings),
        host=host,
        port=port,
        open_browser=open_browser,
        start_url=start_url,
    )


__all__ = ["BuiltSite", "SiteSettings", "build_site", "overrides", "read_config_yaml", "serve_site"]
