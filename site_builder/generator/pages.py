"""Rendering: the model (through one audience's view) -> Markdown pages via Jinja2. No MkDocs here."""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any

import jinja2
from markdown.extensions.toc import slugify as _slugify
from markupsafe import Markup

from site_builder.domain.audience import View
from site_builder.domain.history import Event, History
from site_builder.domain.index import Index
from site_builder.domain.model import Finding, Goal, Milestone, Role
from site_builder.domain.titles import short_title
from site_builder.generator import urls
from site_builder.generator.safe_md import (
    html_block,
    html_inline,
    html_plain,
    html_text,
    md_block,
    md_inline,
    md_text,
    meta_text,
)

if TYPE_CHECKING:
    from site_builder.generator.changes import Changes

STATUS_LABEL = {"confirmed": "Confirmed", "discussed": "Discussed", "draft": "Draft"}


def _env() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("site_builder.generator", "templates"),
        # Markdown templates: every plan value passes through a safe_md filter; HTML ones autoescape
        autoescape=jinja2.select_autoescape(enabled_extensions=("html.j2",), default_for_string=False),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters.update(
        meta=meta_text,
        md_text=md_text,
        md_block=md_block,
        md_inline=md_inline,
        html=html_text,
        plain=html_plain,
        block=html_block,
        inline=html_inline,
        json=lambda v: json.dumps(v, ensure_ascii=False),
        nowrap=nowrap,
    )
    return env


def nowrap(value: object) -> Markup:
    """A date or an id kept on one line: browsers break after a hyphen ("2026-" / "10-31")."""
    return Markup('<span class="vap-nowrap">{}</span>').format(value)


_ENV: jinja2.Environment | None = None


def environment() -> jinja2.Environment:
    """Templates are compiled once per process (rendering 10,000 pages from one template is cheap)."""
    global _ENV
    if _ENV is None:
        _ENV = _env()
    return _ENV


@dataclass(frozen=True, slots=True)
class Link:
    """A generated link with a `vap:` URL that the adapter resolves, written as inline HTML.

    Markdown link syntax costs a link parse, MkDocs' URL rewriting and validation per link: on pages
    with hundreds of cross-links that was a third of the conversion time. Our links point at pages we
    generate ourselves (tests check every one resolves), so they skip all of it. In an HTML template
    a Link renders itself (`__html__`); in a Markdown one, call `md()`.
    """

    text: str
    """Plain text, exactly as shown: escaped by md() or html()."""
    page: str | None
    anchor: str = ""

    @property
    def href(self) -> str:
        fragment = f"#{self.anchor}" if self.anchor else ""
        return f"{urls.LINK_SCHEME}{self.page}{fragment}"

    def md(self) -> str:
        text = md_text(self.text)
        return f'<a href="{self.href}">{text}</a>' if self.page else text

    def html(self) -> Markup:
        text = html_plain(self.text)
        return Markup(f'<a href="{self.href}">{text}</a>') if self.page else text

    __html__ = html

    def with_text(self, text: str) -> Link:
        return Link(text, self.page, self.anchor)


class Pages:
    """Builds every page of one edition. `diagrams` maps diagram keys to inline SVG (may be empty)."""

    def __init__(
        self,
        view: View,
        index: Index,
        diagrams: Mapping[str, str] | None = None,
        *,
        change_notes: Mapping[str, str] | None = None,
        directory_urls: bool = True,
        history: History | None = None,
        previous: Changes | None = None,
        team: Mapping[str, Any] | None = None,
    ) -> None:
        self.directory_urls = directory_urls
        """MkDocs' use_directory_urls: static files (role cards) link to pages by their final URL."""
        self.history_source = history
        """Each plan's history from the repository (None: not read; see `history` for what is shown)."""
        self.previous = previous
        """What changed since the last published cycle, when building over one."""
        self._team = team
        self.change_notes = change_notes or {}
        """Role id -> Markdown noting what changed since the last published cycle."""
        self.view = view
        self.ix = index
        self.plans = view.plans
        self.diagrams = diagrams or {}
        self.env = environment()

    @cached_property
    def history(self) -> Mapping[str, tuple[Event, ...]]:
        """Role id -> the events of its plan's history this edition may show."""
        from site_builder.generator.plan_history import shown_history

        return shown_history(self.view, self.history_source)

    # -- links ---------------------------------------------------------------------------------
    def role_link(self, role_id: str | None, *, holder: bool = False) -> Link:
        role = self.plans.roles.get(role_id or "")
        if role is None:
            return Link(role_id or "—", None)
        text = role.title
        if holder and role.holder and not self.view.is_hidden("holder"):
            text += f" ({role.holder})"
        return Link(text, urls.role_page(role.id))

    def ref_link(self, target: str) -> Link:
        """A supports target: a manager's outcome or a strategy item."""
        if "#" in target:
            outcome = self.ix.outcomes.get(target)
            role_id = target.split("#", 1)[0]
            role = self.plans.roles.get(role_id)
            if outcome is None or role is None:
                name = role.title if role else role_id
                return Link(f"an outcome of {name} (not shown)", urls.role_page(role_id) if role else None)
            return Link(
                f"{outcome.title} — {role.title}",
                urls.role_page(role.id),
                urls.outcome_anchor(outcome.id),
            )
        item = self.ix.strategy_items.get(target)
        if item is None:
            return Link(target, None)
        if isinstance(item, Milestone):
            return Link(
                f"{item.id} {item.title} (milestone)",
                urls.goal_page(item.goal),
                urls.milestone_anchor(item.id),
            )
        return Link(f"{item.id} {item.title} (goal)", urls.goal_page(item.id))

    def outcome_link(self, key: str) -> Link:
        """The outcome by its short title; the full title one click away (never in a `title`: safe_md)."""
        outcome = self.ix.outcomes[key]
        role = self.plans.roles[outcome.role]
        return Link(
            f"{short_title(outcome.title)} — {role.title}",
            urls.role_page(role.id),
            urls.outcome_anchor(outcome.id),
        )

    # -- shared facts ----------------------------------------------------------------------------
    def level_name(self, role: Role) -> str | None:
        if role.level is None:
            return None
        name = self.plans.portal.levels.get(role.level)
        return f"Level {role.level} ({name})" if name else f"Level {role.level}"

    def goal_title(self, goal_id: str) -> str:
        goal = self.ix.strategy_items[goal_id]
        return f"{goal.id} {goal.title}"

    @cached_property
    def findings_by_role(self) -> Mapping[str, tuple[Finding, ...]]:
        out: dict[str, list[Finding]] = defaultdict(list)
        if not self.view.role_findings:
            return {}
        for finding in self.view.findings:
            if finding.role:
                out[finding.role].append(finding)
        return {k: tuple(v) for k, v in out.items()}

    def plain_sentence(self, role: Role) -> Markup:
        """The 30-second summary a newcomer reads first (HTML): where the role stands, in words. The value
        add has its own section and the manager a link in the header and the line of sight, so neither
        is repeated here."""
        title = html_plain(role.title)
        goals = self.ix.goals_served(role.id)
        listed = _and([Link(g, urls.goal_page(g)).html() for g in goals])
        serves = f"serves goal{'s' if len(goals) > 1 else ''} {listed}" if goals else ""
        if role.id in self.view.placeholders:
            sentence = f"The plan for the {title} is still being agreed."
        elif role.reports_to is None:
            sentence = f"The {title} is the top role: it answers for the strategy itself" + (
                f" and {serves}." if serves else "."
            )
        elif serves:
            lead = f"The {title}" if role.status == "confirmed" else f"As drafted, the {title}"
            sentence = f"{lead} {serves}."
        else:
            sentence = f"No outcome of the {title} leads to a strategy goal yet."
        if not role.value_add and role.id not in self.view.placeholders:
            sentence += " The value the role adds is not written down yet."
        if role.vacant and not self.view.is_hidden("holder"):
            sentence += " The role is vacant at the moment."
        return Markup(sentence)

    # -- pages -------------------------------------------------------------------------------------
    def render(self, template: str, **context: Any) -> str:
        return self.env.get_template(template).render(
            p=self, plans=self.plans, view=self.view, ix=self.ix, urls=urls, **context
        )

    def role(self, role: Role) -> str:
        """A role page: front matter for MkDocs, then HTML the generator renders itself (no Markdown
        pass in MkDocs: it was half the build time; see docs/performance.md)."""
        from site_builder.generator.role_page import role_page  # it builds on this module

        return role_page(self, role)

    @cached_property
    def as_of(self) -> dt.date | None:
        """The date days since a conversation are counted to (conversation.as_of), once per generation."""
        from site_builder.generator.conversation import as_of

        return as_of(self.plans)

    @property
    def team_parts(self) -> Mapping[str, Any]:
        """Each manager's part of the organisation, computed once for all role pages (or handed over
        by the generation, which signed the pages with it)."""
        if self._team is None:
            from site_builder.generator.team import team_parts

            self._team = team_parts(self.view, self.ix)
        return self._team

    def goal(self, goal: Goal) -> str:
        """A goal page (HTML): milestones, diagram, and every outcome that delivers it."""
        from site_builder.generator.goal_page import goal_page  # it builds on this module

        return goal_page(self, goal)

    def strategy(self) -> str:
        return self.render("strategy.md.j2", here=urls.STRATEGY)

    def home(self) -> str:
        return self.render("home.md.j2", here=urls.HOME, diagram=self.diagrams.get("org/overview"))

    def directory_az(self) -> str:
        """Every role A to Z; above AZ_LIMIT roles only where to find them (at 10,000 roles the list was
        2.2 MB of HTML: the directory's filter finds a role by name instead)."""
        roles = sorted(self.plans.roles.values(), key=lambda r: (r.title.lower(), r.id))
        rows = [self._directory_row(r) for r in roles] if len(roles) <= AZ_LIMIT else []
        body = self.render("directory_az.html.j2", rows=rows, total=len(roles))
        return front_matter(title="Roles A to Z", search={"exclude": True}) + body

    def _directory_row(self, role: Role) -> dict[str, Any]:
        holder: Markup | str = ""
        if not self.view.is_hidden("holder"):
            holder = html_plain(role.holder) if role.holder else Markup("<em>Vacant</em>")
        return {
            "link": self.role_link(role.id),
            "holder": holder,
            "department": self.ix.departments[role.id],
            "status": role.status,
            "level": role.level,
        }

    def card(self, role: Role) -> str:
        chain = [self.plans.roles[r] for r in self.ix.chain(role.id)]
        return self.env.get_template("card.html.j2").render(
            role=role,
            plans=self.plans,
            view=self.view,
            chain=chain,
            department=self.ix.departments[role.id],
            level=self.level_name(role),
            goals=[self.goal_title(g) for g in self.ix.goals_served(role.id)],
            placeholder=role.id in self.view.placeholders,
            page_link=f"../roles/{role.id}/" if self.directory_urls else f"../roles/{role.id}.html",
        )


AZ_LIMIT = 1500
"""Roles the A to Z page lists itself."""


def front_matter(**meta: object) -> str:
    """YAML front matter for MkDocs (JSON is YAML; values are already made safe by meta_text)."""
    lines = "".join(f"{key}: {json.dumps(value, ensure_ascii=False)}\n" for key, value in meta.items())
    return f"---\n{lines}---\n\n"


def heading_id(text: str) -> str:
    """The id Python-Markdown's toc extension would give a heading of this text."""
    return _slugify(text, "-")


def unique_ids(texts: Sequence[str], *, taken: set[str] | None = None) -> dict[str, str]:
    """Heading ids for these texts, made unique as the toc extension does (`x`, `x_1`, `x_2`...)."""
    used = set(taken or ())
    out: dict[str, str] = {}
    for text in texts:
        base = candidate = heading_id(text) or "section"
        n = 0
        while candidate in used:
            n += 1
            candidate = f"{base}_{n}"
        used.add(candidate)
        out[text] = candidate
    return out


def _first_sentence(text: str) -> str:
    flat = " ".join(text.split())
    for end in (". ", "! ", "? "):
        if end in flat:
            flat = flat.split(end, 1)[0] + end.strip()
            break
    return flat.rstrip(".")


def _lower_first(text: str) -> str:
    if len(text) > 1 and text[0].isupper() and not text[1].isupper():
        return text[0].lower() + text[1:]
    return text


def _and(items: Sequence[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} and {items[-1]}"  # str, even for Markup items: no re-escaping
