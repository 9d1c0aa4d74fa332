"""vap export: the audience's view as JSON (the plans.json document) or a role-outcome CSV table."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from site_builder.authoring.export import plans_view, to_csv_text, to_json_text
from site_builder.cli.authoring import register
from site_builder.domain import snapshot
from site_builder.errors import PlanError

HEADER = [
    "role_id",
    "role_title",
    "holder",
    "department",
    "level",
    "status",
    "outcome_id",
    "outcome_title",
    "measure",
    "target",
    "due",
    "supports",
]


def _clock() -> dt.datetime:
    return dt.datetime(2027, 1, 31, 12, 0, tzinfo=dt.UTC)


def _table(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


def test_csv_default_audience_one_row_per_outcome_drafts_as_placeholders(small_plans: Path) -> None:
    rows = _table(to_csv_text(plans_view(small_plans, None)))
    assert rows == [
        HEADER,
        ["booking-lead", "Booking Team Lead", "vacant", "Operations", "2", "draft", "", "", "", "", "", ""],
        [
            "chief",
            "Chief Executive",
            "Dana Reyes",
            "Executive",
            "4",
            "confirmed",
            "booking",
            "Online booking live across the network",
            "Share of appointments booked online",
            ">= 60%",
            "2027-03-31",
            "G1-M1",
        ],
        [
            "chief",
            "Chief Executive",
            "Dana Reyes",
            "Executive",
            "4",
            "confirmed",
            "retention",
            "Patients return for follow-up care",
            "Follow-up attendance",
            ">= 85%",
            "2027-06-30",
            "G2-M1",
        ],
        ["head-care", "Head of Care", "José Álvarez", "Care", "3", "discussed", "", "", "", "", "", ""],
        [
            "head-ops",
            "Head of Operations",
            "Amara Okafor",
            "Operations",
            "3",
            "confirmed",
            "clinics-live",
            "Every clinic takes online bookings",
            "Clinics live",
            "14 of 14",
            "2027-03-15",
            "chief#booking",
        ],
    ]


def test_csv_drops_hidden_columns_and_omitted_drafts(small_plans: Path) -> None:
    portal = small_plans / "portal.yaml"
    portal.write_text(
        portal.read_text().replace(
            "default_audience: all-staff",
            "  public:\n    hide: [holder, level, outcomes]\n    drafts: omit\ndefault_audience: all-staff",
        )
    )
    rows = _table(to_csv_text(plans_view(small_plans, "public")))
    assert rows == [
        ["role_id", "role_title", "department", "status"],
        ["chief", "Chief Executive", "Executive", "confirmed"],
        ["head-ops", "Head of Operations", "Operations", "confirmed"],
    ]


def test_csv_quotes_commas_and_defuses_formulas(small_plans: Path) -> None:
    role = small_plans / "roles" / "ops" / "head-ops.yaml"
    role.write_text(
        role.read_text()
        .replace("title: Every clinic takes online bookings", 'title: "=HYPERLINK(\\"http://x\\")"')
        .replace("target: 14 of 14", 'target: "-5%"')
        .replace("title: Head of Operations", 'title: "Head, Operations"')
    )
    text = to_csv_text(plans_view(small_plans, "leadership"))
    assert '"Head, Operations"' in text
    row = next(r for r in _table(text) if r[0] == "head-ops")
    assert (row[1], row[7], row[9]) == ("Head, Operations", '\'=HYPERLINK("http://x")', "-5%")
    assert text.endswith("\r\n")


def test_json_is_the_snapshot_document_without_hidden_fields(small_plans: Path) -> None:
    view = plans_view(small_plans, None)
    data = json.loads(to_json_text(view, clock=_clock))
    assert data == snapshot.to_json(view, clock=_clock)
    assert data["audience"] == {
        "name": "all-staff",
        "hide": ["dialogue", "resources"],
        "drafts": "placeholder",
    }
    chief = next(r for r in data["roles"] if r["id"] == "chief")
    assert "resources" not in chief and "dialogue" not in chief
    draft = next(r for r in data["roles"] if r["id"] == "booking-lead")
    assert draft["placeholder"] is True and "outcomes" not in draft
    leadership = json.loads(to_json_text(plans_view(small_plans, "leadership"), clock=_clock))
    assert next(r for r in leadership["roles"] if r["id"] == "chief")["resources"] == {
        "headcount": "3",
        "budget": "0.5M",
    }


def test_export_refuses_plans_with_errors(small_plans: Path) -> None:
    (small_plans / "roles" / "ops" / "head-ops.yaml").write_text("title: [\n")
    with pytest.raises(PlanError, match="nothing was exported"):
        plans_view(small_plans, None)


def test_export_command_writes_a_file(small_plans: Path, tmp_path: Path) -> None:
    @click.group()
    def vap() -> None:
        """Test group."""

    register(vap)
    out = tmp_path / "outcomes.csv"
    result = CliRunner().invoke(vap, ["export", "--format", "csv", "-o", str(out), str(small_plans)])
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(b"\xef\xbb\xbfrole_id,role_title,")  # Excel reads it as UTF-8
    assert f"Wrote {out}: 4 roles as csv, audience 'all-staff'" in result.output
    bad = CliRunner().invoke(vap, ["export", "--format", "json", "--audience", "nobody", str(small_plans)])
    assert bad.exit_code == 2
    assert "unknown audience 'nobody'" in bad.output
