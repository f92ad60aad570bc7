"""A step from the browser is the command line's own: `main` run in-process, one at a time.

The command is given the same global options as `reviewctl serve` (--store, --as-of,
--identity), so it reads the same store on the same day with the same key; what it writes
on stdout and stderr is kept for the page (the error line, the commit made) instead of
reaching the terminal.  One lock holds every step and every page's reading of the
store: a page never sees a step half done, and two steps never run at once.
"""

from __future__ import annotations

import contextlib
import io
import threading
from collections.abc import Iterator
from dataclasses import dataclass

from reviewctl.cli.app import main
from reviewctl.cli.common import Globals
from reviewctl.errors import ExitCode


@dataclass(frozen=True)
class Ran:
    code: int
    out: str
    err: str

    @property
    def error(self) -> str:
        """The one line the command line prints for a refusal (its last `error:` line)."""
        lines = [line for line in self.err.splitlines() if line.startswith("error: ")]
        return lines[-1] if lines else self.err.strip().splitlines()[-1] if self.err.strip() else \
            f"error: the step stopped with exit code {self.code}"

    @property
    def refused(self) -> bool:
        """Refused, as opposed to broken: a bad option, a step not allowed now, a store to fix first."""
        return self.code not in (ExitCode.OK, ExitCode.INTERNAL)


class Runner:
    def __init__(self, given: Globals) -> None:
        self.globals: list[str] = []
        if given.store_path is not None:
            self.globals += ["--store", str(given.store_path)]
        if given.as_of is not None:
            self.globals += ["--as-of", given.as_of]
        if given.identity is not None:
            self.globals += ["--identity", str(given.identity)]
        self.lock = threading.Lock()

    @contextlib.contextmanager
    def alone(self) -> Iterator[None]:
        with self.lock:
            yield

    def run(self, argv: list[str]) -> Ran:
        out, err = io.StringIO(), io.StringIO()
        with self.alone(), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main([*self.globals, *argv])
        return Ran(code, out.getvalue(), err.getvalue())
