"""Commands for the people around the terminal: import an earlier tracker."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from reviewctl.cli.common import DateOpt, DryRunOpt, globals_of, step_options
from reviewctl.errors import ExitCode


def import_(
    ctx: typer.Context,
    tracker: Annotated[Path, typer.Argument(metavar="TRACKER", help="The old tracker: .xlsx (its first sheet) or .csv, a header row first.", show_default=False)],
    map_file: Annotated[Path, typer.Option("--map", metavar="PATH", help="Which column holds what (`reviewctl template import-map.yaml` starts one).", show_default=False)],
    when: DateOpt = None,
    dry_run: DryRunOpt = False,
) -> None:
    """Bring an earlier tracker in: one case per row, in one commit.

    Every row is checked first: if any is bad, nothing is imported, and each bad row is
    named with its row number and column. The stage each case had reached is recorded as
    an imported history. Prints the new ids.
    """
    from reviewctl.cli.output import emit, printable, say, table
    from reviewctl.core.importer import RowErrors, run_import

    options = step_options(ctx, when, None, dry_run)
    store = globals_of(ctx).store()
    try:
        planned, outcome = run_import(store, tracker, map_file, options)
    except RowErrors as error:
        for line in error.lines:
            say(f"error: {printable(line)}")
        say(f"error: {error.message}; correct the rows (or the map), then repeat")
        raise typer.Exit(int(ExitCode.INVALID)) from None
    if outcome is None:
        emit(table([{"row": p.row, **{k: p.values.get(k) for k in ("type", "stage", "subject", "received")}}
                    for p in planned], ["row", "type", "stage", "subject", "received"]))
        say(f"{len(planned)} case(s) would be created [dry run: nothing changed]")
        return
    for item in planned:
        emit(item.case_id)
    say(f"imported {len(planned)} case(s), commit {(outcome.commit or '')[:10]}")
