"""Bulk reports: list/tracker, due, stats.  Data to stdout; messages and progress to stderr."""

from __future__ import annotations

import sys
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from reviewctl.cli.common import Format, formats, globals_of, maybe_date
from reviewctl.errors import ExitCode, UsageError

if TYPE_CHECKING:
    from datetime import date

    from reviewctl.cli.common import Globals
    from reviewctl.core.reports.cache import Index, Progress
    from reviewctl.core.reports.tracker import DueRow, TrackerRow
    from reviewctl.core.store.folder import Store

# A terminal is narrow: the table keeps to what a business manager scans for.
TABLE_COLUMNS = ["id", "type", "stage", "subject", "received", "next_deadline", "next_due", "rag",
                 "actions_open"]
CSV_COLUMNS = ["id", "type", "converted_from_rapid_review", "stage", "subject", "received", "incident_date",
               "decision", "decision_date", "basis", "lead_reviewer", "next_deadline", "next_due", "next_due_original",
               "next_due_why", "rag", "published", "actions_open", "actions_overdue"]
# What a person reads at the top of each spreadsheet column (csv keeps the stable names).
XLSX_HEADERS = {
    "id": "Case", "type": "Type", "converted_from_rapid_review": "Converted from rapid review", "stage": "Stage",
    "subject": "Subject (pseudonym)", "received": "Received", "incident_date": "Incident date",
    "decision": "Decision", "decision_date": "Decision date", "basis": "Basis", "lead_reviewer": "Lead reviewer",
    "next_deadline": "Next deadline", "next_due": "Next due", "next_due_original": "Originally due",
    "next_due_why": "Why moved", "rag": "RAG", "published": "Published", "actions_open": "Actions open",
    "actions_overdue": "Actions overdue", "type_code": "Type code", "stage_code": "Stage code",
}
XLSX_DATES = frozenset({"received", "incident_date", "decision_date", "next_due", "next_due_original", "published"})
DUE_COLUMNS = ["case", "type", "stage", "label", "original_due", "due", "status", "working_days_left", "why"]


def _progress() -> Progress | None:
    """A progress bar on stderr while many cases are read, only on a terminal."""
    if not sys.stderr.isatty():
        return None
    state: dict[str, Any] = {}

    def tick(done: int, total: int) -> None:
        if total < 500:
            return
        if "bar" not in state:
            from rich.console import Console  # lazy: only where it is needed
            from rich.progress import Progress as Bar  # lazy: only where it is needed

            state["bar"] = Bar(console=Console(stderr=True), transient=True)
            state["bar"].start()
            state["task"] = state["bar"].add_task("reading cases", total=total)
        state["bar"].update(state["task"], completed=done)
        if done >= total:
            state["bar"].stop()

    return tick


def _index(store: Store, details: bool = True) -> Index:
    """The report cache; `details` False for a report that reads none (list, due)."""
    from reviewctl.core.reports.cache import load_index  # lazy: loads tempfile

    return load_index(store, _progress(), details)


def _problems(index: Index) -> None:
    from reviewctl.cli.output import printable, say  # lazy: loaded when the command runs

    for problem in index.problems:
        say(f"error: {printable(problem)}")


def _emit(rows: Sequence[Mapping[str, Any]], columns: list[str], fmt: str, output: Path | None, title: str) -> None:
    from reviewctl.cli.output import as_json, emit, table  # lazy: loaded when the command runs

    if fmt == "xlsx":
        from reviewctl.adapters.xlsx import write_xlsx  # lazy: only where it is needed
        from reviewctl.core.reports.figures_by_type import WORD_CODES  # lazy: only where it is needed

        write_xlsx(_xlsx_path(output), rows, columns, title, XLSX_HEADERS, XLSX_DATES, "rag", frozenset(WORD_CODES))
    elif output is not None:
        raise UsageError("--output is for --format xlsx; redirect other formats with >")
    elif fmt == "json":
        emit(as_json(rows))
    else:
        emit(table(rows, columns, fmt))


def _xlsx_path(output: Path | None) -> Path:
    """Check --output before any case is read: a folder that exists, a name that is free or a file."""
    if output is None or not str(output).strip():
        raise UsageError("--format xlsx writes a file: give --output FILE.xlsx")
    return _output_path(output, "tracker.xlsx")


def _output_path(output: Path, example: str) -> Path:
    """--output checked before any case is read: a folder that exists, and a name that is free or a file."""
    if output.is_dir():
        raise UsageError(f"--output {output} is a folder; give a file name in it, e.g. {output / example}")
    if not output.parent.is_dir():
        raise UsageError(f"--output {output}: the folder {output.parent} does not exist; create it first "
                         "or give a path in a folder that exists")
    if output.exists() and not output.is_file():
        raise UsageError(f"--output {output} is not a regular file; give the path of {example.split('.')[-1]} file "
                         f"(e.g. {example})")
    return output


def _in_words(store: Store, rows: Iterator[TrackerRow]) -> Iterator[dict[str, object]]:
    """The rows with the workflow's labels (read only for the formats in words: JSON and the
    terminal's table need no workflow beyond what the report cache keeps)."""
    from reviewctl.core.reports.figures_by_type import in_words  # lazy: loaded when the command runs

    flow = store.workflow
    return in_words(rows, dict(flow.types), {s.id: s.label for s in flow.stages})


def _renamed(value: str | None, old: str | None, flag: str, old_flag: str) -> str | None:
    """An option under its new name, or its old (hidden, deprecated) one: never both."""
    if old is not None and value is not None:
        raise UsageError(f"{old_flag} is the old spelling of {flag}; give {flag} once")
    return old if value is None else value


def _document(g: Globals, store: Store, template: str, **context: Any) -> None:
    """A report as a markdown document, from a template the partnership can edit."""
    from reviewctl.adapters.render import render  # lazy: loads jinja2, signal
    from reviewctl.cli.output import emit  # lazy: loaded when the command runs

    base = {"partnership": store.config.partnership, "date": g.today()}
    emit(render(template, {**base, **context}, store.templates_search()))


def _json_rows(store: Store, index: Index, today: date, filters: object,
               rows: Iterator[Mapping[str, object]]) -> None:
    """The tracker as JSON: the output kept from the last run with the same inputs when there is one
    (core/reports/output_memo.py), else made row by row and kept for the next."""
    import io  # lazy: only where it is needed
    import shutil  # lazy: only where it is needed

    from reviewctl.cli.output import stream_json  # lazy: only where it is needed
    from reviewctl.core.reports import output_memo  # lazy: only where it is needed

    key = output_memo.memo_key(index, today, repr(filters))
    kept = output_memo.read(store, key)
    if kept is not None:
        # Through stdout's own text layer, as a fresh run writes: its encoding and newlines.
        with io.TextIOWrapper(kept, encoding="utf-8", newline="") as text:
            shutil.copyfileobj(text, sys.stdout)
        return
    with output_memo.writing(store, key) as memo:
        stream_json(rows, memo)


def list_(
    ctx: typer.Context,
    case_type: Annotated[str | None, typer.Option("--type", help="Only this review type.")] = None,
    stage: Annotated[str | None, typer.Option("--stage", help="Only cases in this stage.")] = None,
    open_only: Annotated[bool, typer.Option("--open", help="Only cases still open.")] = False,
    overdue: Annotated[bool, typer.Option("--overdue", help="Only cases with an overdue deadline.")] = False,
    received_from: Annotated[str | None, typer.Option("--from", help="Received on or after.")] = None,
    received_to: Annotated[str | None, typer.Option("--to", help="Received on or before.")] = None,
    old_from: Annotated[str | None, typer.Option("--received-from", hidden=True, help="Deprecated spelling of --from.")] = None,
    old_to: Annotated[str | None, typer.Option("--received-to", hidden=True, help="Deprecated spelling of --to.")] = None,
    agency: Annotated[str | None, typer.Option("--agency", help="Only cases naming this agency.")] = None,
    fmt: Annotated[Format, formats("table", "json", "csv", "md", "xlsx")] = Format.TABLE,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="The file for --format xlsx.")] = None,
    codes: Annotated[bool, typer.Option("--codes", help="csv, md, xlsx: types, stages and yes/no as codes (sar, in-review, True), as scripts read them.")] = False,
) -> None:
    """The tracker: every case with its next deadline and RAG status.

    As csv, md and xlsx it is in words: each type and stage by its label, with the codes
    in their own columns (type_code, stage_code), and Yes or No; --codes gives the codes only.
    """
    from reviewctl.core.reports.figures_by_type import (  # lazy: loaded when the command runs
        tracker_table_rows,
        unknown_agency,
    )
    from reviewctl.core.reports.tracker import Filters, tracker  # lazy: loads statistics, tempfile

    if fmt == "xlsx":
        _xlsx_path(output)
    elif output is not None:  # before any case is read
        raise UsageError("--output is for --format xlsx; redirect other formats with >")
    g = globals_of(ctx)
    received_from = _renamed(received_from, old_from, "--from", "--received-from")
    received_to = _renamed(received_to, old_to, "--to", "--received-to")
    filters = Filters(case_type, stage, open_only, overdue, maybe_date(received_from, "--from"),
                      maybe_date(received_to, "--to"), agency)
    store = g.store()
    index = _index(store, details=False)
    found = tracker(index, g.today(), filters)
    _problems(index)
    g.note_as_of()
    note = unknown_agency(index, agency) if agency is not None else None
    if note:
        from reviewctl.cli.output import printable, say  # lazy: only where it is needed

        say(printable(note))
    words = fmt in ("csv", "md", "xlsx") and not codes
    rows: Iterator[Mapping[str, object]] = _in_words(store, found) if words else found
    if fmt == "json":
        _json_rows(store, index, g.today(), filters, rows)
    elif fmt == "md":
        from reviewctl.cli.output import escaped  # lazy: only where it is needed

        _document(g, store, "tracker.md.j2", rows=[escaped(r) for r in rows])
    else:
        from reviewctl.core.reports.figures_by_type import WORD_CODES  # lazy: only where it is needed

        columns = TABLE_COLUMNS if fmt == "table" else [*CSV_COLUMNS, *WORD_CODES] if words else CSV_COLUMNS
        _emit(tracker_table_rows(rows), columns, fmt, output, "Tracker")
    if index.problems:
        raise typer.Exit(int(ExitCode.INVALID))


def due(
    ctx: typer.Context,
    within: Annotated[int | None, typer.Option("--within", help="Only deadlines within N working days.", min=0)] = None,
    overdue: Annotated[bool, typer.Option("--overdue", help="Only overdue deadlines.")] = False,
    fail_on_overdue: Annotated[bool, typer.Option("--fail-on-overdue", help="Exit 6 when anything is overdue.")] = False,
    fmt: Annotated[Format, formats("table", "json", "csv", "md", "ics", note=" (ics: a calendar feed)")] = Format.TABLE,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="The file for --format ics (e.g. deadlines.ics).")] = None,
) -> None:
    """Every open deadline across all cases, soonest first.

    As a calendar (--format ics), each deadline is an all-day event that keeps its identity:
    one met, missed or closed stays in the feed, marked so, and a calendar updates it.
    """
    from reviewctl.core.reports.tracker import due as core_due  # lazy: loads statistics, tempfile

    if output is not None and fmt != "ics":  # before any case is read
        raise UsageError("--output is for --format ics; redirect other formats with >")
    if output is not None:
        _output_path(output, "deadlines.ics")
    g = globals_of(ctx)
    store = g.store()
    index = _index(store, details=False)
    rows = core_due(index, g.today(), within, overdue)
    _problems(index)
    g.note_as_of()
    if fmt == "ics":  # a calendar feed: every deadline as an all-day event, the met ones marked so
        from reviewctl.adapters.ics import due_calendar  # lazy: only where it is needed
        from reviewctl.core.reports.feed import calendar_rows  # lazy: only where it is needed

        feed = due_calendar(calendar_rows(index, g.today(), within, overdue), store.config.partnership, g.today())
        if output is not None:
            from reviewctl.adapters.files import write_atomic  # lazy: only where it is needed
            from reviewctl.cli.output import say  # lazy: only where it is needed

            write_atomic(output, feed)
            say(f"wrote {output}")
        else:  # written as it is: iCalendar lines end in CRLF
            sys.stdout.write(feed.decode("utf-8"))
    else:
        _emit(rows if fmt == "json" else _why_with_note(rows), DUE_COLUMNS, fmt, None, "Due")
    if fail_on_overdue and any(r["status"] == "overdue" for r in rows):
        raise typer.Exit(int(ExitCode.OVERDUE))
    if index.problems:
        raise typer.Exit(int(ExitCode.INVALID))


def _why_with_note(rows: list[DueRow]) -> list[DueRow]:
    """A table's `why` says what JSON's `why` and `note` do ("falls on Sunday, not a working day")."""
    from reviewctl.core.clocks.deadlines import why_shown  # lazy: loaded when the command runs

    return [{**r, "why": why_shown(r["why"], r["note"])} for r in rows]


def stats(
    ctx: typer.Context,
    year: Annotated[int | None, typer.Option("--year", help="A calendar year (or with --financial-year, April to March).")] = None,
    start: Annotated[str | None, typer.Option("--from", help="Period start.")] = None,
    end: Annotated[str | None, typer.Option("--to", help="Period end.")] = None,
    financial: Annotated[bool, typer.Option("--financial-year", help="Years run April to March (SAB annual reports).")] = False,
    fmt: Annotated[Format, formats("table", "json", "md")] = Format.TABLE,
    case_type: Annotated[str | None, typer.Option("--type", help="Only this review type's figures (each body reports its own).")] = None,
    by: Annotated[str | None, typer.Option("--by", help="type or theme: the table split by review type, or the learning themes.")] = None,
) -> None:
    """The figures for an annual report: referrals, decisions, reviews, actions, timescales."""
    from reviewctl.cli.output import as_json, emit, escaped, pairs, table  # lazy: loaded when the command runs
    from reviewctl.core.reports.figures_by_type import (  # lazy: loaded when the command runs
        figures_for,
        flat_figures,
        theme_rows,
        type_rows,
    )
    from reviewctl.core.reports.tracker import period  # lazy: loads statistics, tempfile

    if by not in (None, "type", "theme"):
        raise UsageError(f"--by {by!r} is not one of: type, theme")
    g = globals_of(ctx)
    first, last = period(year, maybe_date(start, "--from"), maybe_date(end, "--to"), financial, g.today())
    store = g.store()
    index = _index(store)
    figures = figures_for(index, first, last, case_type)
    _problems(index)
    g.note_as_of()
    if fmt == "json":
        emit(as_json(figures))
    elif fmt == "md":
        _document(g, store, "annual-figures.md.j2", figures=escaped(figures),
                  type_labels=escaped(dict(store.workflow.types)))
    elif by == "theme":
        emit(table(theme_rows(figures), ["theme", "reviews"], fmt))
    elif by == "type":
        rows = type_rows(figures, case_type)
        emit(table(rows, list(rows[0]) if rows else ["type"], fmt))
    else:
        emit(pairs(flat_figures(figures), fmt))
    if index.problems:
        raise typer.Exit(int(ExitCode.INVALID))
