"""What the commands share: the global options, date parsing, step options."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from reviewctl.errors import UsageError

if TYPE_CHECKING:
    from reviewctl.core.step import StepOptions
    from reviewctl.core.store import Store
    from reviewctl.core.transaction import Outcome


@dataclass
class Globals:
    store_path: Path | None
    as_of: str | None
    identity: Path | None = None

    def store(self) -> Store:
        from reviewctl.core.store import Store

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
            import sys

            sys.stderr.write(f"note: clocks as of {today} ({source}), not today's date\n")


def parse_date(value: str, flag: str) -> date:
    try:
        parsed = date.fromisoformat(value.strip())
    except ValueError:
        raise UsageError(
            f"{flag} {value!r} is not a real date; write it as YYYY-MM-DD, e.g. 2026-11-02"
        ) from None
    return plausible_date(parsed, flag)


def plausible_date(value: date, flag: str) -> date:
    """Refuse a year that is surely a slip (0001, 9999): the calendar counts 1900 to 2199."""
    from reviewctl.adapters.calendar import FIRST_YEAR, LAST_YEAR

    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise UsageError(f"{flag} {value} is not a plausible date; give one in the years {FIRST_YEAR} "
                         f"to {LAST_YEAR}, as YYYY-MM-DD")
    return value


def maybe_date(value: str | None, flag: str) -> date | None:
    return parse_date(value, flag) if value is not None else None


def globals_of(ctx: typer.Context) -> Globals:
    obj = ctx.find_root().obj
    assert isinstance(obj, Globals)
    return obj


def step_options(ctx: typer.Context, when: str | None, message: str | None,
                 dry_run: bool, propose: bool = False) -> StepOptions:
    from reviewctl.core.step import StepOptions

    return StepOptions(today=globals_of(ctx).today(), when=maybe_date(when, "--date"),
                       note=message, dry_run=dry_run, propose=propose)


def report(outcome: Outcome) -> None:
    from reviewctl.cli.output import emit, say

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


# Options every mutating command takes.
DateOpt = Annotated[str | None, typer.Option("--date", help="When it happened (YYYY-MM-DD); default today.")]
DryRunOpt = Annotated[bool, typer.Option("--dry-run", help="Show what would change; change nothing.")]
MessageOpt = Annotated[str | None, typer.Option("--message", "-m", help="A note kept in the case history (not in the commit).")]
ProposeOpt = Annotated[bool, typer.Option("--propose", help="Commit on a new branch review/ID/STEP for a pull request; the current branch is left as it is.")]
FormatOpt = Annotated[str, typer.Option("--format", "-f", help="table, json, csv or md.")]
