"""The catalogue of what org-chart exports call things: the headers of the common HR systems and of
UK government organograms, the words that mean "no person holds this post", the top-of-chart
markers and the civil-service grade ladder. Kept apart from the reader so it can grow by itself."""

from __future__ import annotations

import re
import unicodedata

COLUMN_FIELDS = ("id", "title", "holder", "manager", "department", "level")
SYNONYMS: dict[str, tuple[str, ...]] = {
    # best first; compared without case, spaces or punctuation ("Position_ID" == "position id");
    # '#' reads as "number" ("Employee #" == "Employee Number")
    "id": (
        "post unique reference",  # UK organograms
        "post unique ref",
        "unique post reference",
        "post reference",
        "post ref",
        "position id",  # Workday, ADP
        "position number",
        "position no",
        "position code",
        "pos id",
        "post id",
        "role id",
        "user id",  # SAP SuccessFactors (USERID)
        "employee id",  # HiBob, Workday
        "employee number",  # BambooHR (Employee #)
        "employee no",
        "associate id",  # ADP
        "file number",  # ADP
        "emp id",
        "emp no",
        "staff id",
        "staff number",
        "person id",
        "personnel number",
        "worker id",
        "job id",
        "job code",
        "id",
    ),
    "manager": (
        "reports to senior post",  # UK organograms, senior staff
        "reporting senior post",  # UK organograms, junior staff
        "reports to post",
        "manager position id",
        "manager position",
        "reports to position id",  # ADP
        "reports to position",
        "manager id",  # ADP, HiBob
        "manager user id",  # SuccessFactors
        "manager employee id",
        "supervisor id",
        "reports to id",
        "reports to employee id",
        "reports to associate id",
        "line manager id",
        "parent id",
        "reports to",  # BambooHR, HiBob (a name)
        "reporting to",
        "manager",  # Workday, SuccessFactors
        "supervisor",  # Personio
        "line manager",
        "parent",
        "manager name",
        "supervisor name",
        "reports to name",
    ),
    "title": (
        "job title",
        "position title",
        "role title",
        "title",
        "business title",  # Workday
        "job title description",  # ADP
        "generic job title",  # UK organograms, junior staff
        "position name",
        "job name",
        "job profile",  # Workday
        "job",
        "role",
        "job role",
        "designation",
        "position",  # Personio
    ),
    "holder": (
        "name",
        "employee name",
        "full name",
        "display name",  # HiBob
        "preferred name",
        "holder",
        "incumbent",
        "worker",  # Workday
        "worker name",
        "payroll name",  # ADP
        "employee",
        "person",
        "staff name",
    ),
    "department": (
        "department",
        "department name",
        "dept",
        "dept name",
        "home department description",  # ADP
        "home department",
        "unit",  # UK organograms
        "supervisory organization",  # Workday
        "supervisory organisation",
        "org unit",
        "organisation unit",
        "organization unit",
        "business unit",
        "division",
        "team",
        "function",
        "cost center",  # ADP, Workday
        "cost centre",
        "cost center description",
        "organisation",  # UK organograms: the body itself, when there is no unit
        "organization",
    ),
    "level": (
        "level",
        "job level",
        "level of work",
        "management level",  # Workday
        "grade",  # UK organograms
        "grade or equivalent",  # UK organograms, 2011 template
        "job grade",
        "pay grade",  # SuccessFactors
        "band",
        "career level",
    ),
}
FIRST_NAMES = ("first name", "given name", "forename", "first", "legal first name", "firstname")
LAST_NAMES = ("last name", "surname", "family name", "last", "legal last name", "lastname")
HR_SYSTEMS = {
    # shown in the import's --help and the manual; each has a fixture under tests/fixtures/orgcsv
    "Workday": "Position ID, Worker, Business Title, Manager, Supervisory Organization, Management Level",
    "SAP SuccessFactors": "USERID, FIRSTNAME, LASTNAME, TITLE, MANAGER, DEPARTMENT, PAY GRADE",
    "BambooHR": "Employee #, First Name, Last Name, Job Title, Reports To, Department",
    "HiBob": "Employee ID, Display name, Job title, Department, Reports to",
    "Personio": "ID, First name, Last name, Position, Supervisor, Department",
    "ADP": "Associate ID, Payroll Name, Job Title Description, Manager ID, Home Department, Cost Center",
    "UK organogram": "Post Unique Reference, Name, Grade, Job Title, Unit, Reports to Senior Post",
}

VACANT = frozenset(
    {"", "vacant", "vacancy", "vacant post", "tbd", "tbc", "open", "none", "n/a", "na", "-", "--", "(vacant)"}
)
UNDISCLOSED = frozenset(
    {"n/d", "nd", "n.d.", "not disclosed", "undisclosed", "withheld", "redacted", "not published", "n/p"}
)
ELIMINATED = frozenset({"eliminated", "post eliminated", "eliminated post", "post deleted", "abolished"})
TOP_MARKERS = frozenset({"xx", "xxx", "top", "none", "n/a", "na", "-", "--", "nobody", "no_manager"})

_SCS = re.compile(r"^(?:scs|senior civil service|pb|pay band)\s*(?:pay\s*band|pb|band)?\s*([1-4])[a-z]?$")
GRADE_LADDER: dict[str, int] = {
    # UK civil-service grades on the six default levels of work (portal.yaml: 1 Front line ...
    # 6 Chief executive): a Permanent Secretary (SCS4) or Director General (SCS3) leads at the top
    # level, a Director (SCS2) one below, a Deputy Director (SCS1) or Grade 6 at "Director"
    "aa": 1,
    "ao": 1,
    "administrative assistant": 1,
    "administrative officer": 1,
    "eo": 2,
    "executive officer": 2,
    "heo": 2,
    "higher executive officer": 2,
    "seo": 3,
    "senior executive officer": 3,
    "grade 7": 3,
    "g7": 3,
    "grade 6": 4,
    "g6": 4,
}
_SCS_LEVEL = {1: 4, 2: 5, 3: 6, 4: 6}


def compact(name: str) -> str:
    """A header or word as compared: ASCII, lower case, letters and digits only, '#' as 'number'."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]", "", ascii_name.lower().replace("#", " number"))


COMPACT = {f: tuple(compact(s) for s in names) for f, names in SYNONYMS.items()}
_ID_LIKE = re.compile(r"(?:id|number|no|num|code|ref|reference|key)$")


def id_like(header: str) -> bool:
    """A header naming a number or code (`Employee #`, `Worker ID`): never a person's name."""
    return bool(_ID_LIKE.search(compact(header))) or "#" in header


def plain(value: str) -> str:
    """A cell as compared against the word lists: no surrounding quotes, case or spaces."""
    return " ".join(value.strip().strip("\"'`").strip().casefold().split())


def grade_level(text: str) -> int | None:
    """The level of work of a civil-service grade (`SCS2`, `Grade 7`), else None: local grades such as
    `OF-6` differ from body to body."""
    value = re.sub(r"\s*\(.*\)$", "", plain(text))  # "Grade 7 (London)", "Grade (or equivalent)"
    if value in GRADE_LADDER:
        return GRADE_LADDER[value]
    scs = _SCS.match(value)
    return _SCS_LEVEL[int(scs.group(1))] if scs else None


__all__ = [
    "COLUMN_FIELDS",
    "COMPACT",
    "ELIMINATED",
    "FIRST_NAMES",
    "HR_SYSTEMS",
    "LAST_NAMES",
    "SYNONYMS",
    "TOP_MARKERS",
    "UNDISCLOSED",
    "VACANT",
    "compact",
    "grade_level",
    "id_like",
    "plain",
]
