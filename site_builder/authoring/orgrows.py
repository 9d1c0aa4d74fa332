"""Reading the data rows of an org-chart export: levels written as numbers, names, labels or
grades; holders that are no people (`N/D`, `Vacant`, `Eliminated`); rows repeated or reused."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from site_builder.authoring.orgheaders import ELIMINATED, TOP_MARKERS, UNDISCLOSED, VACANT, grade_level, plain
from site_builder.authoring.orglink import Position, Problem

_LEVEL = re.compile(r"^(?:level|lvl|l|grade|band)?\s*[-_ ]?\s*(\d{1,2})$", re.IGNORECASE)
_LABEL = re.compile(r"^(\d{1,2})\s*[-:.)]?\s+([^\d].*)$")


def cell(cells: list[str], indexes: list[int] | None) -> str | None:
    if indexes is None:
        return None
    value = " ".join(cells[i] for i in indexes if i < len(cells) and cells[i])
    return value or None


@dataclass(slots=True)
class Levels:
    """Levels read from numbers, level names, labels such as `4 Director` and grades such as
    `SCS2`; labels, grades and unknown values are summed up in one note each, not one a row."""

    names: Mapping[int, str]
    column: str = ""
    labels: dict[str, int] = field(default_factory=dict)
    grades: dict[str, int] = field(default_factory=dict)
    unknown: dict[str, list[tuple[int, str, str]]] = field(default_factory=dict)

    def read(self, text: str | None, line: int, key: str) -> int | None:
        if text is None:
            return None
        value = text.strip()
        by_name = {name.casefold(): number for number, name in self.names.items()}
        if value.casefold() in by_name:
            return by_name[value.casefold()]
        grade = grade_level(value)  # before numbers: "Grade 7" is a civil-service grade, not level 7
        if grade is not None:
            self.grades[value] = grade
            return grade
        number = _LEVEL.match(value)
        if number:
            return int(number.group(1))
        label = _LABEL.match(value)
        if label:  # Workday's "4 Director": the portal's level of that name, else the number
            level = by_name.get(label.group(2).strip().casefold(), int(label.group(1)))
            self.labels[value] = level
            return level
        self.unknown.setdefault(value.casefold(), []).append((line, key, value))
        return None

    def notes(self) -> list[Problem]:
        notes = []
        for what, found in (("labels", self.labels), ("grades", self.grades)):
            if found:
                pairs = ", ".join(
                    f"'{v}' -> {n}" for v, n in sorted(found.items(), key=lambda i: (i[1], i[0]))
                )
                notes.append(
                    Problem("note", None, f"levels of work read from the {what} of '{self.column}': {pairs}")
                )
        for rows in self.unknown.values():
            line, key, value = rows[0]
            more = f" (and {len(rows) - 1} more rows)" if len(rows) > 1 else ""
            notes.append(
                Problem(
                    "note",
                    line,
                    f"level '{value}' of '{key}' is not a number or a level name of portal.yaml; "
                    f"left out{more}",
                )
            )
        return notes


@dataclass(frozen=True, slots=True)
class _Row:
    line: int
    key: str
    fields: tuple[str | None, ...]
    """Title, holder, manager, department, level as written: identical rows are merged."""


class RowReader:
    """One pass over the data rows: holders that are no people, eliminated posts, repeated rows."""

    def __init__(self, header: list[str], chosen: dict[str, list[int]], levels: Levels) -> None:
        self.header, self.chosen, self.levels = header, chosen, levels
        self.width = len(header)
        while self.width and not header[self.width - 1]:
            self.width -= 1
        self.positions: list[Position] = []
        self.problems: list[Problem] = []
        self.first: dict[str, _Row] = {}
        self.eliminated: list[int] = []

    def error(self, line: int, message: str) -> None:
        self.problems.append(Problem("error", line, message))

    def row(self, line: int, cells: list[str], header_line: int, *, junior: bool) -> None:
        chosen = self.chosen
        if len(cells) > self.width and any(cells[self.width :]):
            self.error(
                line,
                f"row has {len(cells)} fields but the header (line {header_line}) has {self.width}: "
                "is there a comma in a field without quotes?",
            )
            return
        title, holder = cell(cells, chosen["title"]), cell(cells, chosen.get("holder"))
        manager, level_text = cell(cells, chosen["manager"]), cell(cells, chosen.get("level"))
        if holder is not None and plain(holder) in ELIMINATED:
            self.eliminated.append(line)
            return
        key = f"{manager} {title} {level_text or ''}".strip() if junior else cell(cells, chosen["id"])
        if key is None:
            self.error(line, f"row has no position id (column '{self.header[chosen['id'][0]]}')")
            return
        department = cell(cells, chosen.get("department"))
        this = _Row(line, key, (title, holder, manager, department, level_text))
        if key in self.first and self.first[key].fields == this.fields:
            self.problems.append(
                Problem("note", line, f"'{key}' repeats line {self.first[key].line}; read once")
            )
            return
        if key in self.first:
            self.error(line, f"position id '{key}' is already used on line {self.first[key].line}")
            return
        self.first[key] = this
        if title is None:
            self.error(
                line, f"position '{key}' has no job title (column '{self.header[chosen['title'][0]]}')"
            )
            return
        who = plain(holder or "")
        self.positions.append(
            Position(
                line=line,
                key=key,
                title=title,
                holder=None if junior or who in VACANT or who in UNDISCLOSED else holder,
                has_holder="holder" in chosen and not junior,
                manager=None if manager is None or plain(manager) in TOP_MARKERS else manager,
                department=department,
                level=self.levels.read(level_text, line, key),
                undisclosed=junior or who in UNDISCLOSED,
            )
        )


__all__ = ["Levels", "RowReader", "cell"]
