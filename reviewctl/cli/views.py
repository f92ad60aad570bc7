"""The commands that read one case or check the store: show, log, validate, template; and init and doctor."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from reviewctl import __version__
from reviewctl.cli.common import Format, formats, globals_of
from reviewctl.cli.steps import IdArg
from reviewctl.errors import ExitCode

DEADLINE_COLUMNS = ["label", "standing", "original_due", "due", "status", "met_on", "working_days_left", "why"]


def init(
    path: Annotated[Path, typer.Argument(help="Folder for the store; default the current one.")] = Path("."),
    partnership: Annotated[str, typer.Option("--partnership", help="The partnership's name.")] = "Fictional Safeguarding Partnership",
    prefix: Annotated[str, typer.Option("--prefix", help="Id prefix, e.g. SSCP.")] = "SSCP",
) -> None:
    """Create a store: reviewctl.yaml, cases/ and templates/, committed to git."""
    from reviewctl.cli.output import say  # lazy: loaded when the command runs
    from reviewctl.core.store.create import enclosing_repository, init_store  # lazy: loads pydantic, difflib

    inside = enclosing_repository(path)
    root = init_store(path, partnership, prefix)
    say(f"created a reviewctl store in {root}")
    if inside is not None and inside != root:
        # Said, not refused: a store may be a folder of a repository on purpose (docs/administrator.md),
        # but made by mistake inside a clone of reviewctl itself, the reader should know at once.
        say(f"note: it is a folder of the git repository in {inside}, and its first commit is on that "
            "repository's branch; for a store of its own, run `reviewctl init` outside any repository "
            "(e.g. `reviewctl init ~/my-store`)")


def show(
    ctx: typer.Context, case_id: IdArg, fmt: Annotated[Format, formats("table", "json", "md")] = Format.TABLE,
) -> None:
    """Show one case: its details, deadlines and history."""
    from reviewctl.cli.clock import clock_status, next_text  # lazy: loaded when the command runs
    from reviewctl.cli.output import as_json, emit, pairs, table  # lazy: loaded when the command runs
    from reviewctl.core.clocks.deadlines import why_shown  # lazy: loaded when the command runs
    from reviewctl.core.reports.case_data import history_rows, show_case  # lazy: loads pydantic, difflib
    from reviewctl.core.reports.case_lines import show_fields  # lazy: loaded when the command runs

    g = globals_of(ctx)
    view = show_case(g.store(), case_id, g.today())
    g.note_as_of()
    if fmt == "json":
        emit(as_json(view.as_json()))
        return
    heading = "## " if fmt == "md" else ""
    deadlines = [{**shown, "status": clock_status(shown), "why": why_shown(d.why, d.note, d.moved)}
                 for d in view.deadlines for shown in [d.as_json()]]
    emit(pairs(show_fields(view), fmt)
         + f"\n{heading}Deadlines\n" + table(deadlines, DEADLINE_COLUMNS, fmt)
         + f"\n{heading}Next steps\n" + next_text(view.next, fmt)
         + f"\n{heading}History\n" + table(history_rows(view.facts["history"]), ["date", "step", "from", "to", "by", "note"], fmt))


def log(
    ctx: typer.Context, case_id: IdArg, fmt: Annotated[Format, formats("table", "json", "md")] = Format.TABLE,
) -> None:
    """The case's history, and the git commits that touched it."""
    from reviewctl.cli.output import as_json, emit, table  # lazy: loaded when the command runs
    from reviewctl.core.reports.case_data import case_log, history_rows  # lazy: loads pydantic, difflib

    g = globals_of(ctx)
    data = case_log(g.store(), case_id, g.today())
    if fmt == "json":
        emit(as_json(data))
        return
    history = history_rows(data["history"])
    commits = [{**c, "commit": c["commit"][:10]} for c in data["commits"]]
    emit(table(history, ["date", "recorded", "step", "from", "to", "by", "note"], fmt)
         + "\n" + table(commits, ["commit", "date", "author", "subject"], fmt))


def validate(
    ctx: typer.Context,
    base: Annotated[str | None, typer.Option("--base", help="Also check what changed since this ref (a pull request's base).")] = None,
    fmt: Annotated[Format, formats("table", "json", "sarif")] = Format.TABLE,
) -> None:
    """Check the whole store; change nothing. Exit 0 clean, 3 problems found, 4 unusable.

    --format json: {"ok", "problems": [{path, line, key, message, severity, text}], "notices"};
    --format sarif: a SARIF 2.1.0 log for code-scanning views of a pull request.
    """
    from reviewctl.cli.output import as_json, emit, printable, say  # lazy: loaded when the command runs
    from reviewctl.core.case.problems import sarif  # lazy: loaded when the command runs
    from reviewctl.core.signing.rule_changes import template_changes  # lazy: loads pydantic, difflib
    from reviewctl.core.upkeep.validate import validate_problems  # lazy: loads pydantic, secrets

    store = globals_of(ctx).store()
    problems = validate_problems(store, base)
    notices = template_changes(store, base) if base is not None else []  # for the reviewer; not problems
    if fmt == "json":
        emit(as_json({"ok": not problems, "problems": [p.as_dict() for p in problems], "notices": notices}))
    elif fmt == "sarif":
        emit(as_json(sarif(problems, __version__, store.root)))
    else:
        for problem in problems:
            emit(printable(str(problem)))
        for notice in notices:
            emit(printable(f"note: {notice}"))
        say(f"{len(problems)} problem(s) found" if problems else "the store is valid")
    if problems:
        raise typer.Exit(int(ExitCode.INVALID))


def template(
    ctx: typer.Context,
    name: Annotated[str | None, typer.Argument(metavar="[NAME]", help="Print this template.")] = None,
) -> None:
    """List the templates and where each comes from, or print one (e.g. to start a file)."""
    from reviewctl.cli.output import emit, table  # lazy: loaded when the command runs
    from reviewctl.core.store.templates import template_list, template_text  # lazy: loaded when the command runs

    store = globals_of(ctx).store()
    if name is None:
        emit(table(template_list(store), ["name", "from"]))
    else:
        sys.stdout.write(template_text(store, name))


def doctor(ctx: typer.Context) -> None:
    """Find and mend what an interrupted step left behind."""
    from reviewctl.cli.output import say  # lazy: loaded when the command runs
    from reviewctl.core.upkeep.doctor import doctor as core_doctor  # lazy: loads pydantic, secrets

    done = core_doctor(globals_of(ctx).store())
    for line in done or ["nothing to mend"]:
        say(line)
