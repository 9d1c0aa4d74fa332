"""The `vap` command line: options in, one call into `commands`, nothing else."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import Any

import click

from site_builder import __version__, commands
from site_builder.cli.authoring import register as register_authoring
from site_builder.errors import InternalError

PLANS_DIR = click.argument(
    "plans_dir", type=click.Path(file_okay=False, path_type=Path), default="plans", required=False
)

NO_CACHE = click.option(
    "--no-cache",
    is_flag=True,
    help="Parse every plan file and run every rule again instead of reusing .cache/vap/ beside the plans "
    "(nothing is written).",
)


def _talk(command: Any) -> Any:
    """--quiet and --verbose for the commands that do long work."""
    command = click.option(
        "--verbose",
        "-v",
        is_flag=True,
        help="Print each phase with the time it took, also when the output is not a terminal.",
    )(command)
    return click.option(
        "--quiet",
        "-q",
        is_flag=True,
        help="Print only errors and notes (no progress, no summary). On a terminal, phases are shown "
        "with counts by default; in CI or when the output is not a terminal, they are not.",
    )(command)


class _Group(click.Group):
    """Unexpected exceptions become one line that says it is a bug; `vap --debug ...` shows the traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort, KeyboardInterrupt):
            raise
        except Exception as exc:
            if ctx.params.get("debug"):
                raise
            raise InternalError.of(exc) from exc


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="vap")
@click.option("--debug", is_flag=True, help="Show full tracebacks on internal errors.")
def cli(debug: bool) -> None:
    """Value-Added Planning portal: check plans and publish them as an intranet site.

    \b
    Exit codes: 0 success (warnings alone do not fail), 1 findings that fail
    (errors, or warnings made errors by --strict/--fail-on/fail_on) or a site that
    could not be built, 2 usage or I/O problem (or a missing set-up such as
    Graphviz), 70 internal error (a bug in vap: run with --debug, report the traceback).
    """


@cli.command()
@PLANS_DIR
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="text for people, json for tools.",
)
@click.option("--strict", is_flag=True, help="Treat every warning as an error.")
@click.option(
    "--fail-on",
    multiple=True,
    metavar="RULE[,RULE...]",
    help="Warning rules that fail the check (added to fail_on in portal.yaml); 'all' for every rule.",
)
@NO_CACHE
@click.option(
    "--enable",
    multiple=True,
    metavar="RULE[,RULE...]",
    help="Turn on off-by-default rules (no-recent-dialogue, missing-trade-offs, ...) for this run.",
)
@click.option(
    "--as-of",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Judge dates (no-recent-dialogue) as of YYYY-MM-DD; default: as_of in portal.yaml, else today.",
)
@click.option(
    "--previous",
    type=click.Path(exists=True, path_type=Path),
    default=None,
    help="A published cycle's folder or its plans.json: turns on suspect-link.",
)
def check(
    plans_dir: Path,
    output_format: str,
    strict: bool,
    fail_on: tuple[str, ...],
    enable: tuple[str, ...],
    as_of: dt.datetime | None,
    previous: Path | None,
    no_cache: bool,
) -> None:
    """Check a planning repository and report every error and warning.

    Exit code 0: no errors (warnings alone do not fail); 1: errors, or warnings
    made errors by --strict, --fail-on or fail_on in portal.yaml; 2: usage or I/O problem.

    \b
    Example:
      vap check plans
      vap check plans --format json --fail-on unconfirmed-plan
      vap check plans --enable no-recent-dialogue --as-of 2026-10-01
      vap check plans --previous site-archive/2026
      vap check plans --no-cache
    """
    options = commands.check_options(enable=enable, as_of=as_of.date() if as_of else None, previous=previous)
    sys.exit(
        commands.check(
            plans_dir=plans_dir,
            output_format=output_format,
            strict=strict,
            fail_on=fail_on,
            options=options,
            cache=not no_cache,
        )
    )


CONFIG_FILE = click.option(
    "--config-file",
    "-f",
    type=click.Path(dir_okay=False, path_type=Path),
    default="mkdocs.yml",
    show_default=True,
    help="The MkDocs configuration of the portal.",
)


@cli.command()
@PLANS_DIR
@CONFIG_FILE
@click.option(
    "--site-dir",
    "-d",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Where to write the site (default: site_dir of mkdocs.yml, usually site/).",
)
@click.option(
    "--audience",
    "-a",
    default=None,
    metavar="NAME",
    help="Audience edition to build (default: default_audience of portal.yaml; 'preview' shows all).",
)
@click.option("--no-diagrams", is_flag=True, help="Build without Graphviz diagrams (no 'dot' needed).")
@click.option(
    "--emit-docs",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    metavar="DIR",
    help="Instead of a site, write the edition as a plain docs folder and an mkdocs.yml without the "
    "vap plugin into DIR (diagrams inlined, links resolved), for any engine that reads mkdocs.yml.",
)
@click.option(
    "--emit-links",
    type=click.Choice(["urls", "md"]),
    default="urls",
    show_default=True,
    help="With --emit-docs: links as URLs relative to each page (MkDocs, ProperDocs) or as relative "
    ".md paths (engines that resolve links in HTML, such as Zensical).",
)
@NO_CACHE
@_talk
def build(
    plans_dir: Path,
    config_file: Path,
    site_dir: Path | None,
    audience: str | None,
    no_diagrams: bool,
    emit_docs: Path | None,
    emit_links: str,
    no_cache: bool,
    quiet: bool,
    verbose: bool,
) -> None:
    """Check the plans, then build the portal site (refuses to build when there are errors).

    \b
    Example:
      vap build plans --site-dir site
      vap build plans --audience leadership --no-diagrams
      vap build plans --audience all-staff --emit-docs plain   # then: cd plain && mkdocs build
    """
    if emit_links != "urls" and emit_docs is None:
        raise click.UsageError("--emit-links applies to --emit-docs DIR only")
    sys.exit(
        commands.build(
            plans_dir=plans_dir,
            config_file=config_file,
            site_dir=site_dir,
            audience=audience,
            diagrams=not no_diagrams,
            cache=not no_cache,
            quiet=quiet,
            verbose=verbose,
            emit_docs=emit_docs,
            emit_links=emit_links,
        )
    )


@cli.command()
@PLANS_DIR
@CONFIG_FILE
@click.option(
    "--out",
    "-o",
    "out_dir",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="The publish folder that holds every published cycle (created if missing).",
)
@click.option(
    "--cycle", default=None, metavar="ID", help="Publish under this cycle id (default: cycle of portal.yaml)."
)
@click.option(
    "--audience",
    "-a",
    default=None,
    metavar="NAME",
    help="Audience edition (default: default_audience of portal.yaml); each audience goes to DIR/NAME/.",
)
@click.option("--force", is_flag=True, help="Replace a cycle that is already published.")
@click.option(
    "--fail-on",
    multiple=True,
    metavar="RULE[,RULE...]",
    help="Warning rules that refuse publishing (added to fail_on in portal.yaml); 'all' for every rule.",
)
@click.option("--no-diagrams", is_flag=True, help="Publish without Graphviz diagrams (no 'dot' needed).")
@click.option(
    "--staging",
    default=None,
    type=click.Path(file_okay=False, path_type=Path),
    help="Build here: outside the publish folder, on its file system (default: .DIR.vap-staging beside DIR).",
)
@click.option(
    "--nested",
    is_flag=True,
    help="Earlier layout: the default audience at the top of DIR, others inside it (prints the access rule).",
)
@_talk
def publish(
    plans_dir: Path,
    config_file: Path,
    out_dir: Path,
    cycle: str | None,
    audience: str | None,
    force: bool,
    fail_on: tuple[str, ...],
    no_diagrams: bool,
    staging: Path | None,
    nested: bool,
    quiet: bool,
    verbose: bool,
) -> None:
    """Publish the plans as a cycle of the versioned intranet site (earlier cycles stay as they were).

    \b
    Example:
      vap publish --out /srv/vap-published plans
      vap publish --out /srv/vap-published --audience leadership plans
    """
    sys.exit(
        commands.publish(
            plans_dir=plans_dir,
            config_file=config_file,
            out_dir=out_dir,
            cycle=cycle,
            audience=audience,
            force=force,
            fail_on=fail_on,
            diagrams=not no_diagrams,
            staging=staging,
            nested=nested,
            quiet=quiet,
            verbose=verbose,
        )
    )


@cli.command()
@PLANS_DIR
@CONFIG_FILE
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind (loopback by default).")
@click.option("--port", "-p", default=8000, show_default=True, type=int, help="Port to serve on.")
@click.option("--role", default=None, metavar="ROLE", help="Print (and open) the URL of this role's page.")
@click.option("--open", "open_browser", is_flag=True, help="Open the page in a web browser.")
@NO_CACHE
def serve(
    plans_dir: Path,
    config_file: Path,
    host: str,
    port: int,
    role: str | None,
    open_browser: bool,
    no_cache: bool,
) -> None:
    """Preview the portal with live reload while you edit plans, docs or the theme.

    \b
    Example:
      vap serve plans --role dir-patient-access --open
    """
    sys.exit(
        commands.serve(
            plans_dir=plans_dir,
            config_file=config_file,
            host=host,
            port=port,
            role=role,
            open_browser=open_browser,
            cache=not no_cache,
        )
    )


@cli.command()
@click.argument("dest", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--roles",
    "-n",
    default=1000,
    show_default=True,
    type=click.IntRange(2, 200_000),
    help="How many roles to generate.",
)
@click.option("--seed", default=1, show_default=True, type=int, help="Same seed, same files.")
@click.option(
    "--style",
    type=click.Choice(["plain", "hand"]),
    default="plain",
    show_default=True,
    help="plain: every line 'key: value'; hand: the same organisation written as people write plans "
    "(comments, quotes, | and > blocks, [a, b] lists, keys in any order, CRLF).",
)
def synth(dest: Path, roles: int, seed: int, style: str) -> None:
    """Write a synthetic, valid planning repository of N roles into DEST/plans (for trying things at scale).

    \b
    Example:
      vap synth big --roles 10000 && vap check big/plans
      vap synth big-hand --roles 10000 --style hand
    """
    sys.exit(commands.synth(dest=dest, roles=roles, seed=seed, style=style))


@cli.command()
@click.argument("kind", type=click.Choice(["portal", "strategy", "role"]), required=False)
def schema(kind: str | None) -> None:
    """Print the JSON Schema of portal.yaml, strategy.yaml or role files (all three without KIND).

    Editors validate and autocomplete plan files with it: save it, then put
    `# yaml-language-server: $schema=role.schema.json` at the top of a role file.

    \b
    Example:
      vap schema role > role.schema.json
    """
    sys.exit(commands.schema(kind=kind))


@cli.command()
@click.argument("manager")
@click.argument("report")
@PLANS_DIR
@click.option(
    "--audience",
    "-a",
    default=None,
    metavar="NAME",
    help="Show what this audience's edition shows (default: 'preview', everything; an audience that "
    "hides dialogue has no sheets).",
)
@click.option(
    "--output",
    "-o",
    "out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write the sheet to this file instead of standard output.",
)
@click.option(
    "--previous",
    type=click.Path(exists=True, path_type=Path),
    default=None,
    help="A published cycle's folder or its plans.json: what changed above since then, as the site's "
    "sheet shows it when built over that cycle.",
)
@NO_CACHE
def conversation(
    manager: str,
    report: str,
    plans_dir: Path,
    audience: str | None,
    out: Path | None,
    previous: Path | None,
    no_cache: bool,
) -> None:
    """Write the conversation sheet of MANAGER and REPORT (role ids) as Markdown: the same content as
    the sheet on the site, for preparing the conversation offline.

    \b
    Example:
      vap conversation vp-operations dir-patient-access plans -o sheet.md
      vap conversation vp-operations dir-patient-access --audience leadership
    """
    sys.exit(
        commands.conversation(
            plans_dir=plans_dir,
            manager=manager,
            report=report,
            audience=audience,
            out=out,
            previous=previous,
            cache=not no_cache,
        )
    )


register_authoring(cli)


def main() -> None:
    try:
        cli(prog_name="vap")
    finally:
        loader = sys.modules.get("site_builder.loading.loader")
        if loader is not None:  # the interpreter's last collections would walk every cached role (0.5 s
            loader.forget_parsed()  # of `vap check` at 10,000 roles): drop the loader's parse cache first


if __name__ == "__main__":
    main()
