"""Where an import puts each plan and what it calls it: role ids that are readable slugs of the
title (cut only between words, a post reference added whole when titles repeat) and folders that
follow departments while every path stays under 150 characters."""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Mapping
from pathlib import Path

from site_builder.authoring.init import slugify
from site_builder.authoring.orgcsv import Position
from site_builder.domain.model import PlanSet
from site_builder.loading.loader import ROLE_ID

MAX_PATH = 149
"""Longest path of a written plan, from the repository folder (`plans/roles/...`): some file
systems, archivers and Windows checkouts stop at 150 to 260 characters."""
ID_ROOM = 40
"""Longest slug of a title in a role id: ids stay readable and leave room for a post reference."""


def _rel(path: Path, base: Path) -> str:
    try:
        return path.relative_to(base).as_posix()
    except ValueError:
        return str(path)


def _natural(key: str) -> tuple[tuple[int, int | str], ...]:
    """`P-9` before `P-10`: the order of position ids as people read them."""
    return tuple(
        (0, int(part)) if part.isdigit() else (1, part.casefold()) for part in re.findall(r"\d+|\D+", key)
    )


def assign_ids(positions: list[Position], plans: PlanSet, existing: Mapping[str, str]) -> dict[str, str]:
    """Stable role ids: the id an earlier import gave the position, else the title's slug, made unique
    with the position id's slug (or a counter in position id order) when titles repeat or clash."""
    claimed = {role_id.casefold() for role_id in existing.values()}
    ids: dict[str, str] = {}
    pending: list[Position] = []
    for pos in positions:
        if pos.key in existing:
            ids[pos.key] = existing[pos.key]
        else:
            pending.append(pos)
    strategy_ids = {name.casefold() for name in plans.strategy.items()}
    used = claimed | strategy_ids
    bases: dict[str, list[Position]] = {}
    for pos in pending:
        base = _words(slugify(pos.title, limit=200), ID_ROOM)
        if not base or not ROLE_ID.match(base):
            base = ""
        bases.setdefault(base, []).append(pos)
    for base in sorted(bases):
        group = sorted(bases[base], key=lambda p: _natural(p.key))
        clash = base == "" or len(group) > 1 or base in strategy_ids or base in claimed
        for n, pos in enumerate(group, start=1):
            candidate = base if not clash else _with_suffix(base or "role", pos.key, n)
            role_id, k = candidate, 1
            while role_id.casefold() in used:
                k += 1
                role_id = f"{_words(candidate, 58)}-{k}"
            used.add(role_id.casefold())
            ids[pos.key] = role_id
    return ids


def _words(slug: str, limit: int) -> str:
    """`slug` cut to at most `limit` characters at a '-', never inside a word."""
    if len(slug) <= limit:
        return slug
    cut = slug[: limit + 1].rsplit("-", 1)[0]
    return cut if cut and len(cut) <= limit else slug[:limit].rstrip("-")


def _with_suffix(base: str, key: str, n: int) -> str:
    """`base-<post reference>`; the title gives way (at a word) so the reference is never cut."""
    # a junior organogram post's key repeats its title: the suffix keeps only the rest
    words = re.sub(rf"(?:^|-){re.escape(base)}(?=-|$)", "", slugify(key, limit=200))
    suffix = re.sub(r"-{2,}", "-", words).strip("-")
    if not suffix or len(suffix) > 30:
        suffix = str(n)
    return f"{_words(base, 62 - len(suffix))}-{suffix}"


def tree_order(positions: list[Position]) -> list[Position]:
    """Top first (and positions under roles outside the file), then each manager before the reports,
    each level in position id order."""
    keys = {p.key for p in positions}
    children: dict[str | None, list[Position]] = {}
    for pos in positions:
        children.setdefault(pos.manager if pos.manager in keys else None, []).append(pos)
    order: list[Position] = []
    queue = deque(sorted(children.get(None, []), key=lambda p: _natural(p.key)))
    while queue:
        pos = queue.popleft()
        order.append(pos)
        queue.extend(sorted(children.get(pos.key, []), key=lambda p: _natural(p.key)))
    return order


def folders_of(
    positions: list[Position],
    ids: Mapping[str, str],
    outside: Mapping[str, str],
    plans: PlanSet,
    plans_dir: Path,
) -> dict[str, Path]:
    """The manager's folder for a role of the manager's department; otherwise that department's
    folder (where its shallowest role lives, or the first one this import makes)."""
    base = plans_dir.parent
    homes: dict[str, Path] = {}
    for known in sorted(plans.roles.values(), key=lambda r: (r.file.count("/"), r.file)):
        dept = plans.department_of(known.id)
        if dept:
            homes.setdefault(dept.casefold(), (base / known.file).parent)
    folders: dict[str, Path] = {}
    depts: dict[str, str | None] = {}
    for pos in tree_order(positions):
        role = plans.roles.get(ids[pos.key])
        if pos.manager is None:
            above, inherited = plans_dir / "roles", None
        elif pos.manager in folders:
            above, inherited = folders[pos.manager], depts[pos.manager]
        else:  # a role the plans already hold
            boss = outside[pos.manager]
            above, inherited = (base / plans.roles[boss].file).parent, plans.department_of(boss)
        dept = pos.department or (plans.department_of(role.id) if role else None) or inherited
        depts[pos.key] = dept
        if role is not None:
            folders[pos.key] = (base / role.file).parent
        elif pos.manager is None or dept is None or (inherited or "").casefold() == dept.casefold():
            folders[pos.key] = above
        else:
            name = _words(slugify(dept, limit=200), ID_ROOM) or "department"
            nested = above / name
            fits = len(_rel(nested, base)) + len("/.yaml") + 63 <= MAX_PATH
            folders[pos.key] = homes.setdefault(
                dept.casefold(), nested if fits else plans_dir / "roles" / name
            )
        if dept and pos.manager is None:
            homes.setdefault(dept.casefold(), folders[pos.key])
    return folders


__all__ = ["MAX_PATH", "assign_ids", "folders_of", "tree_order"]
