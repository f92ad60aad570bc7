"""The typer app, its global options, and the one place errors become exit codes."""

from __future__ import annotations

import errno
import os
import sys
import tempfile
import traceback
from functools import cache
from pathlib import Path
from typing import Annotated, Any

import typer

from reviewctl import __version__
from reviewctl.cli import (
    clock,
    corrections,
    office,
    outcome,
    privacy,
    reports,
    review,
    site,
    statutory,
    steps,
    team,
    views,
)
from reviewctl.cli.common import Globals
from reviewctl.cli.output import printable
from reviewctl.errors import ExitCode, ReviewctlError, UnusableError, UsageError

app = typer.Typer(
    name="reviewctl",
    help="Statutory case reviews (LCSPR, SAR, DHR) kept in a git repository.",
    no_args_is_help=True,
    add_completion=True,  # --install-completion: case ids, types, stages, agencies (cli/helptext.py)
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
    identity: Annotated[Path | None, typer.Option("--identity", help="Your private key (age or ssh-ed25519) that reads the cases' identifiers; also REVIEWCTL_IDENTITY; default ~/.ssh/id_ed25519.", show_default=False)] = None,
    version: Annotated[bool, typer.Option("--version", "-V", callback=_version, is_eager=True, help="Print the version.")] = False,
) -> None:
    ctx.obj = Globals(store, as_of, identity)


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
app.add_typer(clock.clock_app, name="clock")
app.command("next")(clock.next_)
app.command("list")(reports.list_)
app.command("tracker", help="The tracker (the same as list).")(reports.list_)
app.command()(reports.due)
app.command()(reports.stats)
app.command()(site.site)
app.command()(views.log)
app.command()(views.validate)
app.command()(views.template)
app.add_typer(team.approvers_app, name="approvers")
app.command()(team.verify)
app.command()(team.sync)
app.command()(team.codeowners)
app.command()(views.doctor)
app.command()(privacy.confidential)
app.add_typer(privacy.recipients_app, name="recipients")
app.command()(privacy.retention)
app.command()(privacy.purge)
app.add_typer(statutory.home_office_app, name="home-office")
app.add_typer(statutory.parallel_app, name="parallel")
app.command()(statutory.themes)
app.command()(statutory.subject)
app.command("import")(office.import_)
app.command()(office.search)
app.command()(office.schema)
for _command_fn in (corrections.amend, corrections.withdraw, corrections.reopen, corrections.retype):
    app.command()(_command_fn)


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


def _check_arguments(argv: list[str]) -> None:
    """Refuse what no option can mean, before any command sees it.

    Python hands bytes that are not UTF-8 over as lone surrogates, which nothing can
    write to YAML or git; a NUL cannot reach a real program's arguments at all.
    """
    for number, arg in enumerate(argv, start=1):
        if any("\udc80" <= ch <= "\udcff" for ch in arg):
            raise UsageError(f"argument {number} is not UTF-8 text; set a UTF-8 locale or retype it")
        if "\x00" in arg:
            raise UsageError(f"argument {number} contains a NUL character; remove it")


def _os_error(error: OSError) -> ReviewctlError:
    """A file system refusal as one line that says what to do; never a crash."""
    if error.errno == errno.ENAMETOOLONG:
        return UsageError("a name or path is too long for the file system; use a shorter one")
    where = f"{error.filename}: " if isinstance(error.filename, str) and len(error.filename) < 300 else ""
    if error.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return UnusableError(f"{where}cannot write here ({error.strerror}); make the store writable "
                             "(or work in a clone you can write to), then repeat")
    if error.errno == errno.ENOSPC:
        return UnusableError(f"{where}the disk is full; free some space, then repeat")
    return UnusableError(f"{where}{error.strerror or 'a file system error'}; check the path, then repeat")


@cache
def _command() -> Any:  # typer's own click Command
    # typer builds the click commands anew on every call (50 ms): once per process is enough
    # for a test suite or a script that calls main() many times.
    from reviewctl.cli.helptext import polish

    command = typer.main.get_command(app)
    polish(command)  # plain metavars (DATE, ID, TEXT, PATH) and each command's examples
    return command


def main(argv: list[str] | None = None) -> int:
    """Run the app and return its exit code (documented in README.md)."""
    try:
        given = sys.argv[1:] if argv is None else argv
        _check_arguments(given)
        if not given:  # bare `reviewctl`: the help, and success (it is what was asked for)
            argv = ["--help"]
        result = _command()(args=argv, prog_name="reviewctl", standalone_mode=False)
    except ReviewctlError as error:
        sys.stderr.write(f"error: {printable(error.message)}\n")
        return int(error.exit_code)
    except OSError as error:  # after ReviewctlError: a read-only store, a full disk, a long name
        failure = _os_error(error)
        sys.stderr.write(f"error: {printable(failure.message)}\n")
        return int(failure.exit_code)
    except typer.Exit as done:
        return int(done.exit_code)
    except typer.TyperException as error:  # click's usage errors: exit 2
        ctx = getattr(error, "ctx", None)
        where = f" (see `{ctx.command_path} --help`)" if ctx is not None else ""
        sys.stderr.write(f"error: {printable(error.format_message())}{where}\n")
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
