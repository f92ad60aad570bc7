"""Commands for the people around the terminal: import an earlier tracker, search the
cases, and write JSON Schemas for editors."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from reviewctl.cli.common import Format, formats, globals_of, step
from reviewctl.errors import ExitCode, UsageError

if TYPE_CHECKING:
    from reviewctl.core.store.folder import Store
    from reviewctl.core.store.step import StepOptions


@step(message=False, propose=False)
def import_(
    ctx: typer.Context,
    tracker: Annotated[Path, typer.Argument(metavar="TRACKER", help="The old tracker: .xlsx or .csv, one case a row under a row of headings.", show_default=False)],
    map_file: Annotated[Path, typer.Option("--map", metavar="PATH", help="Which column holds what (`reviewctl template import-map.yaml` starts one).", show_default=False)],
    sheet: Annotated[str | None, typer.Option("--sheet", metavar="NAME", help="The sheet of an .xlsx to read (default: its first).")] = None,
    header_row: Annotated[int | None, typer.Option("--header-row", metavar="N", min=1, help="The row of headings, as the spreadsheet numbers it (default: the first row naming every column of the map).")] = None,
    *, options: StepOptions,
) -> None:
    """Bring an earlier tracker in: one case per row, in one commit.

    The row of headings is found (a title, a date or notes may stand above it), or given
    with --header-row; the cases are the rows below it.

    Every row is checked first: if any is bad, nothing is imported, and each bad row is
    named with its row number and column. The stage each case had reached is recorded as
    an imported history. Prints the new ids.
    """
    from reviewctl.cli.output import emit, printable, say, table  # lazy: loaded when the command runs
    from reviewctl.core.steps.importer import RowErrors, run_import  # lazy: loads pydantic, secrets

    store = globals_of(ctx).store()
    try:
        planned, outcome = run_import(store, tracker, map_file, options, sheet, header_row)
    except RowErrors as error:
        for line in error.lines:
            say(f"error: {printable(line)}")
        say(f"error: {error.message}; correct the rows (or the map), then repeat")
        raise typer.Exit(int(ExitCode.INVALID)) from None
    if outcome is None:
        emit(table([{"row": p.row, "type": p.values.case_type, "stage": p.values.stage,
                     "subject": p.values.texts.get("subject"), "received": p.values.received} for p in planned],
                   ["row", "type", "stage", "subject", "received"]))
        say(f"{len(planned)} case(s) would be created [dry run: nothing changed]")
        return
    for item in planned:
        emit(item.case_id)
    say(f"imported {len(planned)} case(s), commit {(outcome.commit or '')[:10]}")


def search(
    ctx: typer.Context,
    text: Annotated[str, typer.Argument(metavar="TEXT", help="Words to find (all of them), in any capitals or accents.", show_default=False)],
    fmt: Annotated[Format, formats("table", "json", "csv")] = Format.TABLE,
) -> None:
    """Find cases by pseudonym, summary, agency, theme or report text (from the report cache)."""
    from reviewctl.cli.output import as_json, emit, say, table  # lazy: loaded when the command runs
    from reviewctl.cli.reports import _index, _problems  # lazy: loaded when the command runs
    from reviewctl.core.reports.search import search as core_search  # lazy: loads tempfile

    if not text.strip():
        raise UsageError("give the words to find, e.g. reviewctl search escalation")
    index = _index(globals_of(ctx).store())
    found = core_search(index, text)
    _problems(index)
    if fmt == "json":
        emit(as_json(found))
    else:
        rows = [{**r, "matched": ", ".join(r["matched"])} for r in found]
        emit(table(rows, ["id", "type", "stage", "subject", "matched"], fmt))
        if fmt == "table":
            say(f"{len(found)} case(s) found")
    if index.problems:
        raise typer.Exit(int(ExitCode.INVALID))


def schema(
    ctx: typer.Context,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write only the schemas, into this folder (default: the store's .reviewctl/schema, with .vscode/settings.json).")] = None,
) -> None:
    """Write a JSON Schema for each file of a case, for chronologies and for reviewctl.yaml, for editors.

    By default into the store, with .vscode/settings.json naming each schema for its
    files (yaml-language-server), so a hand edit in VS Code is checked as it is typed.
    Run it again after upgrading reviewctl, and commit the files.
    """
    from reviewctl.cli.output import say  # lazy: loaded when the command runs
    from reviewctl.core.store.outputs import write_schemas, write_store_schemas  # lazy: loads tempfile

    if output is not None:
        from reviewctl.errors import UnusableError  # lazy: only where it is needed

        g = globals_of(ctx)
        try:  # in a store: its workflow's stages and types; elsewhere the default workflow's
            found: Store | None = g.store()
        except UnusableError:
            if g.store_path is not None:  # a --store that is not one is a mistake, not "elsewhere"
                raise
            found = None
        say(f"wrote {len(write_schemas(output, found))} schemas in {output}")
        return
    store = globals_of(ctx).store()
    for path in write_store_schemas(store):
        say(f"wrote {store.shown(path)}")
    say("commit them, so that everyone's editor checks the store's files")
