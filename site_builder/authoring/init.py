"""Writing plan files for people: a new planning repository (`vap init`), a role skeleton
(`vap new role`), and surgical edits of single fields that keep everything else byte-for-byte."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import click
import jinja2

from site_builder import __version__
from site_builder.authoring.text import yaml_str
from site_builder.domain.model import PlanSet
from site_builder.errors import EXIT_OK, PortalError
from site_builder.loading.fields import did_you_mean
from site_builder.loading.loader import ROLE_ID, load_plans

TOP_ROLE = "ceo"
TOP_TITLE = "Chief Executive"
INIT_FILES: tuple[tuple[str, str], ...] = (
    # (template, file written) -- dot files are stored without the dot so every packager ships them
    ("portal.yaml.j2", "plans/portal.yaml"),
    ("strategy.yaml.j2", "plans/strategy.yaml"),
    ("mkdocs.yml.j2", "mkdocs.yml"),
    ("start-here.md.j2", "docs/start-here.md"),
    ("README.md.j2", "README.md"),
    ("requirements.txt.j2", "requirements.txt"),
    ("gitignore.j2", ".gitignore"),
    ("pre-commit-config.yaml.j2", ".pre-commit-config.yaml"),
)
_PLAIN_ID = re.compile(r"^[a-z][a-z0-9-]*$")
_YAML_WORDS = frozenset({"null", "true", "false", "yes", "no", "on", "off", "y", "n"})
_SLUG_JUNK = re.compile(r"[^a-z0-9]+")
_TOP_KEY = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)[ \t]*:(?=[ \t]|$)")


# -- small shared helpers ----------------------------------------------------------------------


def slugify(text: str, *, limit: int = 63) -> str:
    """`Directrice Générale` -> `directrice-generale`; '' when nothing ASCII is left."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = _SLUG_JUNK.sub("-", ascii_text.lower()).strip("-")
    return slug[:limit].rstrip("-")


def yaml_id(value: str) -> str:
    """A role id as a YAML scalar: plain when no YAML reader could take it for anything but text."""
    return value if _PLAIN_ID.match(value) and value not in _YAML_WORDS else yaml_str(value)


def _env() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("site_builder.authoring", "templates"),
        autoescape=False,  # YAML and Markdown files: every value goes through the yaml filters
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters.update(yaml=yaml_str, yaml_id=yaml_id)
    return env


def render(template: str, **values: object) -> str:
    return _env().get_template(template).render(**values)


def write_new(path: Path, text: str) -> None:
    """Create `path`; never replace a file that appeared meanwhile (exclusive create)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with path.open("x", encoding="utf-8", newline="\n") as out:
            out.write(text)
    except FileExistsError as exc:
        raise PortalError(f"{path} already exists; it was not overwritten") from exc


# -- vap init ----------------------------------------------------------------------------------


def half_year(today: dt.date) -> tuple[str, dt.date, dt.date]:
    """The calendar half-year holding `today`: a sensible first cycle, edited in portal.yaml."""
    if today.month <= 6:
        return f"{today.year}-H1", dt.date(today.year, 1, 1), dt.date(today.year, 6, 30)
    return f"{today.year}-H2", dt.date(today.year, 7, 1), dt.date(today.year, 12, 31)


def init_repository(*, directory: Path, organization: str, today: dt.date | None = None) -> tuple[Path, ...]:
    """Write a planning repository that checks without errors and builds at once."""
    if directory.exists() and not directory.is_dir():
        raise PortalError(f"'{directory}' is a file; vap init needs a new or empty folder")
    if directory.is_dir():
        present = sorted(p.name for p in directory.iterdir())
        if present:
            shown = ", ".join(present[:5]) + (", ..." if len(present) > 5 else "")
            raise PortalError(
                f"'{directory}' is not empty (it holds {shown}); vap init writes a new planning "
                "repository only into a new or empty folder, so nothing there is overwritten"
            )
    if not organization.strip():
        raise PortalError("--organization must not be empty")
    cycle, start, end = half_year(today or dt.date.today())
    values = {
        "organization": organization.strip(),
        "cycle": cycle,
        "cycle_start": start.isoformat(),
        "cycle_end": end.isoformat(),
        "top_role": TOP_ROLE,
        "version": __version__,
    }
    files = {target: render(template, **values) for template, target in INIT_FILES}
    files[f"plans/roles/{TOP_ROLE}.yaml"] = role_text(
        role_id=TOP_ROLE,
        title=TOP_TITLE,
        holder=None,
        reports_to=None,
        department=None,
        example_due=values["cycle_end"],
        support_choices=("G1", "G1-M1"),
        origin=("Written by vap init. Rename the role (file name and id) and fill it in.",),
    )
    written = []
    for rel in sorted(files):
        path = directory / rel
        write_new(path, files[rel])
        written.append(path)
    return tuple(written)


def init(*, directory: Path, organization: str) -> int:
    """`vap init`: write the repository and say what to do next."""
    written = init_repository(directory=directory, organization=organization)
    click.echo(f"Created a planning repository in {directory} ({len(written)} files):")
    for path in written:
        click.echo(f"  {path.relative_to(directory).as_posix()}")
    click.echo(
        "Next: edit plans/portal.yaml and plans/strategy.yaml, add roles with 'vap new role' or "
        f"'vap import-org', then run 'vap serve plans' in {directory}."
    )
    return EXIT_OK


# -- role skeletons ----------------------------------------------------------------------------


def role_text(
    *,
    role_id: str,
    title: str,
    holder: str | None,
    reports_to: str | None,
    department: str | None,
    level: int | None = None,
    example_due: str = "YYYY-MM-DD",
    support_choices: Sequence[str] = (),
    origin: Sequence[str] = (),
) -> str:
    """A draft plan with every field of the format, each commented with what it asks."""
    example_ref = next((s for s in support_choices if "#" in s), None)
    if example_ref is None:
        example_ref = f"{reports_to}#OUTCOME-ID" if reports_to else (support_choices or ("G1",))[0]
    return render(
        "role.yaml.j2",
        role_id=role_id,
        title=title,
        holder=holder or "vacant",
        reports_to=reports_to,
        department=department,
        level=level,
        example_due=example_due,
        example_ref=example_ref,
        support_choices=list(support_choices)[:12],
        origin=list(origin),
    )


def department_folder(plans: PlanSet, plans_dir: Path, manager: str, department: str | None) -> Path:
    """The manager's folder, unless the role belongs to another department: then that
    department's folder (where its shallowest role lives), else a new sub-folder of the manager's."""
    base = plans_dir.parent
    manager_folder = (base / plans.roles[manager].file).parent
    if department is None or (plans.department_of(manager) or "").casefold() == department.casefold():
        return manager_folder
    homes = sorted(
        (len(PurePosixPath(role.file).parts), role.file)
        for role in plans.roles.values()
        if (plans.department_of(role.id) or "").casefold() == department.casefold()
    )
    if homes:
        return (base / homes[0][1]).parent
    return manager_folder / (slugify(department) or "department")


def new_role_file(
    *,
    plans_dir: Path,
    role_id: str,
    title: str,
    reports_to: str,
    department: str | None = None,
    holder: str | None = None,
    level: int | None = None,
) -> Path:
    """Write the skeleton of a new role's plan where it belongs; refuse anything that would clash."""
    if not ROLE_ID.match(role_id):
        suggestion = slugify(role_id)
        hint = f"; for example '{suggestion}'" if suggestion and ROLE_ID.match(suggestion) else ""
        raise PortalError(
            f"role id '{role_id}' may hold only lower-case letters, digits and '-' (at most 63, "
            f"starting with a letter or digit){hint}"
        )
    if not title.strip():
        raise PortalError("--title must not be empty")
    plans = load_plans(plans_dir).plans
    if reports_to not in plans.roles:
        hint = did_you_mean(reports_to, plans.roles) or "known roles: " + (
            ", ".join(sorted(plans.roles)[:10]) or "none"
        )
        raise PortalError(f"--reports-to '{reports_to}' is not a role in {plans_dir}; {hint}")
    taken = {r.casefold(): r for r in (*plans.roles, *plans.unreadable, *plans.strategy.items())}
    if role_id.casefold() in taken:
        existing = plans.roles.get(role_id)
        where = f" ({existing.file})" if existing else ""
        raise PortalError(
            f"'{role_id}' is already the id of a role or strategy item{where}; "
            "choose another id (nothing was written)"
        )
    folder = department_folder(plans, plans_dir, reports_to, department)
    path = folder / f"{role_id}.yaml"
    if path.exists():
        raise PortalError(f"{path} already exists; it was not overwritten")
    manager = plans.roles[reports_to]
    choices = [o.key for o in manager.outcomes]
    text = role_text(
        role_id=role_id,
        title=title.strip(),
        holder=holder,
        reports_to=reports_to,
        department=department,
        level=level,
        example_due=plans.portal.cycle_end.isoformat() if plans.portal.cycle else "YYYY-MM-DD",
        support_choices=choices,
        origin=("Written by vap new role.",),
    )
    write_new(path, text)
    return path


def new_role(
    *,
    plans_dir: Path,
    role_id: str,
    title: str,
    reports_to: str,
    department: str | None,
    holder: str | None,
    level: int | None,
) -> int:
    """`vap new role`: write the skeleton and tell the author what comes next."""
    path = new_role_file(
        plans_dir=plans_dir,
        role_id=role_id,
        title=title,
        reports_to=reports_to,
        department=department,
        holder=holder,
        level=level,
    )
    click.echo(f"Wrote {path}: a draft plan for '{role_id}', reporting to '{reports_to}'.")
    click.echo("Fill it in with the manager, then run 'vap check' (incomplete-plan is expected until then).")
    return EXIT_OK


# -- surgical edits ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Field:
    name: str
    start: int
    end: int
    """Line indexes: the key line and the indented lines that continue its value."""


def _top_fields(lines: Sequence[str]) -> list[_Field]:
    fields: list[_Field] = []
    for i, line in enumerate(lines):
        match = _TOP_KEY.match(line)
        if match is None:
            continue
        end = scan = i + 1
        while scan < len(lines) and (not lines[scan].strip() or lines[scan][:1] in (" ", "\t")):
            scan += 1
            if lines[scan - 1].strip():
                end = scan  # blank lines belong to the value only when indented lines follow them
        fields.append(_Field(match.group(1), i, end))
    return fields


def update_fields(text: str, values: Mapping[str, str | None], *, order: Iterable[str]) -> str:
    """Set top-level fields of a block-style YAML file, editing only their lines.

    `values` maps a field to its new YAML scalar text (None removes the field). A missing field is
    inserted after the nearest field that precedes it in `order`. Comments, blank lines, quoting
    and line ends of everything else stay byte-for-byte.
    """
    bom = "\ufeff" if text.startswith("\ufeff") else ""
    body = text[len(bom) :]
    newline = "\r\n" if "\r\n" in body else "\n"
    lines = body.split(newline)
    canonical = list(order)
    for name, value in values.items():
        fields = _top_fields(lines)
        found = next((f for f in fields if f.name == name), None)
        if found is not None:
            first = lines[found.start]
            comment = _trailing_comment(first, len(name) + 1) if found.end == found.start + 1 else ""
            if value is not None and first[: len(first) - len(comment)].rstrip() == f"{name}: {value}":
                continue  # already says so: leave it exactly as written
            wanted = [] if value is None else [f"{name}: {value}{comment}"]
            lines[found.start : found.end] = wanted
            continue
        if value is None:
            continue
        before = canonical[: canonical.index(name)] if name in canonical else canonical
        anchors = [f for f in fields if f.name in before]
        at = max(f.end for f in anchors) if anchors else _after_header(lines)
        lines.insert(at, f"{name}: {value}")
    return bom + newline.join(lines)


def has_block_fields(text: str, name: str = "title") -> bool:
    """The file writes `name` as a top-level `name: value` line, so fields can be edited line by line."""
    return any(f.name == name for f in _top_fields(text.lstrip("\ufeff").replace("\r\n", "\n").split("\n")))


def _trailing_comment(line: str, start: int) -> str:
    """The ` # ...` that ends a one-line `key: value`, kept when the value is replaced."""
    i, n = start, len(line)
    value = line[start:].lstrip(" \t")
    if value[:1] in ("'", '"'):
        quote, i = value[0], n - len(value) + 1
        while i < n:
            escaped = quote == '"' and line[i] == "\\"
            doubled = quote == "'" and line[i : i + 2] == "''"
            if escaped or doubled:
                i += 2
            elif line[i] == quote:
                i += 1
                break
            else:
                i += 1
    match = re.search(r"[ \t]+#.*$", line[i:])
    return match.group(0) if match else ""


def _after_header(lines: Sequence[str]) -> int:
    at = 0
    while at < len(lines) and (lines[at].startswith("#") or lines[at] == "---"):
        at += 1
    return at
