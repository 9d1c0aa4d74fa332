"""Reading org-chart exports as people really get them from HR systems and Excel: headers named in
many ways, quoted fields, a BOM, Windows line ends, `;` or tab separators, title lines above the
header, managers named by id or by name. Every problem is reported with its CSV line."""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Collection, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal

import yaml

from site_builder.errors import PortalError
from site_builder.loading.fields import did_you_mean

COLUMN_FIELDS = ("id", "title", "holder", "manager", "department", "level")
SYNONYMS: dict[str, tuple[str, ...]] = {
    # best first; compared without case, spaces or punctuation ("Position_ID" == "position id")
    "id": (
        "position id",
        "position number",
        "position no",
        "position code",
        "pos id",
        "post id",
        "role id",
        "job id",
        "job code",
        "employee id",
        "employee number",
        "employee no",
        "emp id",
        "emp no",
        "staff id",
        "staff number",
        "person id",
        "personnel number",
        "worker id",
        "user id",
        "id",
    ),
    "manager": (
        "manager position id",
        "manager position",
        "reports to position id",
        "reports to position",
        "manager id",
        "manager employee id",
        "supervisor id",
        "reports to id",
        "line manager id",
        "parent id",
        "reports to",
        "reporting to",
        "manager",
        "supervisor",
        "line manager",
        "parent",
        "manager name",
        "supervisor name",
    ),
    "title": (
        "job title",
        "position title",
        "role title",
        "title",
        "position name",
        "job name",
        "job",
        "role",
        "job role",
        "business title",
        "designation",
        "position",
    ),
    "holder": (
        "name",
        "employee name",
        "full name",
        "holder",
        "incumbent",
        "employee",
        "person",
        "staff name",
        "worker",
        "worker name",
        "display name",
    ),
    "department": (
        "department",
        "department name",
        "dept",
        "dept name",
        "division",
        "business unit",
        "org unit",
        "organisation unit",
        "organization unit",
        "unit",
        "team",
        "function",
    ),
    "level": ("level", "job level", "level of work", "grade", "job grade", "band", "pay grade"),
}
FIRST_NAMES = ("first name", "given name", "forename", "first")
LAST_NAMES = ("last name", "surname", "family name", "last")
VACANT = frozenset(
    {"", "vacant", "tbd", "tbc", "open", "none", "n/a", "na", "-", "--", "(vacant)", "vacancy"}
)
_LEVEL = re.compile(r"^(?:level|lvl|l|grade|band)?\s*[-_ ]?\s*(\d{1,2})$", re.IGNORECASE)
_SEP_LINE = re.compile(r"^sep=(.)\s*$")


def _compact(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]", "", ascii_name.lower())


_COMPACT = {f: tuple(_compact(s) for s in names) for f, names in SYNONYMS.items()}


@dataclass(frozen=True, slots=True)
class Columns:
    """Header names chosen by the user for each field (None: detect it)."""

    id: str | None = None
    title: str | None = None
    holder: str | None = None
    manager: str | None = None
    department: str | None = None
    level: str | None = None
    origin: str = "--{field}-col"
    """How to name where a choice came from in messages."""

    def merged(self, over: Columns) -> Columns:
        """These choices, with the ones set in `over` winning (options over a --map file)."""
        chosen = {f: getattr(over, f) for f in COLUMN_FIELDS if getattr(over, f)}
        return replace(self, **chosen)


@dataclass(frozen=True, slots=True)
class Position:
    line: int
    """Line of the CSV file where the row starts."""
    key: str
    """The position id (or the holder's name when the file has no id column)."""
    title: str
    holder: str | None
    """None when vacant."""
    has_holder: bool
    """The file has a holder column at all (else holders are left as they are)."""
    manager: str | None
    """The manager's key; None for the top position."""
    department: str | None
    level: int | None


@dataclass(frozen=True, slots=True)
class Problem:
    severity: Literal["error", "note"]
    line: int | None
    message: str


def read_map(path: Path) -> Columns:
    """A --map file: `title: Job Title` lines naming the column of each field."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise PortalError(f"cannot read the column map {path}: {exc}") from exc
    if not isinstance(data, dict):
        raise PortalError(
            f"{path}: expected lines such as 'title: Job Title' naming the column of each field"
        )
    chosen: dict[str, str] = {}
    for key, value in data.items():
        name = str(key).removesuffix("_col").replace("-col", "")
        if name not in COLUMN_FIELDS:
            hint = did_you_mean(name, COLUMN_FIELDS) or "fields: " + ", ".join(COLUMN_FIELDS)
            raise PortalError(f"{path}: unknown field '{key}'; {hint}")
        if isinstance(value, list):
            value = "+".join(str(v) for v in value)
        if not isinstance(value, (str, int)):
            raise PortalError(f"{path}: '{key}' must name one column of the CSV file")
        chosen[name] = str(value)
    return Columns(**chosen, origin=f"{path.name}: {{field}}")


def _decode(path: Path) -> str:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise PortalError(f"cannot read {path}: {exc.strerror}") from exc
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):  # Excel's "Unicode text" export
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise PortalError(
            f"{path}:{line}: not UTF-8 text (byte 0x{data[exc.start]:02x}); export the file as "
            "'CSV UTF-8' (in Excel: Save As, CSV UTF-8)"
        ) from exc


def _parse(text: str, delimiter: str) -> list[tuple[int, list[str]]]:
    """(starting line, cells) of every non-blank row."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)
    rows: list[tuple[int, list[str]]] = []
    end = 0
    try:
        for cells in reader:
            start, end = end + 1, reader.line_num
            cleaned = [c.replace("\ufeff", "").replace("\xa0", " ").strip() for c in cells]
            if any(cleaned):
                rows.append((start, cleaned))
    except csv.Error as exc:
        raise PortalError(f"{reader.line_num}: {exc}") from exc
    return rows


def _rows(text: str, path: Path) -> list[tuple[int, list[str]]]:
    """Rows of the file, separated by whichever of , ; TAB | gives the most consistent table."""
    first, _, rest = text.partition("\n")
    forced = _SEP_LINE.match(first.strip())
    if forced:  # Excel's "sep=;" first line
        rows = _parse(rest, forced.group(1))
        return [(line + 1, cells) for line, cells in rows]
    sample = "\n".join(text.splitlines()[:50])
    best: tuple[tuple[int, int], str] = ((0, 0), ",")
    for delimiter in (",", ";", "\t", "|"):
        try:
            widths = [len(cells) for _, cells in _parse(sample, delimiter)]
        except PortalError:
            continue
        common = max(set(widths), key=lambda w: (widths.count(w), w)) if widths else 1
        score = (widths.count(common), common) if common > 1 else (0, 0)
        if score > best[0]:
            best = (score, delimiter)
    try:
        return _parse(text, best[1])
    except PortalError as exc:
        raise PortalError(f"{path}:{exc.message}") from exc


def _find_header(rows: list[tuple[int, list[str]]], columns: Columns) -> int:
    """The header is the first row (of the first ten) that names at least two known columns."""
    given = [getattr(columns, f) or "" for f in COLUMN_FIELDS]
    wanted = {_compact(part) for text in given for part in text.split("+") if part}
    known = {s for names in _COMPACT.values() for s in names} | wanted
    for index, (_, cells) in enumerate(rows[:10]):
        if sum(1 for c in cells if _compact(c) in known) >= 2:
            return index
    return 0


def _resolve_columns(header: list[str], columns: Columns, path: Path) -> dict[str, list[int]]:
    """Index (or indexes, for first + last name) of each field's column."""
    compact = [_compact(h) for h in header]
    shown = ", ".join(f"'{h}'" for h in header if h)
    chosen: dict[str, list[int]] = {}
    for name in COLUMN_FIELDS:
        given = getattr(columns, name)
        if not given:
            continue
        indexes = []
        for part in given.split("+"):
            if _compact(part) not in compact:
                hint = did_you_mean(part, [h for h in header if h]) or f"the columns are: {shown}"
                where = columns.origin.format(field=name)
                raise PortalError(f"{where}: '{part}' is not a column of {path}; {hint}")
            indexes.append(compact.index(_compact(part)))
        chosen[name] = indexes
    used = {i for idx in chosen.values() for i in idx}
    for name in ("id", "manager", "title", "holder", "department", "level"):
        if name in chosen:
            continue
        ranked = sorted(
            (_COMPACT[name].index(c), i)
            for i, c in enumerate(compact)
            if c in _COMPACT[name] and i not in used
        )
        if ranked:
            chosen[name] = [ranked[0][1]]
            used.add(ranked[0][1])
    if "holder" not in chosen:
        first = [
            i for i, c in enumerate(compact) if c in {_compact(n) for n in FIRST_NAMES} and i not in used
        ]
        last = [i for i, c in enumerate(compact) if c in {_compact(n) for n in LAST_NAMES} and i not in used]
        if first and last:
            chosen["holder"] = [first[0], last[0]]
    for name, what in (("title", "the job title"), ("manager", "the manager (reports to)")):
        if name not in chosen:
            examples = ", ".join(f"'{s.title()}'" for s in SYNONYMS[name][:4])
            raise PortalError(
                f"{path}: no column for {what} (looked for {examples}, ...); the columns are: {shown}. "
                f"Name it with --{name}-col COLUMN or a --map file"
            )
    if "id" not in chosen and "holder" not in chosen:
        raise PortalError(
            f"{path}: no column for the position id (looked for 'Position ID', 'Employee ID', 'ID', ...); "
            f"the columns are: {shown}. Name it with --id-col COLUMN or a --map file"
        )
    return chosen


def _cell(cells: list[str], indexes: list[int] | None) -> str | None:
    if indexes is None:
        return None
    value = " ".join(cells[i] for i in indexes if i < len(cells) and cells[i])
    return value or None


def _level(text: str | None, levels: Mapping[int, str]) -> int | str | None:
    """An integer level, or the text itself when it names no level (reported by the caller)."""
    if text is None:
        return None
    match = _LEVEL.match(text.strip())
    if match:
        return int(match.group(1))
    by_name = {name.casefold(): number for number, name in levels.items()}
    return by_name.get(text.strip().casefold(), text)


def read_positions(
    path: Path, columns: Columns, *, levels: Mapping[int, str], outside: Collection[str] = ()
) -> tuple[list[Position], list[Problem]]:
    """Every position of the export with its manager resolved to a position id, and every problem.
    A manager in `outside` (a role or position the plans already hold) may be missing from the file:
    then the file is one part of the organisation, hung under that role."""
    rows = _rows(_decode(path), path)
    if not rows:
        raise PortalError(f"{path} holds no rows")
    at = _find_header(rows, columns)
    header_line, header = rows[at]
    chosen = _resolve_columns(header, columns, path)
    key_col = chosen.get("id") or chosen["holder"]
    key_name = header[key_col[0]]
    problems: list[Problem] = []
    positions: list[Position] = []
    first_line: dict[str, int] = {}
    width = len(header)
    while width and not header[width - 1]:
        width -= 1
    for line, cells in rows[at + 1 :]:
        if len(cells) > width and any(cells[width:]):
            problems.append(
                Problem(
                    "error",
                    line,
                    f"row has {len(cells)} fields but the header (line "
                    f"{header_line}) has {width}: is there a comma in a field without quotes?",
                )
            )
            continue
        key = _cell(cells, key_col)
        if key is None:
            problems.append(Problem("error", line, f"row has no position id (column '{key_name}')"))
            continue
        if key in first_line:
            problems.append(
                Problem("error", line, f"position id '{key}' is already used on line {first_line[key]}")
            )
            continue
        first_line[key] = line
        title = _cell(cells, chosen["title"])
        if title is None:
            problems.append(
                Problem(
                    "error",
                    line,
                    f"position '{key}' has no job title (column '{header[chosen['title'][0]]}')",
                )
            )
            continue
        holder = _cell(cells, chosen.get("holder"))
        level = _level(_cell(cells, chosen.get("level")), levels)
        if isinstance(level, str):
            problems.append(
                Problem(
                    "note",
                    line,
                    f"level '{level}' of '{key}' is not a number or a level name of portal.yaml; left out",
                )
            )
            level = None
        positions.append(
            Position(
                line=line,
                key=key,
                title=title,
                holder=None if holder is None or holder.casefold() in VACANT else holder,
                has_holder="holder" in chosen,
                manager=_cell(cells, chosen["manager"]),
                department=_cell(cells, chosen.get("department")),
                level=level,
            )
        )
    positions, more = _link(positions, set(first_line), frozenset(outside))
    return positions, sorted([*problems, *more], key=lambda p: (p.line or 0, p.message))


def _link(
    positions: list[Position], keys: set[str], outside: frozenset[str]
) -> tuple[list[Position], list[Problem]]:
    """Managers resolved (by position id, else by a unique holder name); tops and cycles checked.
    `keys` holds every position id of the file, also of rows with problems (reported already)."""
    names: dict[str, list[Position]] = {}
    for p in positions:
        if p.holder:
            names.setdefault(p.holder.casefold(), []).append(p)
    problems: list[Problem] = []
    linked: list[Position] = []
    for p in positions:
        manager = p.manager
        if manager is not None and manager not in keys and manager not in outside:
            same = names.get(manager.casefold(), [])
            if len(same) == 1:
                manager = same[0].key
            elif same:
                lines = ", ".join(str(s.line) for s in same)
                problems.append(
                    Problem(
                        "error",
                        p.line,
                        f"manager '{manager}' of '{p.key}' names "
                        f"{len(same)} positions (lines {lines}); use position ids",
                    )
                )
                continue
            else:
                problems.append(
                    Problem("error", p.line, f"manager '{manager}' of '{p.key}' is not in the file")
                )
                continue
        if manager == p.key:
            problems.append(Problem("error", p.line, f"'{p.key}' reports to itself"))
            continue
        linked.append(replace(p, manager=manager))
    tops = [p for p in linked if p.manager is None]
    for extra in tops[1:]:
        problems.append(
            Problem(
                "error",
                extra.line,
                f"'{extra.key}' has no manager, but '{tops[0].key}' (line "
                f"{tops[0].line}) has none either: only the top position may leave it empty",
            )
        )
    if not tops and linked and not any(p.manager in outside and p.manager not in keys for p in linked):
        problems.append(
            Problem(
                "error",
                None,
                "no position has an empty manager: the top position's manager must be left empty",
            )
        )
    problems += _cycles(linked)
    return linked, problems


def _cycles(positions: list[Position]) -> list[Problem]:
    manager = {p.key: p.manager for p in positions}
    line = {p.key: p.line for p in positions}
    problems: list[Problem] = []
    done: set[str] = set()
    for start in (p.key for p in positions):
        path: list[str] = []
        current: str | None = start
        while current is not None and current not in done and current not in path:
            path.append(current)
            current = manager.get(current)
        if current is not None and current in path:
            loop = path[path.index(current) :]
            first = min(loop, key=lambda k: line[k])
            turn = loop.index(first)
            ordered = [*loop[turn:], *loop[:turn], first]
            problems.append(
                Problem("error", line[first], f"'{first}' is in a reporting cycle: " + " -> ".join(ordered))
            )
        done.update(path)
    return problems


__all__ = ["COLUMN_FIELDS", "Columns", "Position", "Problem", "read_map", "read_positions"]
