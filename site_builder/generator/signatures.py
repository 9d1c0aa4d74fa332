"""What each generated page shows, as a comparable value: the serve path re-renders only pages
whose signature changed since the last generation.

A signature holds the raw data a page (and, for a role, its card and two diagrams) reads, never
rendered text, so computing one is much cheaper than rendering the page. The equivalence tests
(tests/unit/test_incremental.py) check that an incremental generation writes exactly the files a
full one writes, for every kind of edit.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from typing import Any

from site_builder.domain.audience import View
from site_builder.domain.index import Index
from site_builder.domain.model import Role
from site_builder.generator import urls
from site_builder.generator.affected import Affected
from site_builder.generator.alignment import department_slugs
from site_builder.generator.goal_lists import goal_lists
from site_builder.generator.team import Part, team_parts

Signature = Hashable


def _brief(ix: Index, role_id: str | None) -> Any:
    """How a role appears on the pages of others: team lines, chains, diagram nodes, links."""
    role = ix.roles.get(role_id or "")
    if role is None:
        return role_id
    return (role.id, role.title, role.holder, role.status, role.value_add, role.level)


def _named(ix: Index, role_id: str) -> Any:
    """How a role appears in lists of links (goal pages): its title and holder only."""
    role = ix.roles.get(role_id)
    return (role_id, role.title, role.holder) if role is not None else role_id


def _outcome_ref(ix: Index, key: str) -> Any:
    outcome = ix.outcomes.get(key)
    if outcome is None:
        return (key, ix.roles[key.split("#")[0]].title if key.split("#")[0] in ix.roles else None)
    return (key, outcome.title, outcome.target, outcome.due, ix.roles[outcome.role].title)


def role_signature(
    view: View,
    ix: Index,
    role: Role,
    notes: Mapping[str, str],
    findings: tuple[Any, ...],
    memo: dict[Any, Any] | None = None,
    parts: Mapping[str, Any] | None = None,
) -> Signature:
    """`memo`: shared by the calls of one page_signatures (a manager is in many chains, a team is
    every member's peers)."""
    memo = {} if memo is None else memo
    reports = ix.reports_of(role.id)
    refs = tuple(
        (
            tuple(_outcome_ref(ix, r.target) if not r.is_strategy else r.target for r in o.supports),
            tuple(_outcome_ref(ix, k) for k in ix.supported_by.get(o.key, ())),
            tuple(sorted(ix.served.get(o.key, ()))),
            tuple(_named(ix, v) if v else v for v in ix.via(o.key)),
        )
        for o in role.outcomes
    )
    chain = []
    for m in ix.chain(role.id):
        entry = memo.get(m)
        if entry is None:
            entry = memo[m] = (_brief(ix, m), _links_up(ix, m))
        chain.append(entry)
    manager = role.reports_to
    team = memo.get(("team", manager)) if manager is not None else ()
    if team is None:  # the manager's reports: this role's peers, and itself (in the role anyway)
        team = memo[("team", manager)] = tuple(_brief(ix, r) for r in ix.reports_of(manager or ""))
    return (
        role,
        role.id in view.placeholders,
        ix.departments[role.id],
        tuple(chain),
        tuple(ix.roles[r] for r in reports),  # the diagram counts their links to this role
        team,
        refs,
        ix.goals_served(role.id),
        findings if view.role_findings else (),
        tuple(_outcome_ref(ix, f.related) for f in findings if f.related) if view.role_findings else (),
        tuple(_brief(ix, d.with_) for d in role.dialogue),
        notes.get(role.id),
        _part(ix, parts.get(role.id)) if parts is not None else None,
    )


def _part(ix: Index, part: Any) -> Any:
    """What a manager's page shows of the organisation below: each listed plan's status and dates."""
    if part is None:
        return None
    rows = tuple(
        (
            row,
            _brief(ix, row[0]),
            ix.roles[row[0]].confirmed_on,
            tuple(d.date for d in ix.roles[row[0]].dialogue),
        )
        for row in part.rows
    )
    names = tuple(_named(ix, r) for _, _, roles in part.drift for r in roles)
    return (rows, part.drift, names, part.withheld, part.size)


def _links_up(ix: Index, role_id: str) -> int:
    """The edge label from a role to its manager in reporting-line diagrams."""
    manager = ix.roles[role_id].reports_to
    return ix.outcomes_linking(role_id, manager) if manager is not None and manager in ix.roles else 0


def page_signatures(
    view: View,
    ix: Index,
    notes: Mapping[str, str],
    history: Mapping[str, Any] | None = None,
    only: Affected | None = None,
    parts: Mapping[str, Part] | None = None,
) -> dict[str, Signature]:
    """Every generated page (and role card) by path, with what it shows (`history`: the events of
    each plan's history this edition shows, on its role page and its sheets). `only`: the role and
    goal pages an edit can change (affected.py); the others' signatures are taken from the last
    generation, but for a role page whose history changed (a commit)."""
    plans = view.plans
    findings_by_role: dict[str, list[Any]] = {}
    for f in view.findings:
        findings_by_role.setdefault(f.role or "", []).append(f)
    out: dict[str, Signature] = {}
    memo: dict[Any, Any] = {}
    parts = team_parts(view, ix) if parts is None else parts
    for role in plans.roles.values():
        page, card = urls.role_page(role.id), urls.role_card(role.id)
        events = history.get(role.id) if history else None
        if only is not None and role.id not in only.roles and only.signatures[page][1] == events:
            out[page], out[card] = only.signatures[page], only.signatures[card]
            continue
        sig = role_signature(view, ix, role, notes, tuple(findings_by_role.get(role.id, ())), memo, parts)
        out[card] = sig
        out[page] = (sig, events)  # the card shows no history
    roster = _same_as_last(
        only,
        urls.DIRECTORY,
        tuple(
            (r.id, r.title, r.holder, r.status, r.level, r.reports_to, ix.departments[r.id])
            for r in plans.roles.values()
        ),
    )
    out[urls.DIRECTORY] = out[urls.DIRECTORY_AZ] = out[urls.ORGANISATION] = out[urls.HOME] = roster
    out[urls.DIRECTORY_JSON] = roster
    for slug in department_slugs(ix.departments.values()).values():
        out[urls.department_page(slug)] = roster
    out[urls.STRATEGY] = _brief(ix, plans.strategy.owner)
    for goal in plans.strategy.goals:
        if only is not None and goal.id not in only.goals:
            for path in (urls.goal_page(goal.id), *goal_lists(ix, goal).values()):
                out[path] = only.signatures[path]
            continue
        items = (goal.id, *(m.id for m in goal.milestones))
        keys = sorted({k for i in items for k in ix.supporters_of_item.get(i, ())})
        out[urls.goal_page(goal.id)] = (
            tuple(
                (
                    _outcome_ref(ix, k),
                    ix.departments[k.split("#")[0]],
                    _named(ix, k.split("#")[0]),  # not the value add: editing one re-drew every goal
                    tuple(r.target for r in ix.outcomes[k].supports),
                )
                for k in keys
            ),
            tuple(tuple(ix.supported_by.get(i, ())) for i in items),
            tuple(len(ix.supporters_of_item.get(m, ())) for m in items),
            tuple((ix.unseen(i), tuple(_named(ix, r) for r in ix.unseen(i))) for i in items),
            ix.unseen_of_goal(goal.id),
            ix.unseen_goal_only(goal.id),
            tuple(ix.cascade_order.get(k.split("#")[0]) for k in keys),
            tuple(ix.departments.get(r) for i in items for r in ix.unseen(i)),
        )
        for path in goal_lists(ix, goal).values():  # a department's share of the goal's list
            out[path] = out[urls.goal_page(goal.id)]
    _alignment_signatures(view, ix, out, only)
    _conversation_signatures(view, ix, out, only)
    return out


def _same_as_last(only: Affected | None, path: str, signature: Signature) -> Signature:
    """The last generation's signature of `path` when it is equal: many pages share it, and the
    comparison that finds which pages changed is then one of identity (10,000 rows each, once)."""
    last = only.signatures.get(path) if only is not None else None
    return last if last is not None and last == signature else signature


def _linked(role: Role) -> Any:
    """What the alignment pages read of any role: its link (title, holder), place, status, dates and
    focus in sentences and counts (finding_text.py), and its outcomes; not the text of its plan."""
    return (
        role.id,
        role.title,
        role.holder,
        role.status,
        role.confirmed_on,
        role.reports_to,
        role.level,
        role.focus,
        role.outcomes,
    )


def _alignment_signatures(view: View, ix: Index, out: dict[str, Signature], only: Affected | None) -> None:
    """The alignment page and each department's: their findings and what is withheld, and of every
    role what sentences and counts read (`_linked`): an edit of a value add, accountabilities or
    other plan text re-renders none of them (tests/unit/generator/test_incremental.py holds the pages
    equal to a full generation)."""
    linked = tuple(_linked(r) for r in view.plans.roles.values())
    common = (
        view.show_sources,
        tuple(sorted(view.placeholders)),
        tuple(ix.departments.items()),
        tuple((i, ix.supporters_of_item.get(i, ()), ix.unseen(i)) for i in ix.strategy_items),
    )
    last = only.signatures.get(urls.ALIGNMENT) if only is not None else None
    if isinstance(last, tuple) and len(last) == 4:  # shared by every alignment page: compared once here
        linked = last[2] if last[2] == linked else linked
        common = last[3] if last[3] == common else common
    out[urls.ALIGNMENT] = (view.findings, view.withheld, linked, common)
    by_dept: dict[str | None, list[Any]] = {}  # as alignment_page narrows them
    for f in view.findings:
        by_dept.setdefault(ix.departments.get(f.role or ""), []).append(f)
    withheld: dict[str | None, list[Any]] = {}
    for w in view.withheld:
        withheld.setdefault(ix.departments.get(w.role) if w.role is not None else None, []).append(w)
    for dept, slug in department_slugs(ix.departments.values()).items():
        found = tuple(by_dept.get(dept, ()))
        out[urls.alignment_page(slug)] = (
            dept,
            found,
            tuple(withheld.get(dept, ())),
            linked,
            common,
        )


def _conversation_signatures(view: View, ix: Index, out: dict[str, Signature], only: Affected | None) -> None:
    """A sheet shows the report's and the manager's pages' data and the chain above the report's
    outcomes; the standing pages every plan's status and dates; both count days to the latest date
    in any plan. `only`: a sheet whose report's and manager's pages were not signed again, and whose
    chain reaches no edited outcome, keeps the last generation's signature."""
    from site_builder.generator.conversation import as_of, sheet_reports, shows_sheets

    if not shows_sheets(view):
        return
    until = as_of(view.plans)
    for report in sheet_reports(view):
        manager = ix.roles[report].reports_to or ""
        page = urls.conversation_page(report)
        if only is not None and report not in only.chains:
            last = only.signatures.get(page)  # the same two role pages' signatures (not signed again)
            mine, boss = out[urls.role_page(report)], out[urls.role_page(manager)]
            same = isinstance(last, tuple) and len(last) == 4 and last[0] is mine and last[1] is boss
            if same and last[2] == until:  # type: ignore[index]
                out[page] = last
                continue
        out[page] = (
            out[urls.role_page(report)],
            out[urls.role_page(manager)],
            until,
            _chain(view, ix, report),
        )
    standing: Signature = (
        until,
        tuple(
            (r.id, r.title, r.holder, r.status, r.confirmed_on, tuple(d.date for d in r.dialogue))
            for r in view.plans.roles.values()
        ),
        tuple(ix.departments.items()),
    )
    out[urls.CONVERSATIONS] = standing = _same_as_last(only, urls.CONVERSATIONS, standing)
    for slug in department_slugs(ix.departments.values()).values():
        out[urls.conversations_page(slug)] = standing


def _chain(view: View, ix: Index, report: str) -> Any:
    """What the sheet's chain diagram draws: every outcome and strategy item above the report's."""
    from site_builder.generator.chain_diagram import chain_keys
    from site_builder.generator.diagrams import Diagrams

    keys, edges = chain_keys(Diagrams(view, ix), ix.roles[report])
    items = tuple(ix.strategy_items[k] if k in ix.strategy_items else _outcome_ref(ix, k) for k in keys)
    return (items, tuple(edges), tuple(_brief(ix, k.split("#")[0]) for k in keys if "#" in k))


def diagram_pages(key: str) -> str:
    """The page whose signature covers a diagram (role and outcome diagrams go with their role)."""
    kind, _, name = key.partition("/")
    if kind in ("role", "outcomes"):
        return urls.role_page(name)
    if kind == "goal":
        return urls.goal_page(name)
    if kind == "chain":
        return urls.conversation_page(name)
    return urls.HOME if name == "overview" else urls.ORGANISATION
