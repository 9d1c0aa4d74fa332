"""`vap build --emit-docs DIR`: one edition as a plain docs folder that builds without the vap plugin.

The generator writes pages that only the plugin can finish (diagram placeholders, `vap:` links).
Here every page is finished the way the plugin finishes it in a build: diagrams inlined as SVG,
`vap:` links resolved to relative URLs for the configured URL style, and the second-line defusing
applied; the hand-written docs are copied beside them, with the package's stylesheet, and an
mkdocs.yml without the vap plugin (the same theme, extensions and plugins; the navigation the
plugin would have used). MkDocs, ProperDocs or another engine that reads mkdocs.yml can build it.
"""

from __future__ import annotations

import posixpath
import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from mkdocs.structure.files import File

from site_builder.checking.check import CheckResult
from site_builder.errors import BuildError, PortalError
from site_builder.generator.generate import Generated
from site_builder.generator.safe_md import unmark
from site_builder.mkdocs_adapter import theme
from site_builder.mkdocs_adapter.api import PLUGIN, SiteSettings, overrides, read_config_yaml
from site_builder.mkdocs_adapter.links import PLAN_LINK, defuse, resolve_links

MARKER = ".vap-emitted-docs"
"""Written into DIR: a later --emit-docs may replace only a folder that an earlier one wrote."""
_DIAGRAM = re.compile(r"<!--vap-diagram (\S+) [0-9a-f]+-->")  # generator/generate.py writes these


@dataclass(frozen=True, slots=True)
class EmittedDocs:
    out_dir: Path
    pages: int
    """Generated pages written (hand-written pages of the same name win, as in a build)."""
    generated: Generated


LINK_STYLES = ("urls", "md")


def emit_docs(
    config_file: Path,
    settings: SiteSettings,
    out_dir: Path,
    *,
    checked: CheckResult | None = None,
    links: str = "urls",
) -> EmittedDocs:
    """Generate one edition and write it to `out_dir/docs` with `out_dir/mkdocs.yml` beside it."""
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    from site_builder.mkdocs_adapter.plugin import VapPlugin

    _prepare(out_dir)
    try:
        config = load_config(config_file=str(config_file), **overrides(config_file, settings))
        plugin = config.plugins[PLUGIN]
        assert isinstance(plugin, VapPlugin)
        plugin.checked = checked
        plugin.on_config(config)  # theme settings and navigation, then the generator, as in a build
    except MkDocsException as exc:
        raise BuildError(f"the docs could not be emitted: {exc}") from exc
    generated = plugin.generated
    assert generated is not None  # on_config generated, or raised
    docs = out_dir / "docs"
    shutil.copytree(config.docs_dir, docs, dirs_exist_ok=True)
    root = Path(plugin.generated_root)
    written = 0
    for path in sorted((*generated.pages, *generated.statics)):
        target = docs / path
        if target.exists():
            continue  # a hand-written docs/ page of the same name wins
        text = (root / path).read_text(encoding="utf-8")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(
            finish_page(path, text, generated.svgs, config.use_directory_urls, links), encoding="utf-8"
        )
        written += path.endswith(".md")
    css = docs / "assets" / "vap.css"
    if not css.exists():
        css.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(theme.THEME_DIR / "assets" / "vap.css", css)
    _write_config(config_file, config, out_dir / "mkdocs.yml")
    return EmittedDocs(out_dir, written, generated)


def finish_page(path: str, text: str, svgs: dict[str, str], directory_urls: bool, links: str = "urls") -> str:
    """What the plugin does to a page in a build, done to its source: diagrams, links, defusing.

    links='urls': `vap:` links become URLs relative to the page's URL, as in a build (MkDocs and
    ProperDocs leave links in raw HTML alone). links='md': relative paths to the target files
    (`../roles/x.md#a`), which engines that resolve links in raw HTML (Zensical) turn into URLs."""
    if links not in LINK_STYLES:
        raise ValueError(f"links must be one of {LINK_STYLES}, not {links!r}")
    text = unmark(_DIAGRAM.sub(lambda match: svgs.get(match.group(1), ""), text))  # no vap plugin there
    if links == "md":
        return defuse(PLAN_LINK.sub(lambda m: _md_link(path, m), text))
    here = File(path, None, "", directory_urls).url if path.endswith(".md") else path
    return defuse(resolve_links(text, here, directory_urls=directory_urls))


def _md_link(path: str, match: re.Match[str]) -> str:
    attr, target, anchor = match.group(1), match.group(2) or path, match.group(3) or ""
    return f'{attr}="{posixpath.relpath(target, posixpath.dirname(path) or ".")}{anchor}"'


def _prepare(out_dir: Path) -> None:
    """An empty or missing folder, or one an earlier --emit-docs wrote (its docs/ is replaced)."""
    if out_dir.exists() and not out_dir.is_dir():
        raise PortalError(f"--emit-docs {out_dir}: exists and is not a folder")
    if out_dir.is_dir() and any(out_dir.iterdir()):
        if not (out_dir / MARKER).is_file():
            raise PortalError(
                f"--emit-docs {out_dir}: the folder is not empty and was not written by --emit-docs; "
                "choose an empty or new folder"
            )
        shutil.rmtree(out_dir / "docs", ignore_errors=True)
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / MARKER).write_text("written by vap build --emit-docs; replaced by the next one\n")


def _write_config(config_file: Path, config: Any, target: Path) -> None:
    """The portal's mkdocs.yml as written, less the vap plugin, plus what the plugin would add."""
    raw = read_config_yaml(config_file)
    raw.pop("INHERIT", None)
    raw["docs_dir"] = "docs"
    raw["site_dir"] = "site"
    raw["plugins"] = _without_vap(raw.get("plugins", ["search"]))
    raw["nav"] = config.nav
    raw["extra_css"] = list(config.extra_css)
    raw["markdown_extensions"] = _extensions(raw.get("markdown_extensions") or [])
    written_theme = raw.get("theme")
    raw_theme: dict[str, Any] = written_theme if isinstance(written_theme, dict) else {"name": written_theme}
    raw["theme"] = {**raw_theme, "font": False}
    if raw_theme.get("custom_dir"):  # the portal's own overrides travel with the folder
        shutil.copytree(config_file.parent / str(raw_theme["custom_dir"]), target.parent / "overrides")
        raw["theme"]["custom_dir"] = "overrides"
    raw["extra"] = {"generator": False, **(raw.get("extra") or {})}
    try:
        text = yaml.dump(raw, Dumper=_Dumper, sort_keys=False, allow_unicode=True)
    except yaml.YAMLError as exc:
        raise BuildError(
            f"{config_file}: a value cannot be written as plain YAML ({exc}); "
            "the emitted mkdocs.yml needs plain values (no !!python tags)"
        ) from exc
    target.write_text(
        "# Written by vap build --emit-docs: the portal's mkdocs.yml without the vap plugin.\n" + text
    )


class _Dumper(yaml.SafeDumper):
    """Plain YAML, with multi-line strings (exclude_docs, not_in_nav) kept as readable blocks."""


def _block_strings(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|" if "\n" in value else None)


_Dumper.add_representer(str, _block_strings)


def _without_vap(value: Any) -> Any:
    """The `plugins` entry as written (a list or a mapping), less the vap plugin."""
    if isinstance(value, dict):
        return {name: options for name, options in value.items() if name != PLUGIN}
    return [e for e in value or [] if (next(iter(e)) if isinstance(e, dict) else e) != PLUGIN]


def _extensions(value: Any) -> list[Any]:
    """The Markdown extensions as written, with the ones the generated pages need added."""
    out: list[Any] = [{k: v} for k, v in value.items()] if isinstance(value, dict) else list(value)
    names = {next(iter(e)) if isinstance(e, dict) else e for e in out}
    return out + [ext for ext in theme.REQUIRED_EXTENSIONS if ext not in names]


__all__ = ["LINK_STYLES", "MARKER", "EmittedDocs", "emit_docs", "finish_page"]
