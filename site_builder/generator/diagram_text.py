"""What goes around a diagram on its page: the view the script pans and zooms, a legend, and the same
nodes and links as a collapsed list (the text equivalent for screen readers and for people who
would rather read than pan)."""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from typing import Protocol

from site_builder.generator import urls

_NODE = re.compile(r'^"((?:[^"\\]|\\.)*)" \[', re.M)
_EDGE = re.compile(r'^"((?:[^"\\]|\\.)*)" -> "((?:[^"\\]|\\.)*)"(?: \[([^\n]*)\])?;$', re.M)
_EDGE_LABEL = re.compile(r'label="([^"]*)"')

_ROLE_LEGEND = (
    "Arrows point from a role to its manager. A number on an arrow counts the outcomes of the lower "
    "role that support the plan of the role above. The dark box is this role; a dashed border marks a "
    "vacant role, a dotted border a plan not yet confirmed. Grey text without a box stands for roles "
    "not drawn: select it to see them."
)
_ORG_LEGEND = (
    "Each box is a role; lines join a role to its manager above it. A dashed border marks a vacant "
    'role, a dotted border a plan not yet confirmed. "N reports" stands for a team not drawn: select '
    "it to open the manager's page."
)
_OUTCOMES_LEGEND = (
    "Arrows point from an outcome to what it supports. Dark boxes are this role's outcomes (a dotted "
    "frame holds an objective with its key results); yellow boxes are goals and milestones of the "
    'strategy; boxes below are outcomes of other roles that support this role\'s. "+N more" stands '
    "for supporting outcomes not drawn: the Outcomes section lists them all."
)
_GOAL_LEGEND = (
    "The goal is at the top, its milestones below it. Arrows point from an outcome to the milestone, "
    "goal or outcome it supports; each frame holds the outcomes of one role. On large goals a box "
    "counts the roles of a department that support the goal (dashed arrows)."
)
_CHAIN_LEGEND = (
    "Arrows point from an outcome to what it supports: the report's outcomes (dark boxes) at the "
    "bottom, the manager's outcomes above them, and so on up to the goals and milestones of the "
    "strategy (yellow boxes)."
)
LEGENDS = {
    "role": _ROLE_LEGEND,
    "org": _ORG_LEGEND,
    "outcomes": _OUTCOMES_LEGEND,
    "goal": _GOAL_LEGEND,
    "chain": _CHAIN_LEGEND,
}
VERBS = {
    "role": "reports to",
    "org": "reports to",
    "outcomes": "supports",
    "goal": "supports",
    "chain": "supports",
}


class NodeText(Protocol):
    """What diagrams.Node holds: the node in words and where it links."""

    @property
    def text(self) -> str: ...

    @property
    def page(self) -> str: ...

    @property
    def anchor(self) -> str: ...


def outline(key: str, dot: str, nodes: Mapping[str, NodeText]) -> str:
    """The nodes of a diagram in the order drawn, each with the nodes its arrows lead to, as HTML."""
    kind = key.split("/", 1)[0]
    verb = VERBS.get(kind, "leads to")
    out: dict[str, list[tuple[str, str]]] = {}
    for m in _EDGE.finditer(dot):
        label = _EDGE_LABEL.search(m[3] or "")
        out.setdefault(m[1], []).append((m[2], label[1] if label else ""))
    items = []
    for node_id in dict.fromkeys(m[1] for m in _NODE.finditer(dot)):
        node = nodes.get(node_id)
        if node is None:
            continue
        targets = [
            f"<li>{verb} {_link(nodes[to])}{f' ({html.escape(label)})' if label else ''}</li>"
            for to, label in out.get(node_id, ())
            if to in nodes
        ]
        inner = f"<ul>{''.join(targets)}</ul>" if targets else ""
        items.append(f"<li>{_link(node)}{inner}</li>")
    return (
        '<details class="vap-diagram-text"><summary>The diagram as a list</summary>'
        f"<ul>{''.join(items)}</ul></details>"
    )


def _link(node: NodeText) -> str:
    href = urls.LINK_SCHEME + node.page + (f"#{node.anchor}" if node.anchor else "")
    return f'<a href="{html.escape(href)}">{html.escape(node.text)}</a>'


def compose(key: str, svg: str, text: str) -> str:
    """The diagram as a page shows it: the SVG in a view the script can pan and zoom, the legend, the list."""
    legend = LEGENDS.get(key.split("/", 1)[0], "")
    return (
        f'<div class="vap-diagram-view" data-vap-diagram="{html.escape(key)}">{svg}</div>'
        + (
            f'<p class="vap-legend"><strong>Reading the diagram:</strong> {html.escape(legend)}</p>'
            if legend
            else ""
        )
        + text
    )


__all__ = ["LEGENDS", "compose", "outline"]
