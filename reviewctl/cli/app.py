"""The typer app, its global options, and the one place errors become exit codes."""

from __future__ import annotations

import os
import sys
import tempfile
import traceback
from pathlib import Path
from typing import Annotated

import typer

from reviewctl import __version__
from reviewctl.cli import outcome, reports, review, steps, team, views
from reviewctl.cli.common import Globals
from reviewctl.errors import ExitCode, ReviewctlError

app = typer.Typer(
    name="reviewctl",
    help="Statutory case reviews (LCSPR, SAR, DHR) kept in a git repository.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        print(f"reviewctl {__version__}")
        raise typer.Exit()


@app.callback()
def _globals(
    ctx: typer.Context,
    store: Annotated[Path | None, typer.Option("--store", envvar="REVIEWCTL_STORE", help="The store's folder; default: found by walking up from here.")] = None,
    as_of: Annotated[str | None, typer.Option("--as-of", help="Today's date for clocks (YYYY-MM-DD); also REVIEWCTL_TODAY.")] = None,
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version.")] = False,
) -> None:
    ctx.obj = Globals(store, as_of)


app.command()(views.init)
app.command()(steps.refer)
app.command()(steps.triage)
app.command()(steps.scope)
app.command()(steps.decide)
app.command()(review.notify)
app.add_typer(review.chronology_app, name="chronology")
app.command()(review.commission)
app.add_typer(review.panel_app, name="panel")
app.command()(review.tor)
app.command()(review.milestone)
app.command()(review.engage)
app.command()(review.checklist)
app.command("report")(outcome.report_cmd)
app.command()(outcome.present)
app.command()(outcome.jcrg)
app.command()(outcome.approve)
app.command()(outcome.publish)
app.command("redaction-check")(outcome.redaction_check)
app.command()(outcome.actions)
app.command()(outcome.impact)
app.command()(outcome.monitor)
app.command()(outcome.close)
app.command()(outcome.link)
app.command()(views.show)
app.command("list")(reports.list_)
app.command("tracker", help="The tracker (the same as list).")(reports.list_)
app.command()(reports.due)
app.command()(reports.stats)
app.command()(views.log)
app.command()(views.validate)
app.command()(views.template)
app.add_typer(team.approvers_app, name="approvers")
app.command()(team.verify)
app.command()(team.sync)
app.command()(team.codeowners)
app.command()(views.doctor)


def _crash_log() -> str:
    # Tracebacks never reach the terminal, and never with local variables: this data is
    # about children and people who died.
    fd, path = tempfile.mkstemp(prefix="reviewctl-crash-", suffix=".log")
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(f"reviewctl {__version__}\n")
        kind, _, tb = sys.exc_info()
        # The frames and the exception's type, never its text: the text may quote data.
        handle.write("".join(traceback.format_list(traceback.extract_tb(tb))))
        handle.write(f"{kind.__name__ if kind else 'error'}\n")
    return path


def main(argv: list[str] | None = None) -> int:
    """Run the app and return its exit code (documented in README.md)."""
    try:
        result = app(args=argv, prog_name="reviewctl", standalone_mode=False)
    except ReviewctlError as error:
        sys.stderr.write(f"error: {error.message}\n")
        return int(error.exit_code)
    except typer.Exit as done:
        return int(done.exit_code)
    except typer.TyperException as error:  # click's usage errors: exit 2
        ctx = getattr(error, "ctx", None)
        where = f" (see `{ctx.command_path} --help`)" if ctx is not None else ""
        sys.stderr.write(f"error: {error.format_message()}{where}\n")
        return int(error.exit_code)
    except (KeyboardInterrupt, typer.Abort):
        sys.stderr.write("interrupted\n")
        return int(ExitCode.INTERRUPTED)
    except Exception:  # noqa: BLE001 - the last resort: no traceback on the terminal
        path = _crash_log()
        sys.stderr.write(f"error: an unexpected internal error; details were written to {path}\n")
        return int(ExitCode.INTERNAL)
    return result if isinstance(result, int) else 0


def run() -> None:
    sys.exit(main())
