"""The authoring doors of `vap`: init, new role, import-org and export. Options in, one call out;
`register(cli)` adds them to the main group."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import click

from site_builder.authoring import export

# the authoring tools are imported inside their commands: `vap check` and `vap build` do not pay
# for them (jinja2 templates, the CSV importer) at start-up (~65 ms)

FC = TypeVar("FC", bound=Callable[..., object])
PLANS_OPTION = click.option(
    "--plans",
    "plans_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default="plans",
    show_default=True,
    help="The planning repository's plans/ folder.",
)


@click.command("init")
@click.argument("directory", type=click.Path(path_type=Path))
@click.option(
    "--organization",
    default="Our organisation",
    show_default=True,
    help="The organisation's name, shown in the site header (portal.yaml: organization).",
)
def init_command(directory: Path, organization: str) -> None:
    """Start a new planning repository in DIRECTORY (new or empty): plans/, mkdocs.yml, docs/,
    a README and a pre-commit hook. It checks without errors and builds at once.

    \b
    Example:
      vap init acme-plans --organization "Acme Ltd"
      cd acme-plans && vap serve plans
    """
    from site_builder.authoring import init as authoring

    sys.exit(authoring.init(directory=directory, organization=organization))


@click.group("new")
def new_group() -> None:
    """Write skeletons of new plan files.

    \b
    Example:
      vap new role dir-patient-access --title "Director, Patient Access" --reports-to vp-operations
    """


@new_group.command("role")
@click.argument("role_id", metavar="ID")
@click.option("--title", required=True, help="The role's title, e.g. 'Director, Patient Access'.")
@click.option(
    "--reports-to",
    "reports_to",
    required=True,
    metavar="ROLE",
    help="Id of the role this one reports to (it must exist).",
)
@click.option(
    "--department", default=None, help="Department, if not the manager's (inherited when left out)."
)
@click.option("--holder", default=None, help="Who holds the role (default: vacant).")
@click.option(
    "--level", type=click.IntRange(1, 99), default=None, help="Level of work (see levels in portal.yaml)."
)
@PLANS_OPTION
def new_role_command(
    role_id: str,
    title: str,
    reports_to: str,
    department: str | None,
    holder: str | None,
    level: int | None,
    plans_dir: Path,
) -> None:
    """Write a draft plan for a new role ID, with every field of the format commented with the
    question it answers, in the folder of its manager or department. Never overwrites a file.

    \b
    Example:
      vap new role mgr-front-desk --title "Front Desk Manager" --reports-to dir-patient-access
      vap new role cfo --title "Chief Financial Officer" --reports-to ceo --department Finance
    """
    from site_builder.authoring import init as authoring

    sys.exit(
        authoring.new_role(
            plans_dir=plans_dir,
            role_id=role_id,
            title=title,
            reports_to=reports_to,
            department=department,
            holder=holder,
            level=level,
        )
    )


def _column(field: str, what: str) -> Callable[[FC], FC]:
    return click.option(
        f"--{field}-col",
        default=None,
        metavar="COLUMN",
        help=f"Header of the column holding {what} (default: detected).",
    )


@click.command("import-org")
@click.argument("csv_file", metavar="FILE.csv", type=click.Path(dir_okay=False, path_type=Path))
@PLANS_OPTION
@click.option(
    "--map",
    "map_file",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    default=None,
    help="YAML file naming the column of each field, e.g. 'title: Job Title'.",
)
@click.option(
    "--update",
    is_flag=True,
    help="Update reports_to, holder and department of plans that exist (nothing else in them).",
)
@click.option(
    "--skip-bad-rows",
    is_flag=True,
    help="Write the rest when some rows have problems, leaving those rows (and the posts under them) out.",
)
@click.option("--dry-run", is_flag=True, help="Show the columns, problems and files, but write nothing.")
@_column("id", "the position id")
@_column("title", "the job title")
@_column("holder", "the holder's name")
@_column("manager", "the manager's position id (or name)")
@_column("department", "the department")
@_column("level", "the level of work")
def import_org_command(
    csv_file: Path,
    plans_dir: Path,
    map_file: Path | None,
    update: bool,
    skip_bad_rows: bool,
    dry_run: bool,
    id_col: str | None,
    title_col: str | None,
    holder_col: str | None,
    manager_col: str | None,
    department_col: str | None,
    level_col: str | None,
) -> None:
    """Draft one plan per position of an org-chart export (CSV), with reports_to set, for each
    manager to fill in. It first prints which column it read as id, title, holder, manager,
    department and level, and which it ignored. The headers of Workday, SAP SuccessFactors,
    BambooHR, HiBob, Personio and ADP exports and of UK government organograms (senior and
    junior staff) are recognised as they are; others are named with --map or --*-col.
    Holders such as 'N/D' or 'Vacant' are never taken for names; eliminated posts are left out.
    Existing plans are never overwritten. Problems are reported with their CSV line, and then
    nothing is written (unless --skip-bad-rows).

    \b
    Example:
      vap import-org hr-export.csv --plans plans
      vap import-org organogram-senior.csv --dry-run
      vap import-org hr-export.csv --manager-col "Line Manager Position" --update
    """
    from site_builder.authoring import import_org
    from site_builder.authoring.orgcsv import Columns

    columns = Columns(
        id=id_col,
        title=title_col,
        holder=holder_col,
        manager=manager_col,
        department=department_col,
        level=level_col,
    )
    sys.exit(
        import_org.import_org(
            csv_path=csv_file,
            plans_dir=plans_dir,
            columns=columns,
            map_file=map_file,
            update=update,
            skip_bad_rows=skip_bad_rows,
            dry_run=dry_run,
        )
    )


@click.command("export")
@click.argument(
    "plans_dir", type=click.Path(file_okay=False, path_type=Path), default="plans", required=False
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(export.FORMATS),
    required=True,
    help="json: the whole model (as plans.json); csv: one row per outcome, for spreadsheets.",
)
@click.option(
    "--audience",
    "-a",
    default=None,
    metavar="NAME",
    help="Audience whose view to export (default: default_audience; 'preview' shows all).",
)
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="File to write (default: standard output).",
)
def export_command(plans_dir: Path, output_format: str, audience: str | None, output: Path | None) -> None:
    """Export the plans as one audience sees them: fields hidden from it are left out.

    \b
    Example:
      vap export --format csv -o outcomes.csv plans
      vap export --format json --audience leadership plans > plans.json
    """
    sys.exit(
        export.export(plans_dir=plans_dir, output_format=output_format, audience=audience, output=output)
    )


def register(group: click.Group) -> None:
    """Add init, new, import-org and export to the `vap` group."""
    for command in (init_command, new_group, import_org_command, export_command):
        group.add_command(command)
