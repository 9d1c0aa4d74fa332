"""The portal's mkdocs.yml as publishing needs it: read without running its tags, and a temporary
config that inherits it and adds the version selector (and the "What changed" page to the nav).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

from site_builder.errors import PortalError
from site_builder.generator import urls
from site_builder.publishing.atomic import alive, remove


@contextlib.contextmanager
def temp_config(config_file: Path, site_url: str | None, *, changes: bool) -> Iterator[Path]:
    """mkdocs.yml plus the version selector, via MkDocs' INHERIT; beside it, so relative paths still work."""
    folder = config_file.parent
    for stale in folder.glob(".vap-publish-*.yml"):
        pid = stale.stem.rsplit("-", 1)[-1]
        if pid.isdigit() and not alive(int(pid)):
            remove(stale)
    user = user_config(config_file)
    extra: dict[str, Any] = {"INHERIT": str(config_file), "extra": {"version": {"provider": "mike"}}}
    if site_url:
        extra["site_url"] = site_url
    if changes and isinstance(user.get("nav"), list):
        extra["nav"] = [*user["nav"], {"What changed": urls.CHANGES}]
    path = folder / f".vap-publish-{os.getpid()}.yml"
    path.write_text(
        "# written by vap publish; removed when it ends\n"
        + yaml.safe_dump(extra, sort_keys=False, allow_unicode=True),
        encoding="utf-8",
    )
    try:
        yield path
    finally:
        remove(path)


class _TolerantLoader(yaml.SafeLoader):
    """Reads mkdocs.yml for nav and site_url without running its tags (`!!python/name:`, `!ENV`)."""


def _tagged(loader: yaml.SafeLoader, tag: str, node: yaml.Node) -> Any:
    if tag == "!ENV":
        names = (
            [str(n.value) for n in node.value] if isinstance(node, yaml.SequenceNode) else [str(node.value)]
        )
        default = names.pop() if len(names) > 1 else None
        return next((os.environ[n] for n in names if n in os.environ), default)
    return None


_TolerantLoader.add_multi_constructor("", _tagged)


def user_config(config_file: Path, depth: int = 0) -> dict[str, Any]:
    """The top-level keys of mkdocs.yml, following INHERIT like MkDocs does."""
    try:
        data = yaml.load(config_file.read_text(encoding="utf-8-sig"), Loader=_TolerantLoader) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise PortalError(f"cannot read {config_file}: {exc}") from exc
    if not isinstance(data, dict):
        return {}
    parent = data.pop("INHERIT", None)
    if isinstance(parent, str) and depth < 10:
        data = {**user_config((config_file.parent / parent).resolve(), depth + 1), **data}
    return data
