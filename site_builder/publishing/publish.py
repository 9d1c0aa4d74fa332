"""Publishing a cycle: a versioned, static folder that any web server can serve, changed atomically.

Layout of the publish folder DIR (the default audience at the top, others one level down):

    DIR/versions.json, DIR/index.html, DIR/<cycle>/...            default audience of portal.yaml
    DIR/<audience>/versions.json, .../index.html, .../<cycle>/... any other audience

Each cycle folder is a complete MkDocs site with Material's version selector switched on
(`extra.version.provider: mike`, which reads `../versions.json`) plus `plans.json`, the
audience's view of the plans. Nothing is written into place until it is complete: the site is
built in `.tmp-<pid>-new-<cycle>` beside its final place, then renamed. MkDocs is only reached
through `mkdocs_plugin.build_site`.
"""

from __future__ import annotations

import contextlib
import html
import json
import os
import re
import shutil
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import yaml

from site_builder.checking.check import CheckResult, apply_policy, format_text, parse_rule_list, run_checks
from site_builder.domain import snapshot
from site_builder.domain.audience import View, make_view, resolve_audience
from site_builder.domain.model import Finding, Portal
from site_builder.errors import PlanError, PortalError
from site_builder.generator import urls

VERSIONS = "versions.json"
INDEX = "index.html"
TMP_PREFIX = ".tmp-"
REDIRECT_MARK = "<!-- written by vap publish -->"
LATEST = "latest"
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$")
_TMP = re.compile(r"^\.tmp-(\d+)-(new|old)-(.+)$")


@dataclass(frozen=True, slots=True)
class PublishResult:
    cycle: str
    audience: str
    path: Path
    """The published cycle folder."""
    versions: tuple[str, ...]
    """Cycles in versions.json after publishing, newest first."""
    previous: str | None
    """The cycle the "What changed" page compares against (None: no page)."""
    replaced: bool
    """True when --force replaced an already published cycle."""
    findings: tuple[Finding, ...]
    """Every finding after the publishing policy (only warnings remain: errors refuse publishing)."""
    notes: tuple[str, ...] = ()
    """Things the person publishing should know (printed by the command)."""


@dataclass(frozen=True, slots=True)
class _Target:
    """Where one edition of one cycle goes."""

    out_dir: Path
    root: Path
    """The folder holding versions.json: out_dir for the default audience, out_dir/<audience> otherwise."""
    cycle: str
    audience: str

    @property
    def folder(self) -> Path:
        return self.root / self.cycle


def publish(
    *,
    plans_dir: Path,
    config_file: Path,
    out_dir: Path,
    cycle: str | None = None,
    audience: str | None = None,
    force: bool = False,
    fail_on: Sequence[str] = (),
    diagrams: bool = True,
    clock: snapshot.Clock = snapshot.utc_now,
) -> PublishResult:
    """Check, gate, build beside the target, then rename the cycle, versions.json and index.html in place."""
    config_file = config_file.resolve()
    if not config_file.is_file():
        raise PortalError(f"no MkDocs configuration at '{config_file}' (pass --config-file)")
    result = run_checks(plans_dir)
    findings = gate(result, fail_on)
    chosen = resolve_audience(result.plans, audience)
    if chosen is None:
        raise PortalError(
            "'preview' shows every plan and field and is only for 'vap serve'; publish one of the "
            f"audiences of portal.yaml ({', '.join(sorted(result.plans.portal.audiences))})"
        )
    target = _target(out_dir.resolve(), result.plans.portal, chosen.name, cycle)
    view = make_view(result.plans, chosen, result.findings, index=result.index)
    created = [d for d in (target.out_dir, target.root) if not d.exists()]
    target.root.mkdir(parents=True, exist_ok=True)
    try:
        with _locked(target.out_dir):
            _sweep(target.out_dir)
            _sweep(target.root)
            versions = read_versions(target.root)
            known = [str(v["version"]) for v in versions]
            replaced = target.cycle in known or target.folder.exists()
            if replaced and not force:
                raise PortalError(
                    f"cycle '{target.cycle}' is already published at {target.folder}; publishing it again "
                    "would change what people have read and linked to. Use --force to replace it."
                )
            previous, notes = _previous(target, known)
            site_url = _cycle_url(config_file, target)
            if site_url is None:
                notes.append(
                    "site_url is not set in mkdocs.yml: switching cycles opens the other cycle's home page "
                    "instead of the same page (set it to the URL of the publish folder)"
                )
            new_versions = _updated_versions(versions, target.cycle)
            env = _env(plans_dir, target.audience, diagrams, _snapshot_of(target, previous))
            with _temp_config(config_file, site_url, changes=previous is not None) as cfg, env:
                _build_and_commit(target, cfg, view, new_versions, clock)
    except BaseException:
        for folder in reversed(created):
            with contextlib.suppress(OSError):
                folder.rmdir()  # only if still empty: a failed first publish leaves no trace
        raise
    published = tuple(str(v["version"]) for v in new_versions)
    return PublishResult(
        target.cycle, target.audience, target.folder, published, previous, replaced, findings, tuple(notes)
    )


def _target(out_dir: Path, portal: Portal, audience: str, cycle: str | None) -> _Target:
    cycle_id = _safe_name(cycle or portal.cycle, "cycle")
    default = audience == portal.default_audience
    root = out_dir if default else out_dir / _safe_name(audience, "audience")
    target = _Target(out_dir, root, cycle_id, audience)
    _refuse_collisions(target, portal)
    return target


def _build_and_commit(
    target: _Target, config: Path, view: View, versions: list[dict[str, Any]], clock: snapshot.Clock
) -> None:
    """Everything is built and staged beside its place first; any failure removes the staged files."""
    built = target.root / f"{TMP_PREFIX}{os.getpid()}-new-{target.cycle}"
    staged: list[Path] = [built]
    try:
        _build(config, built)
        data = snapshot.to_json(view, clock=clock, cycle=target.cycle)
        _write(built / snapshot.FILE_NAME, snapshot.dumps(data))
        text = json.dumps(versions, indent=2, ensure_ascii=False) + "\n"
        staged.append(_stage(target.root, VERSIONS, text))
        staged.append(_stage(target.root, INDEX, redirect_page(str(versions[0]["version"]))))
        _commit(target, built, staged[1], staged[2])
    except BaseException:
        for path in staged:
            _remove(path)
        raise


def gate(result: CheckResult, fail_on: Sequence[str]) -> tuple[Finding, ...]:
    """Errors always block; warnings block when their rule is in portal.yaml's fail_on or --fail-on."""
    policy = parse_rule_list((*result.plans.portal.fail_on, *fail_on))
    findings = tuple(apply_policy(result.findings, policy))
    blocking = [f for f in findings if f.severity == "error"]
    if blocking:
        raise PlanError(
            "nothing was published: these findings block publishing (errors always do; warnings do when "
            "their rule is in fail_on of portal.yaml or --fail-on):\n" + format_text(blocking, result.files)
        )
    return findings


# -- versions.json and the redirect ----------------------------------------------------------------


def read_versions(root: Path) -> list[dict[str, Any]]:
    """Material's versions.json, newest first; a file that is not one is an error, never overwritten."""
    path = root / VERSIONS
    if not path.exists():
        return []
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data, list) or not all(isinstance(v, dict) and "version" in v for v in data):
            raise ValueError("expected a list of objects with a 'version'")
    except (OSError, ValueError) as exc:
        raise PortalError(f"{path} is not a versions.json vap can update: {exc}") from exc
    return data


def _updated_versions(versions: list[dict[str, Any]], cycle_id: str) -> list[dict[str, Any]]:
    """A new cycle goes first; a replaced one keeps its place. `latest` moves to the first entry."""
    entry = {"version": cycle_id, "title": cycle_id, "aliases": [], "properties": {"hidden": False}}
    ids = [str(v["version"]) for v in versions]
    out = [dict(v) for v in versions]
    if cycle_id in ids:
        old = out[ids.index(cycle_id)]
        out[ids.index(cycle_id)] = {**old, **{k: v for k, v in entry.items() if k not in old}}
    else:
        out.insert(0, entry)
    for i, v in enumerate(out):
        aliases = [a for a in v.get("aliases") or [] if a != LATEST]
        v["aliases"] = [LATEST, *aliases] if i == 0 else aliases
    return out


def _previous(target: _Target, known: list[str]) -> tuple[str | None, list[str]]:
    """The cycle published just before this one (the newest, or the next older when replacing)."""
    if target.cycle in known:
        i = known.index(target.cycle)
        previous = known[i + 1] if i + 1 < len(known) else None
    else:
        previous = known[0] if known else None
    if previous is not None and _snapshot_of(target, previous) is None:
        return None, [f"cycle '{previous}' has no {snapshot.FILE_NAME}; no 'What changed' page was made"]
    return previous, []


def _snapshot_of(target: _Target, cycle: str | None) -> Path | None:
    path = target.root / cycle / snapshot.FILE_NAME if cycle else None
    return path if path is not None and path.is_file() else None


def redirect_page(cycle_id: str) -> str:
    href = html.escape(quote(cycle_id) + "/", quote=True)
    name = html.escape(cycle_id)
    return (
        f'<!doctype html>\n{REDIRECT_MARK}\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>Plans {name}</title>\n"
        f'<meta http-equiv="refresh" content="0; url={href}">\n<link rel="canonical" href="{href}">\n'
        f'</head>\n<body>\n<p>The current plans are at <a href="{href}">{name}</a>.</p>\n</body>\n</html>\n'
    )


# -- safety ----------------------------------------------------------------------------------------


def _safe_name(name: str, what: str) -> str:
    if not _NAME.match(name) or ".." in name:
        raise PortalError(
            f"{what} '{name}' cannot be a folder name of the published site "
            "(letters, digits, '.', '_' and '-'; it must start with a letter or digit)"
        )
    return name


def _refuse_collisions(target: _Target, portal: Portal) -> None:
    """Audience folders and default-audience cycle folders share DIR: a name may not be both."""
    out_dir = target.out_dir
    if target.root == out_dir and target.cycle in set(portal.audiences) - {portal.default_audience}:
        raise PortalError(
            f"cycle '{target.cycle}' has the name of an audience, whose editions are published in "
            f"{out_dir / target.cycle}; rename the cycle (--cycle) or the audience"
        )
    if target.root != out_dir and target.root.name in {str(v["version"]) for v in read_versions(out_dir)}:
        raise PortalError(f"audience '{target.root.name}' has the name of a cycle published in {out_dir}")
    index = target.root / INDEX
    if index.exists() and REDIRECT_MARK not in index.read_text(encoding="utf-8", errors="replace"):
        raise PortalError(
            f"{index} was not written by vap publish; publish into an empty folder or one vap publish manages"
        )


@contextlib.contextmanager
def _locked(folder: Path) -> Iterator[None]:
    """One publish at a time per folder (the kernel drops the lock if the process dies)."""
    try:
        import fcntl
    except ImportError:  # not POSIX: no lock, documented
        yield
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise PortalError(
                f"another 'vap publish' is writing to {folder}; try again when it has finished"
            ) from None
        yield
    finally:
        os.close(fd)


def _sweep(folder: Path) -> None:
    """Remove what killed runs left behind; a replaced cycle left without its successor is put back."""
    for entry in sorted(folder.glob(TMP_PREFIX + "*")):
        match = _TMP.match(entry.name)
        if match and match.group(2) == "old" and not (folder / match.group(3)).exists():
            os.rename(entry, folder / match.group(3))
        else:
            _remove(entry)


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()


def _write(path: Path, text: str) -> None:
    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())


def _stage(root: Path, name: str, text: str) -> Path:
    """A complete, synced copy of the file next to its place, to be renamed over it."""
    path = root / f"{TMP_PREFIX}{os.getpid()}-{name}"
    _write(path, text)
    return path


def _commit(target: _Target, built: Path, versions: Path, index: Path) -> None:
    """Only renames from here on: nothing needs disk space and each step is atomic."""
    root, final = target.root, target.folder
    old = root / f"{TMP_PREFIX}{os.getpid()}-old-{target.cycle}"
    replacing = final.exists()
    if replacing:
        os.rename(final, old)  # a run killed right here is repaired by the next publish's _sweep
    try:
        os.rename(built, final)
        try:
            os.replace(versions, root / VERSIONS)
        except BaseException:
            os.rename(final, built)
            raise
    except BaseException:
        if replacing:
            os.rename(old, final)
        raise
    os.replace(index, root / INDEX)  # the redirect follows versions.json; the next publish rewrites it anyway
    if replacing:
        _remove(old)
    with contextlib.suppress(OSError):
        fd = os.open(root, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


# -- the build -------------------------------------------------------------------------------------


def _build(config_file: Path, site_dir: Path) -> None:
    from site_builder.mkdocs_adapter.plugin import build_site  # the one door to MkDocs

    build_site(config_file, site_dir)


@contextlib.contextmanager
def _env(plans_dir: Path, audience: str, diagrams: bool, previous: Path | None) -> Iterator[None]:
    """The VAP_* variables the plugin reads, restored afterwards."""
    wanted = {
        "VAP_PLANS": str(plans_dir.resolve()),
        "VAP_AUDIENCE": audience,
        "VAP_NO_DIAGRAMS": "0" if diagrams else "1",
        "VAP_PREVIOUS": str(previous) if previous else None,
        "NO_MKDOCS_2_WARNING": os.environ.get("NO_MKDOCS_2_WARNING", "1"),
    }
    saved = {k: os.environ.get(k) for k in wanted}
    try:
        for key, value in wanted.items():
            _setenv(key, value)
        yield
    finally:
        for key, value in saved.items():
            _setenv(key, value)


def _setenv(key: str, value: str | None) -> None:
    if value is None:
        os.environ.pop(key, None)
    else:
        os.environ[key] = value


@contextlib.contextmanager
def _temp_config(config_file: Path, site_url: str | None, *, changes: bool) -> Iterator[Path]:
    """mkdocs.yml plus the version selector, via MkDocs' INHERIT; beside it, so relative paths still work."""
    folder = config_file.parent
    for stale in folder.glob(".vap-publish-*.yml"):
        pid = stale.stem.rsplit("-", 1)[-1]
        if pid.isdigit() and not _alive(int(pid)):
            _remove(stale)
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
        _remove(path)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


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


def _cycle_url(config_file: Path, target: _Target) -> str | None:
    """site_url of mkdocs.yml is the URL of the publish folder; each cycle lives below it."""
    base = user_config(config_file).get("site_url")
    if not isinstance(base, str) or not base.strip():
        return None
    parts = [*target.root.relative_to(target.out_dir).parts, target.cycle]
    return base.strip().rstrip("/") + "/" + "/".join(quote(p) for p in parts) + "/"


__all__ = ["PublishResult", "gate", "publish", "read_versions", "redirect_page", "user_config"]
