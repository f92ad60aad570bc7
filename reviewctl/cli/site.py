"""`reviewctl site OUT/`: the store as a static HTML site (tracker, cases, due, figures, actions)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from reviewctl.cli.common import globals_of
from reviewctl.errors import ExitCode


def site(
    ctx: typer.Context,
    out: Annotated[Path, typer.Argument(help="The folder to write the site to (created if missing).", metavar="OUT")],
) -> None:
    """Write the store as a static HTML site: open OUT/index.html in a browser, or publish OUT/ on any static host.

    Pseudonyms only; nothing is fetched from the network. Example: reviewctl site site/
    """
    from reviewctl.cli.output import say  # lazy: loaded when the command runs
    from reviewctl.cli.reports import _index, _problems  # lazy: loaded when the command runs
    from reviewctl.core.reports.static_site import check_out, write_site  # lazy: loads pydantic, statistics

    g = globals_of(ctx)
    store = g.store()
    check_out(store, out)  # before any case is read
    index = _index(store)
    written = write_site(store, index, g.today(), out)
    _problems(index)
    gone = f"; removed {written.removed} page(s) of cases no longer in the store" if written.removed else ""
    pages = f"{written.cases} case page{'' if written.cases == 1 else 's'}"
    say(f"wrote {written.pages} pages and {pages} to {out}{gone}; "
        f"open {(written.folder / 'index.html').as_uri()}")
    if index.problems:
        raise typer.Exit(int(ExitCode.INVALID))
