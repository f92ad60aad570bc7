"""What the commands share: the global options, dates, a step's outcome, the --format
choice, and the options every step takes (declared once, given by `step`)."""

from __future__ import annotations

import functools
import inspect
import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from reviewctl.errors import UsageError

if TYPE_CHECKING:
    from reviewctl.core.store.folder import Store
    from reviewctl.core.store.transaction import Outcome


@dataclass
class Globals:
    store_path: Path | None
    as_of: str | None
    identity: Path | None = None

    def store(self) -> Store:
        from reviewctl.core.store.folder import Store  # lazy: loaded when the command runs

        store = Store.find(self.store_path)
        store.identity_file = self.identity
        store.use_local_caches()
        return store

    def today(self) -> date:
        if self.as_of is not None:  # given but blank is a mistake, not "today"
            return parse_date(self.as_of, "--as-of")
        env = os.environ.get("REVIEWCTL_TODAY")
        if env:
            return parse_date(env, "REVIEWCTL_TODAY")
        return date.today()

    def note_as_of(self) -> None:
        """One line on stderr when "today" is set to another day: the clocks shown are as of it."""
        source = "--as-of" if self.as_of is not None else "REVIEWCTL_TODAY" if os.environ.get("REVIEWCTL_TODAY") else None
        today = self.today()
        if source is not None and today != date.today():
            import sys  # lazy: only where it is needed

            sys.stderr.write(f"note: clocks as of {today} ({source}), not today's date\n")


def parse_date(value: str, flag: str) -> date:
    """A DATE option as people type it, day first (core/case/typed_dates.py): one line naming the option if not."""
    from reviewctl.core.case.typed_dates import NotADate, read_date  # lazy: loaded when the command runs

    try:
        parsed = read_date(value)
    except NotADate as error:
        raise UsageError(f"{flag} {value!r} is not a real date{error.why}") from None
    return plausible_date(parsed, flag)


def plausible_date(value: date, flag: str) -> date:
    """Refuse a year that is surely a slip (0001, 9999): the calendar counts 1900 to 2199."""
    from reviewctl.adapters.calendar import FIRST_YEAR, LAST_YEAR  # lazy: loaded when the command runs

    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise UsageError(f"{flag} {value} is not a plausible date; give one in the years {FIRST_YEAR} "
                         f"to {LAST_YEAR}, e.g. 2/11/2026")
    return value


def maybe_date(value: str | None, flag: str) -> date | None:
    return parse_date(value, flag) if value is not None else None


def globals_of(ctx: typer.Context) -> Globals:
    obj = ctx.find_root().obj
    assert isinstance(obj, Globals)
    return obj


def report(outcome: Outcome) -> None:
    """A step's outcome on stderr: what it did and its commit, or the diff of a dry run."""
    from reviewctl.cli.output import emit, say  # lazy: loaded when the command runs

    if outcome.branch:
        say(f"{outcome.case_id}: {outcome.step} ({outcome.summary}) proposed on branch {outcome.branch}, "
            f"commit {(outcome.commit or '')[:10]}; push it and open a pull request")
    elif outcome.dry_run:
        say(f"{outcome.case_id}: {outcome.step} ({outcome.summary}) [dry run: nothing changed]")
        emit(outcome.diff)
    else:
        say(f"{outcome.case_id}: {outcome.step} ({outcome.summary}), commit {(outcome.commit or '')[:10]}")
        for path in outcome.paths:
            if path in outcome.removed:
                say(f"removed {path}")
            elif not path.endswith(".yaml"):
                say(f"wrote {path}")


class Format(StrEnum):
    """Every output format a command writes: one choice type, so typer checks --format
    everywhere alike (exit 2, naming the choices); each command says which it writes."""

    TABLE = "table"
    JSON = "json"
    CSV = "csv"
    MD = "md"
    XLSX = "xlsx"
    ICS = "ics"
    SARIF = "sarif"


def formats(*written: str, note: str = "") -> Any:
    """The --format option of a command that writes only `written` (the first is the default).

    Typer parses the value with `only`: a value this command does not write (a format of
    another command's, or no format at all) is refused in one line that names the ones it
    does write, and the shell completes only those.
    """
    shown = f"{', '.join(written[:-1])} or {written[-1]}" if len(written) > 1 else written[0]

    def only(value: str | Format) -> Format:
        if isinstance(value, Format):  # the default, already parsed
            return value
        if value not in written:
            raise typer.BadParameter(f"this command writes {shown}, not {value!r}")
        return Format(value)

    def complete(incomplete: str) -> list[str]:
        return [name for name in written if name.startswith(incomplete)]

    return typer.Option("--format", "-f", metavar="FORMAT", help=f"{shown}{note}.", parser=only,
                        autocompletion=complete)


# --format of the commands that write a table: as a table, JSON, CSV or markdown.
FormatOpt = Annotated[Format, formats("table", "json", "csv", "md")]

# The options every step shares, declared once: `step` gives them to a command.
DateOpt = Annotated[str | None, typer.Option("--date", help="When it happened, day first (2/11/2026, 2 Nov 2026 or 2026-11-02); default today.")]
DryRunOpt = Annotated[bool, typer.Option("--dry-run", help="Show what would change; change nothing.")]
MessageOpt = Annotated[str | None, typer.Option("--message", "-m", help="A note kept in the case history (not in the commit).")]
ProposeOpt = Annotated[bool, typer.Option("--propose", help="Commit on a new branch review/ID/STEP for a pull request; the current branch is left as it is.")]
AllowOpt = Annotated[list[str] | None, typer.Option("--allow", metavar="KIND[:WHERE]", help="Write an identifier pattern on purpose: nhs, postcode, address, dob, phone, email or title; :WHERE limits it to one option (postcode:--summary) or file (repeat for each; needs --allow-reason).", show_default=False)]
AllowReasonOpt = Annotated[str | None, typer.Option("--allow-reason", metavar="TEXT", help="Why --allow is needed: kept in the case history with the kind and where, never the value.", show_default=False)]
_SHARED: dict[str, tuple[Any, Any]] = {  # parameter: (its annotation, its default)
    "when": (DateOpt, None), "dry_run": (DryRunOpt, False), "message": (MessageOpt, None),
    "propose": (ProposeOpt, False), "allow": (AllowOpt, None), "allow_reason": (AllowReasonOpt, None),
}
STEP_OPTIONS = ("--date", "--dry-run", "--message", "--propose", "--allow", "--allow-reason")


def step(*, when: bool = True, message: bool = True, propose: bool = True) -> Callable[[Callable[..., Any]], Callable[..., None]]:
    """Give a command the options that every step shares (the ones it takes), as one StepOptions.

    The command declares `options: StepOptions` after its own parameters and receives them
    there; typer sees --date, --dry-run, --message, --propose, --allow and --allow-reason in
    its place.  An Outcome
    it returns is reported (`report`).  Commands that take only some of the options (a
    clock's --reason is its note; a re-keying cannot be proposed) say which they leave out.
    """
    taken = {"when": when, "dry_run": True, "message": message, "propose": propose, "allow": True,
             "allow_reason": True}

    def decorate(func: Callable[..., Any]) -> Callable[..., None]:
        signature = inspect.signature(func)
        # The command's own parameters, with their annotations evaluated (typer reads the
        # signature we hand it as it is); `options` is replaced by the shared options.
        own = [p.replace(annotation=eval(p.annotation, func.__globals__) if isinstance(p.annotation, str)
                         else p.annotation)
               for p in signature.parameters.values() if p.name != "options"]
        shared = [inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, annotation=annotation, default=default)
                  for name, (annotation, default) in _SHARED.items() if taken[name]]

        @functools.wraps(func)
        def command(**given: Any) -> None:
            from reviewctl.core.privacy.pattern_guard import parse_allowances  # lazy: loads pydantic, secrets
            from reviewctl.core.store.step import StepOptions  # lazy: loads pydantic, difflib

            chosen = {name: given.pop(name, default) for name, (_, default) in _SHARED.items()}
            # A bad --allow is refused before anything is read.
            allowances = parse_allowances(chosen["allow"] or (), chosen["allow_reason"])
            options = StepOptions(today=globals_of(given["ctx"]).today(), when=maybe_date(chosen["when"], "--date"),
                                  note=chosen["message"], dry_run=chosen["dry_run"], propose=chosen["propose"],
                                  allowances=allowances, allow_reason=chosen["allow_reason"])
            outcome = func(**given, options=options)
            if outcome is not None:
                report(outcome)

        command.__signature__ = signature.replace(parameters=[*own, *shared], return_annotation=None)  # type: ignore[attr-defined]
        command.__annotations__ = {p.name: p.annotation for p in [*own, *shared]}
        command.shared_options = tuple(o for o, name in zip(STEP_OPTIONS, _SHARED, strict=True)  # type: ignore[attr-defined]
                                       if taken[name])
        return command

    return decorate
