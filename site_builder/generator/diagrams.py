"""Cascade diagrams: DOT sources drawn from the model (one function per kind), rendered through `dot`.

Every label is escaped by `dot.escape_label`/`escape_attr`; links are written `vap:<page.md>#anchor`
and resolved by the MkDocs adapter, so one cached SVG serves either URL style. Sizes are capped:
a diagram is for seeing the shape at a glance, the text next to it lists everything.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from site_builder.domain.audience import View
from site_builder.domain.index import Index
from site_builder.domain.model import Milestone, Role
from site_builder.domain.titles import short_title
from site_builder.generator import diagram_text, urls
from site_builder.generator.dot import Renderer, escape_attr, escape_id, escape_label

MAX_CHAIN = 3
"""Managers shown above a role before the middle of the chain collapses to '... N more levels'."""
MAX_REPORTS = 12
MAX_BELOW = 8
"""Supporting outcomes drawn under each outcome of a role's outcome cascade."""
MAX_GOAL_NODES = 60
MAX_DEPARTMENT_DIAGRAM = 150
"""Departments larger than this get no diagram on the organisation page (the outline lists them)."""

_HEAD = (
    'graph [rankdir={rankdir}, bgcolor="transparent", fontname="Helvetica", fontsize=10, nodesep=0.25, '
    "ranksep=0.45];\n"
    'node [shape=box, style="rounded,filled", fontname="Helvetica", fontsize=10, fillcolor="#eef1fb", '
    'color="#3949ab", fontcolor="#1a1a2e", margin="0.12,0.06"];\n'
    'edge [color="#5c6bc0", fontname="Helvetica", fontsize=9, fontcolor="#333333", arrowsize=0.7];\n'
)
_FOCUS = 'fillcolor="#3949ab", fontcolor="#ffffff", penwidth=2'
_SUBJECT = 'class="vap-subject"'
"""Marks the subject of the page: the diagram opens centred on it (theme/assets/vap-diagrams.js)."""
_STRATEGY = 'shape=box, style="filled", fillcolor="#fff4d6", color="#a86b00"'
_MORE = 'shape=plaintext, style="", fontcolor="#444444"'


def _graph(name: str, body: Iterable[str], *, rankdir: str = "BT") -> str:
    """The name becomes the SVG's <title> (its accessible name); no graph tooltip, which dot would draw
    as an `<a>` without a link around the whole diagram."""
    head = _HEAD.format(rankdir=rankdir)
    return f'digraph "{escape_id(name)}" {{\n{head}' + "".join(body) + "}\n"


def _link(page: str, anchor: str = "") -> str:
    return escape_attr(urls.DIAGRAM_SCHEME + page + (f"#{anchor}" if anchor else ""))


@dataclass(frozen=True)
class Node:
    """What a drawn node says, in words, and the page (and anchor) it links to."""

    text: str
    page: str
    anchor: str = ""


class Diagrams:
    def __init__(self, view: View, index: Index) -> None:
        self.view = view
        self.ix = index
        self.roles = view.plans.roles
        self.nodes: dict[str, Node] = {}
        """What each node id drawn so far says and links to: the text equivalent (diagram_text.py)."""

    def _role_node(self, role: Role, node_id: str, *, focus: bool = False, subject: bool = False) -> str:
        lines = [role.title]
        state = []
        if role.vacant and "holder" not in self.view.hidden:
            state.append("vacant")
        if role.status != "confirmed":
            state.append(f"{role.status} plan")
        elif role.holder and "holder" not in self.view.hidden:
            lines.append(role.holder)
        label = escape_label(lines[0], max_lines=2)
        if len(lines) > 1:
            label += "\\n" + escape_label(lines[1], max_lines=1)
        if state:
            label += "\\n[" + escape_label(", ".join(state), max_lines=1) + "]"
        attrs = [
            f'label="{label}"',
            f'URL="{_link(urls.role_page(role.id))}"',
            f'tooltip="{escape_attr(role.title + " - open the plan")}"',
        ]
        if focus:
            attrs.append(_FOCUS)
        if focus or subject:
            attrs.append(_SUBJECT)
        self.nodes[node_id] = Node(
            " ".join([role.title, *(f"[{s}]" for s in state)]), urls.role_page(role.id)
        )
        if role.vacant and "holder" not in self.view.hidden:
            attrs.append('style="rounded,filled,dashed"')
        elif role.status != "confirmed":
            # the focus fill stays: a second fillcolor would win and leave the focus's white text unreadable
            attrs.append('style="rounded,filled,dotted"' + ("" if focus else ', fillcolor="#fdf0ee"'))
        return f'"{node_id}" [{", ".join(attrs)}];\n'

    def _more_node(self, node_id: str, text: str, tip: str, role_id: str, anchor: str = "") -> str:
        """A marker for what is left out, linking to the role page that lists it."""
        self.nodes[node_id] = Node(text, urls.role_page(role_id), anchor)
        return (
            f'"{node_id}" [label="{text}", URL="{_link(urls.role_page(role_id), anchor)}", '
            f'tooltip="{escape_attr(f"{text}: {tip}")}", {_MORE}];\n'
        )

    def role(self, role: Role) -> str:
        """Chain of managers up to the top, the role highlighted, its direct reports below."""
        body = [self._role_node(role, role.id, focus=True)]
        chain = list(self.ix.chain(role.id))
        shown = chain if len(chain) <= MAX_CHAIN + 1 else [*chain[: MAX_CHAIN - 1], None, chain[-1]]
        lower = role.id
        for manager in shown:
            if manager is None:
                hidden = len(chain) - MAX_CHAIN
                above = self.roles[chain[MAX_CHAIN - 2]]  # the highest manager drawn below the gap
                tip = f"the reporting line goes on above {above.title}"
                body.append(self._more_node("more-up", f"... {hidden} more levels", tip, above.id))
                body.append(f'"{lower}" -> "more-up";\n')
                lower = "more-up"
                continue
            body.append(self._role_node(self.roles[manager], manager))
            count = self.ix.outcomes_linking(lower, manager) if lower in self.roles else 0
            label = f' [label="{count} outcome{"s" if count != 1 else ""}"]' if lower in self.roles else ""
            body.append(f'"{lower}" -> "{manager}"{label};\n')
            lower = manager
        reports = self.ix.reports_of(role.id)
        for report in reports[:MAX_REPORTS]:
            body.append(self._role_node(self.roles[report], report))
            count = self.ix.outcomes_linking(report, role.id)
            body.append(f'"{report}" -> "{role.id}" [label="{count} outcome{"s" if count != 1 else ""}"];\n')
        if len(reports) > MAX_REPORTS:
            text = f"+{len(reports) - MAX_REPORTS} more reports"
            body.append(self._more_node("more-down", text, f"the team of {role.title}", role.id, "team"))
            body.append(f'"more-down" -> "{role.id}" [style=dashed];\n')
        return _graph(f"Reporting line of {role.title}", body)

    def _outcome_node(self, key: str, *, focus: bool = False) -> str:
        outcome = self.ix.outcomes[key]
        role = self.roles[outcome.role]
        label = (
            escape_label(short_title(outcome.title), max_lines=3)
            + "\\n"
            + escape_label(role.title, max_lines=1)
        )
        attrs = [
            f'label="{label}"',
            f'URL="{_link(urls.role_page(role.id), urls.outcome_anchor(outcome.id))}"',
            f'tooltip="{escape_attr(outcome.title + " (" + role.title + ")")}"',
        ]
        if focus:
            attrs += [_FOCUS, _SUBJECT]
        self.nodes[key] = Node(
            f"{short_title(outcome.title)} ({role.title})",
            urls.role_page(role.id),
            urls.outcome_anchor(outcome.id),
        )
        return f'"{key}" [{", ".join(attrs)}];\n'

    def _strategy_node(self, item_id: str, *, subject: bool = False) -> str:
        item = self.ix.strategy_items[item_id]
        if isinstance(item, Milestone):
            page, anchor, kind = urls.goal_page(item.goal), urls.milestone_anchor(item.id), "Milestone"
        else:
            page, anchor, kind = urls.goal_page(item.id), "", "Goal"
        label = escape_label(f"{kind} {item.id}", max_lines=1) + "\\n" + escape_label(item.title, max_lines=2)
        self.nodes[item.id] = Node(f"{kind} {item.id}: {item.title}", page, anchor)
        return (
            f'"{item.id}" [label="{label}", URL="{_link(page, anchor)}", '
            f'tooltip="{escape_attr(f"{kind} {item.id}: {item.title}")}", {_STRATEGY}'
            + (f", {_SUBJECT}" if subject else "")
            + "];\n"
        )

    def outcomes(self, role: Role) -> str | None:
        """This role's outcomes, what they support above, and the outcomes below that support them."""
        if not role.outcomes:
            return None
        body: list[str] = [
            'subgraph "cluster_self" {graph [label="", style="rounded,dashed", color="#9fa8da"];\n',
            *self._own_outcomes(role),
            "}\n",
        ]
        own = {o.key for o in role.outcomes}
        above: set[str] = set()
        below_nodes: set[str] = set()
        edges: list[str] = []
        for outcome in role.outcomes:
            for ref in outcome.supports:
                if ref.target in self.ix.outcomes or ref.target in self.ix.strategy_items:
                    if ref.target not in own:  # a sub-result's objective is drawn in the cluster already
                        above.add(ref.target)
                    edges.append(f'"{outcome.key}" -> "{ref.target}";\n')
            supporters = [k for k in self.ix.supported_by.get(outcome.key, ()) if k not in own]  # drawn above
            for key in supporters[:MAX_BELOW]:
                if key in self.ix.outcomes:
                    below_nodes.add(key)
                    edges.append(f'"{key}" -> "{outcome.key}";\n')
            if len(supporters) > MAX_BELOW:
                more = f"more-{outcome.key}"
                text = f"+{len(supporters) - MAX_BELOW} more"
                body.append(self._more_node(more, text, "every supporting outcome", role.id, "outcomes"))
                edges.append(f'"{more}" -> "{outcome.key}" [style=dashed];\n')
        for target in sorted(above):
            body.append(
                self._strategy_node(target)
                if target in self.ix.strategy_items
                else self._outcome_node(target)
            )
        body += [self._outcome_node(k) for k in sorted(below_nodes - own)]
        return _graph(f"Outcome cascade of {role.title}", [*body, *edges], rankdir="LR")

    def _own_outcomes(self, role: Role) -> list[str]:
        """A role's outcomes; each objective with key results (sub-results) in a box of its own that
        holds them too, so the key results are drawn with the objective they refine."""
        tree = self.ix.outcome_tree(role.id)
        out: list[str] = []
        open_levels: list[int] = []
        for n, (outcome, level) in enumerate(tree):
            while open_levels and open_levels[-1] >= level:
                out.append("}\n")
                open_levels.pop()
            if n + 1 < len(tree) and tree[n + 1][1] > level:  # the next one is its sub-result
                label = escape_label(short_title(outcome.title, 40), width=40, max_lines=1)
                out.append(
                    f'subgraph "cluster_objective_{n}" {{graph [label="{label}", style="rounded,dotted", '
                    'color="#9fa8da", fontsize=9];\n'
                )
                open_levels.append(level)
            out.append(self._outcome_node(outcome.key, focus=True))
        out.append("}\n" * len(open_levels))
        return out

    def goal(self, goal_id: str) -> str:
        """The goal, its milestones, and the supporting outcomes below them (roles when there are many)."""
        goal = self.ix.strategy_items[goal_id]
        milestones = [m.id for m in getattr(goal, "milestones", ())]
        body = [self._strategy_node(goal_id, subject=True)]
        for ms in milestones:
            body += [self._strategy_node(ms), f'"{ms}" -> "{goal_id}";\n']
        keys = sorted({k for i in (goal_id, *milestones) for k in self.ix.supporters_of_item.get(i, ())})
        if len(keys) <= MAX_GOAL_NODES:
            by_role: dict[str, list[str]] = {}
            for key in keys:
                by_role.setdefault(key.split("#", 1)[0], []).append(key)
            for n, (role_id, members) in enumerate(sorted(by_role.items())):
                title = escape_label(self.roles[role_id].title, width=60, max_lines=1)
                body.append(
                    f'subgraph "cluster_{n}" {{graph [label="{title}", style="rounded", color="#c5cae9", '
                    "fontsize=9];\n"
                )
                body += [self._outcome_node(k) for k in members]
                body.append("}\n")
            shown = set(keys)
            for key in keys:
                for ref in self.ix.outcomes[key].supports:
                    if ref.target in shown or ref.target in (goal_id, *milestones):
                        body.append(f'"{key}" -> "{ref.target}";\n')
        else:
            roles = sorted({k.split("#", 1)[0] for k in keys})
            depts: dict[str, int] = {}
            for r in roles:
                depts[self.ix.departments[r]] = depts.get(self.ix.departments[r], 0) + 1
            for n, (dept, count) in enumerate(sorted(depts.items())):
                label = escape_label(f"{dept}: {count} role{'s' if count != 1 else ''}", max_lines=2)
                self.nodes[f"dept-{n}"] = Node(
                    f"{dept}: {count} role{'s' if count != 1 else ''}", urls.ORGANISATION
                )
                body.append(f'"dept-{n}" [label="{label}", URL="{_link(urls.ORGANISATION)}"];\n')
                body.append(f'"dept-{n}" -> "{goal_id}" [style=dashed];\n')
        return _graph(f"Goal {goal_id} and the outcomes that deliver it", body, rankdir="BT")

    def org(self, depth: int, roots: Iterable[str] | None = None, name: str = "Organisation overview") -> str:
        """The top `depth` levels of the reporting tree (or of each root given)."""
        start = (
            list(roots)
            if roots is not None
            else [r for r in self.roles.values() if r.reports_to not in self.roles]
        )
        body: list[str] = []
        frontier = [(r if isinstance(r, str) else r.id, 1) for r in start]
        while frontier:
            role_id, level = frontier.pop(0)
            body.append(self._role_node(self.roles[role_id], role_id, subject=level == 1))
            reports = self.ix.reports_of(role_id)
            if level < depth:
                for report in reports:
                    body.append(f'"{report}" -> "{role_id}" [dir=back];\n')
                    frontier.append((report, level + 1))
            elif reports:
                n = len(reports)
                text = f"{n} report{'s' if n != 1 else ''}"
                title = self.roles[role_id].title
                body.append(self._more_node(f"more-{role_id}", text, f"the team of {title}", role_id, "team"))
                body.append(f'"more-{role_id}" -> "{role_id}" [dir=back, style=dashed];\n')
        return _graph(name, body, rankdir="BT")


def diagram_sources(
    view: View, index: Index, wanted: Callable[[str], bool] = lambda page: True
) -> dict[str, str]:
    """The diagrams of the site by key (`role/<id>`, `outcomes/<id>`, `goal/<id>`, `org/...`), for
    the pages `wanted` accepts (page paths, see signatures.diagram_pages)."""
    return {key: dot for key, (dot, _) in _sources_and_text(view, index, wanted).items()}


def _sources_and_text(view: View, index: Index, wanted: Callable[[str], bool]) -> dict[str, tuple[str, str]]:
    """Each diagram's DOT source with its text equivalent (the nodes it draws, as a list of links)."""
    d = Diagrams(view, index)
    out: dict[str, tuple[str, str]] = {}

    def add(key: str, draw: Callable[[], str | None]) -> None:
        d.nodes = {}
        dot = draw()
        if dot is not None:
            out[key] = (dot, diagram_text.outline(key, dot, d.nodes))

    if wanted(urls.HOME):
        add("org/overview", lambda: d.org(view.plans.portal.overview_depth))
    for goal in view.plans.strategy.goals:
        if wanted(urls.goal_page(goal.id)):
            add(f"goal/{goal.id}", lambda g=goal.id: d.goal(g))  # type: ignore[misc]
    for role in view.plans.roles.values():
        if not wanted(urls.role_page(role.id)):
            continue
        add(f"role/{role.id}", lambda r=role: d.role(r))  # type: ignore[misc]
        add(f"outcomes/{role.id}", lambda r=role: d.outcomes(r))  # type: ignore[misc]
    _sheet_chains(view, d, wanted, add)
    if len(view.plans.roles) <= MAX_DEPARTMENT_DIAGRAM and wanted(urls.ORGANISATION):
        add("org/full", lambda: d.org(99, name="The whole organisation"))
    return out


def _sheet_chains(
    view: View,
    d: Diagrams,
    wanted: Callable[[str], bool],
    add: Callable[[str, Callable[[], str | None]], None],
) -> None:
    """The chain diagram of each conversation sheet, in editions that have sheets."""
    from site_builder.generator.chain_diagram import chain_diagram
    from site_builder.generator.conversation import sheet_reports

    for report in sheet_reports(view):
        if wanted(urls.conversation_page(report)):
            add(f"chain/{report}", lambda r=view.plans.roles[report]: chain_diagram(d, r))  # type: ignore[misc]


def render_diagrams(
    view: View, index: Index, cache_dir: Path, wanted: Callable[[str], bool] = lambda page: True
) -> tuple[dict[str, str], int, int]:
    """The HTML of each diagram by key (SVG, legend, text equivalent: diagram_text.compose), plus how
    many were rendered and how many came from the cache."""
    renderer = Renderer(cache_dir)
    found = _sources_and_text(view, index, wanted)
    svgs = renderer.render_many({key: dot for key, (dot, _) in found.items()})
    shown = {
        key: diagram_text.compose(key, _WIDTH.sub(_natural_width, svg, count=1), found[key][1])
        for key, svg in svgs.items()
    }
    return shown, renderer.stats.rendered, renderer.stats.cached


_WIDTH = re.compile(r'style="max-width:([\d.]+)pt"')


def _natural_width(match: re.Match[str]) -> str:
    """Natural size (10 pt labels are 13 px): without script the view scrolls, with it the script pans."""
    width = float(match.group(1))
    return f'style="width:{width:.0f}pt;max-width:none"'


__all__ = ["Diagrams", "diagram_sources", "render_diagrams"]
