"""The typer app, its global options, and the one place errors become exit codes.

A command's module is imported, and its click command built, only when that command
runs: `reviewctl show ID` builds `show` alone.  The whole tree is built for the help
that lists every command, for shell completion, and for a name that is not a command
(so that click can say which command was meant).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable
from functools import cache
from importlib import import_module
from pathlib import Path
from typing import Annotated, Any

# No pydantic plugin sees the case documents the models check (a plugin installed beside
# reviewctl would be handed every value, identifiers included); and looking plugins up
# costs every start a scan of the installed packages. typer disables them for its own
# adapters the same way. Set before any model is built; an explicit setting wins.
os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "1")

import typer

from reviewctl import __version__
from reviewctl.adapters import privatedir
from reviewctl.cli.common import Globals
from reviewctl.cli.output import printable
from reviewctl.errors import ExitCode, ReviewctlError, UnusableError, UsageError


class Entry:
    """Where a command lives: a function (or, with `group`, a sub-app) of a module in reviewctl/cli.

    A plain class: a NamedTuple or a dataclass would cost its generated code at every start.
    """

    __slots__ = ("group", "help", "module", "name")

    def __init__(self, module: str, name: str, group: bool = False, help: str | None = None) -> None:
        self.module, self.name, self.group, self.help = module, name, group, help


# Every command and sub-app by its name: `reviewctl --help` lists the commands in this order, then the sub-apps.
COMMANDS: dict[str, Entry] = {
    "init": Entry("views", "init"),
    "refer": Entry("steps", "refer"),
    "triage": Entry("steps", "triage"),
    "scope": Entry("steps", "scope"),
    "decide": Entry("steps", "decide"),
    "notify": Entry("review", "notify"),
    "chronology": Entry("review", "chronology_app", group=True),
    "commission": Entry("review", "commission"),
    "panel": Entry("review", "panel_app", group=True),
    "tor": Entry("review", "tor"),
    "milestone": Entry("review", "milestone"),
    "engage": Entry("review", "engage"),
    "checklist": Entry("review", "checklist"),
    "report": Entry("outcome", "report_cmd"),
    "present": Entry("outcome", "present"),
    "jcrg": Entry("outcome", "jcrg"),
    "approve": Entry("outcome", "approve"),
    "publish": Entry("outcome", "publish"),
    "redaction-check": Entry("outcome", "redaction_check"),
    "actions": Entry("actions", "actions_app", group=True),
    "impact": Entry("outcome", "impact"),
    "monitor": Entry("outcome", "monitor"),
    "close": Entry("outcome", "close"),
    "link": Entry("outcome", "link"),
    "show": Entry("views", "show"),
    "clock": Entry("clock", "clock_app", group=True),
    "next": Entry("clock", "next_"),
    "list": Entry("reports", "list_"),
    "tracker": Entry("reports", "list_", help="The tracker (the same as list)."),
    "due": Entry("reports", "due"),
    "stats": Entry("reports", "stats"),
    "site": Entry("site", "site"),
    "serve": Entry("serve", "serve"),
    "log": Entry("views", "log"),
    "validate": Entry("views", "validate"),
    "template": Entry("views", "template"),
    "approvers": Entry("team", "approvers_app", group=True),
    "verify": Entry("team", "verify"),
    "sync": Entry("team", "sync"),
    "codeowners": Entry("team", "codeowners"),
    "doctor": Entry("views", "doctor"),
    "confidential": Entry("privacy", "confidential"),
    "recipients": Entry("privacy", "recipients_app", group=True),
    "retention": Entry("privacy", "retention"),
    "purge": Entry("privacy", "purge"),
    "home-office": Entry("statutory", "home_office_app", group=True),
    "parallel": Entry("statutory", "parallel_app", group=True),
    "themes": Entry("statutory", "themes"),
    "subject": Entry("statutory", "subject"),
    "national-review": Entry("statutory", "national_review"),
    "import": Entry("office", "import_"),
    "search": Entry("office", "search"),
    "schema": Entry("office", "schema"),
    "amend": Entry("corrections", "amend"),
    "withdraw": Entry("corrections", "withdraw"),
    "reopen": Entry("corrections", "reopen"),
    "retype": Entry("corrections", "retype"),
}


def _version(value: bool) -> None:
    if value:
        print(f"reviewctl {__version__}")
        raise typer.Exit()


def _globals(
    ctx: typer.Context,
    store: Annotated[Path | None, typer.Option("--store", envvar="REVIEWCTL_STORE", help="The store's folder; default: found by walking up from here.")] = None,
    as_of: Annotated[str | None, typer.Option("--as-of", help="Today's date for clocks (e.g. 20/11/2026); also REVIEWCTL_TODAY.")] = None,
    identity: Annotated[Path | None, typer.Option("--identity", help="Your private key (age or ssh-ed25519) that reads the cases' identifiers; also REVIEWCTL_IDENTITY; default ~/.ssh/id_ed25519.", show_default=False)] = None,
    version: Annotated[bool, typer.Option("--version", "-V", callback=_version, is_eager=True, help="Print the version.")] = False,
) -> None:
    ctx.obj = Globals(store, as_of, identity)


# The global options that take a value: the command's name is the first word after them.
_VALUED = ("--store", "--as-of", "--identity")


def app(names: Iterable[str] = COMMANDS) -> typer.Typer:
    """The typer app with the commands `names` (by default every one)."""
    root = typer.Typer(
        name="reviewctl",
        help="Statutory case reviews (LCSPR, SAR, DHR) kept in a git repository.",
        no_args_is_help=True,
        add_completion=True,  # --install-completion: case ids, types, stages, agencies (cli/helptext.py)
        pretty_exceptions_enable=False,
        context_settings={"help_option_names": ["-h", "--help"]},
    )
    root.callback()(_globals)
    for name in names:
        entry = COMMANDS[name]
        target = getattr(import_module(f"reviewctl.cli.{entry.module}"), entry.name)
        if entry.group:
            root.add_typer(target, name=name)
        else:
            root.command(name, help=entry.help)(target)
    return root


def command_name(argv: list[str]) -> str | None:
    """The command that `argv` runs, when it runs exactly one: None for the root's own help,
    its version or completion, and for a name that is not a command."""
    rest = iter(argv)
    for arg in rest:
        if arg in _VALUED:
            next(rest, None)
        elif arg.startswith("-"):
            if arg.split("=", 1)[0] not in _VALUED:  # --help, --version, completion: the root's own
                return None
        else:
            return arg if arg in COMMANDS else None
    return None


def _crash_log() -> str:
    # Tracebacks never reach the terminal, and never with local variables: this data is
    # about children and people who died.
    import tempfile  # lazy: loads tempfile
    import traceback  # lazy: loaded when the command runs

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
    import errno  # lazy: loaded when the command runs

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
def _command(name: str | None) -> Any:  # typer's own click Command
    """The click command tree with only command `name` (None: every command).

    Typer builds the click commands anew on every call: once per process is enough for a
    test suite or a script that calls main() many times.
    """
    from reviewctl.cli.helptext import polish  # lazy: loaded when the command runs

    command = typer.main.get_command(app(COMMANDS if name is None else [name]))
    polish(command)  # plain metavars (DATE, ID, TEXT, PATH) and each command's examples
    return command


def command(name: str) -> Any:
    """The click command tree that `main` runs for command `name` (the web face reads its options)."""
    return _command(name)


def _remove_private_copies() -> None:
    """A plain copy of identifiers that a killed `confidential --edit` left goes at the next start."""
    for line in privatedir.said(privatedir.sweep()):
        sys.stderr.write(f"note: {line}\n")


def main(argv: list[str] | None = None) -> int:
    """Run the app and return its exit code (documented in docs/commands.md)."""
    try:
        argv = sys.argv[1:] if argv is None else argv
        _check_arguments(argv)
        if not argv:  # bare `reviewctl`: the help, and success (it is what was asked for)
            argv = ["--help"]
        complete = "_REVIEWCTL_COMPLETE" in os.environ  # the shell's completion asks about any command
        name = None if complete else command_name(argv)
        if not complete and name != "doctor":  # doctor removes them itself, and says so
            _remove_private_copies()
        result = _command(name)(args=argv, prog_name="reviewctl", standalone_mode=False)
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
        if type(error).__name__ == "NoArgsIsHelpError":
            # A sub-app given no subcommand (`reviewctl actions`): its help is what was asked
            # for, as for a bare `reviewctl` (typer keeps this class in a private module). With
            # rich, making the message printed the help already and left the message blank.
            shown = error.format_message()
            if shown.strip():
                sys.stdout.write(shown + "\n")
            return 0
        where = f" (see `{ctx.command_path} --help`)" if ctx is not None else ""
        message = error.format_message()
        if message.startswith("Got unexpected extra argument"):
            # Never the words themselves: most often the second half of a name typed without
            # quotes (`--name Zoe Example`), and an error never repeats an identifier.
            message = ("unexpected extra words after the options (not repeated here: they may be part of a name); "
                       'put quotes around a value with spaces, e.g. --name "First Last"')
        sys.stderr.write(f"error: {printable(message)}{where}\n")
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
