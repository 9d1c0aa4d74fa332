"""Reading org-chart exports as people really get them from HR systems and Excel: headers named in
many ways, quoted fields, a BOM, Windows line ends, `;` or tab separators, title lines above the
header, managers named by id or by name. Every problem is reported with its CSV line."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, replace
from pathlib import Path

import yaml

from site_builder.authoring.orgheaders import (
    COLUMN_FIELDS,
    COMPACT,
    FIRST_NAMES,
    LAST_NAMES,
    SYNONYMS,
    compact,
    id_like,
)
from site_builder.authoring.orglink import Position, Problem, link, skip_bad
from site_builder.authoring.orgrows import Levels, RowReader
from site_builder.errors import PortalError
from site_builder.loading.fields import did_you_mean

_SEP_LINE = re.compile(r"^sep=(.)\s*$")


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
    wanted = {compact(part) for text in given for part in text.split("+") if part}
    known = {s for names in COMPACT.values() for s in names} | wanted
    for index, (_, cells) in enumerate(rows[:10]):
        if sum(1 for c in cells if compact(c) in known) >= 2:
            return index
    return 0


@dataclass(frozen=True, slots=True)
class ColumnReport:
    """Which header became which field, and which headers were not used: printed before anything
    is written, so a wrong guess is seen at once."""

    header_line: int
    chosen: dict[str, tuple[str, ...]]
    ignored: tuple[str, ...]
    unnamed: int
    """Columns with no header at all (an index column, a blank spacer)."""
    kind: str | None = None
    """The known format the headers match, e.g. 'UK organogram (senior staff)'."""

    def lines(self, source: str) -> list[str]:
        what = f" ({self.kind})" if self.kind else ""
        out = [f"Columns of {source}{what}, header on line {self.header_line}:"]
        for name in COLUMN_FIELDS:
            headers = self.chosen.get(name)
            shown = " + ".join(f"'{h}'" for h in headers) if headers else "(none)"
            out.append(f"  {name:<11}<- {shown}")
        ignored = [f"'{h}'" for h in self.ignored]
        if self.unnamed:
            ignored.append(f"{self.unnamed} column(s) without a header")
        out.append("  ignored:   " + (", ".join(ignored) if ignored else "(none)"))
        return out


def _ranked(compacted: list[str], name: str, used: set[int]) -> list[int]:
    found = sorted((COMPACT[name].index(c), i) for i, c in enumerate(compacted) if c in COMPACT[name])
    return [i for _, i in found if i not in used]


def _resolve_columns(header: list[str], columns: Columns, path: Path) -> dict[str, list[int]]:
    """Index (or indexes, for first + last name) of each field's column; "id" may hold several
    candidates, best first, for `_best_id` to choose among by the manager column's values."""
    compacted = [compact(h) for h in header]
    shown = ", ".join(f"'{h}'" for h in header if h)
    chosen: dict[str, list[int]] = {}
    for name in COLUMN_FIELDS:
        given = getattr(columns, name)
        if not given:
            continue
        indexes = []
        for part in given.split("+"):
            if compact(part) not in compacted:
                hint = did_you_mean(part, [h for h in header if h]) or f"the columns are: {shown}"
                where = columns.origin.format(field=name)
                raise PortalError(f"{where}: '{part}' is not a column of {path}; {hint}")
            indexes.append(compacted.index(compact(part)))
        chosen[name] = indexes
    used = {i for idx in chosen.values() for i in idx}
    if "id" not in chosen and _ranked(compacted, "id", used):
        chosen["id"] = _ranked(compacted, "id", used)
        used.add(chosen["id"][0])
    for name in ("manager", "title", "holder", "department", "level"):
        ranked = [i for i in _ranked(compacted, name, used) if name != "holder" or not id_like(header[i])]
        if name not in chosen and ranked:
            chosen[name] = [ranked[0]]
            used.add(ranked[0])
    if "holder" not in chosen:
        first = [
            i for i, c in enumerate(compacted) if c in {compact(n) for n in FIRST_NAMES} and i not in used
        ]
        last = [i for i, c in enumerate(compacted) if c in {compact(n) for n in LAST_NAMES} and i not in used]
        if first and last:
            chosen["holder"] = [first[0], last[0]]
    for name, what in (("title", "the job title"), ("manager", "the manager (reports to)")):
        if name not in chosen:
            examples = ", ".join(f"'{s.title()}'" for s in SYNONYMS[name][:4])
            raise PortalError(
                f"{path}: no column for {what} (looked for {examples}, ...); the columns are: {shown}. "
                f"Name it with --{name}-col COLUMN or a --map file"
            )
    return chosen


def _best_id(rows: list[list[str]], chosen: dict[str, list[int]]) -> None:
    """Of several id-like columns (SuccessFactors has USERID and EMPID), the one the manager
    column refers to."""
    candidates = chosen.get("id", [])
    if len(candidates) > 1:
        managers = {cells[chosen["manager"][0]] for cells in rows if len(cells) > chosen["manager"][0]}
        hits = [len(managers & {c[i] for c in rows if len(c) > i}) for i in candidates]
        best = max(range(len(candidates)), key=lambda k: (hits[k], -k))
        chosen["id"] = [candidates[best]]
    elif candidates:
        chosen["id"] = candidates[:1]


def _no_id(header: list[str], rows: list[list[str]], chosen: dict[str, list[int]], path: Path) -> PortalError:
    """No id column: never fall back to names (two people may share one); name the columns that
    could serve, those whose values are all present and all different."""
    used = {i for idx in chosen.values() for i in idx}
    could = [
        f"'{h}'"
        for i, h in enumerate(header)
        if h and i not in used and len({c[i] for c in rows if len(c) > i and c[i]}) == len(rows) > 1
    ]
    hint = (
        f"columns whose values are all different: {', '.join(could)}"
        if could
        else "no column has a different value on every row"
    )
    return PortalError(
        f"{path}: no column for the position id (looked for 'Post Unique Reference', 'Position ID', "
        f"'Employee ID', 'ID', ...); {hint}. Name it with --id-col COLUMN or a --map file"
    )


def _report(header: list[str], line: int, chosen: dict[str, list[int]]) -> ColumnReport:
    used = {i for idx in chosen.values() for i in idx}
    names = {compact(h) for h in header}
    kind = None
    if {"postuniquereference", "reportstoseniorpost"} <= names:
        kind = "UK organogram (senior staff)"
    elif {"reportingseniorpost", "generictitle"} <= names or {
        "reportingseniorpost",
        "genericjobtitle",
    } <= names:
        kind = "UK organogram (junior staff)"
    return ColumnReport(
        header_line=line,
        chosen={f: tuple(header[i] for i in idx) for f, idx in chosen.items()},
        ignored=tuple(h for i, h in enumerate(header) if h and i not in used),
        unnamed=sum(1 for i, h in enumerate(header) if not h and i not in used),
        kind=kind,
    )


_AFTER_NAME = re.compile(r"^(.+?)\s*\((.+)\)$")


def _plain_departments(positions: list[Position]) -> list[Position]:
    """Workday names each supervisory organisation after its manager, `Operations (Sam Lee)`:
    the department is `Operations`."""
    holders = {p.holder for p in positions if p.holder}
    plain_positions = []
    for p in positions:
        named = _AFTER_NAME.match(p.department or "")
        plain_positions.append(
            replace(p, department=named.group(1)) if named and named.group(2) in holders else p
        )
    return plain_positions


def read_positions(
    path: Path,
    columns: Columns,
    *,
    levels: Mapping[int, str],
    outside: Collection[str] = (),
    skip_bad_rows: bool = False,
) -> tuple[list[Position], list[Problem], ColumnReport]:
    """Every position of the export with its manager resolved to a position id, every problem, and
    the columns it was read from. A manager in `outside` (a role or position the plans already hold)
    may be missing from the file: then the file is one part of the organisation, hung under it."""
    rows = _rows(_decode(path), path)
    if not rows:
        raise PortalError(f"{path} holds no rows")
    at = _find_header(rows, columns)
    header_line, header = rows[at]
    chosen = _resolve_columns(header, columns, path)
    _best_id([cells for _, cells in rows[at + 1 :]], chosen)
    report = _report(header, header_line, chosen)
    junior = report.kind == "UK organogram (junior staff)" and "id" not in chosen
    if "id" not in chosen and not junior:
        raise _no_id(header, [cells for _, cells in rows[at + 1 :]], chosen, path)
    reader = RowReader(
        header, chosen, Levels(levels, header[chosen["level"][0]] if "level" in chosen else "")
    )
    for line, cells in rows[at + 1 :]:
        reader.row(line, cells, header_line, junior=junior)
    positions, more = link(_plain_departments(reader.positions), set(reader.first), frozenset(outside))
    problems = [*reader.problems, *reader.levels.notes(), *more]
    if reader.eliminated:
        shown = ", ".join(str(n) for n in reader.eliminated)
        problems.append(
            Problem("note", None, f"{len(reader.eliminated)} eliminated post(s) left out (lines {shown})")
        )
    if skip_bad_rows:
        positions, problems = skip_bad(positions, problems, outside)
    return positions, sorted(problems, key=lambda p: (p.line or 0, p.message)), report


__all__ = ["COLUMN_FIELDS", "ColumnReport", "Columns", "Position", "Problem", "read_map", "read_positions"]
