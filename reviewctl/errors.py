"""The one error root, and the exit codes a script can rely on.

The message lives in the exception, so it can be tested, shown as one line on
stderr, or put into JSON.  A message names the file, the line and the key where it
can, and says what would fix the problem.
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0
    REFUSED = 1  # the store is fine, but the step is not allowed now
    USAGE = 2  # a bad option or argument (click uses 2 for its own usage errors)
    INVALID = 3  # data in the store is invalid (YAML, schema, workflow, history)
    UNUSABLE = 4  # no store, not a git repo, no git identity, git failed
    BUSY = 5  # another reviewctl holds the lock, or an interrupted step needs `doctor`
    OVERDUE = 6  # `due --fail-on-overdue`: something is overdue
    INTERNAL = 70  # a bug: the traceback goes to a log file, never to the terminal
    INTERRUPTED = 130  # Ctrl-C


class ReviewctlError(Exception):
    """Stop and tell the user this.  Subclasses only choose the exit code.

    With `path` (and the `line` and `key` where they are known) the error says where the
    problem is and `message` what is wrong there: the error reads `path:line: key: message`,
    and `validate` hands the parts on as they are (core/case/problems.py).
    """

    exit_code: ExitCode = ExitCode.REFUSED

    def __init__(self, message: str, *, path: str | None = None, line: int | None = None,
                 key: str | None = None) -> None:
        self.path, self.line, self.key, self.detail = path, line, key, message
        self.message = message if path is None else located(path, line, key, message)
        super().__init__(self.message)

    def __str__(self) -> str:
        return self.message


class RefusedError(ReviewctlError):
    exit_code = ExitCode.REFUSED


class UsageError(ReviewctlError):
    exit_code = ExitCode.USAGE


class InvalidDataError(ReviewctlError):
    exit_code = ExitCode.INVALID


class UnusableError(ReviewctlError):
    exit_code = ExitCode.UNUSABLE


class BusyError(ReviewctlError):
    exit_code = ExitCode.BUSY


def located(path: str, line: int | None, key: str | None, message: str) -> str:
    """Format `path:line: key: message`, leaving out the parts that are unknown."""
    where = path
    if line is not None:
        where += f":{line}"
    return f"{where}: {key}: {message}" if key else f"{where}: {message}"


def shown_id(case_id: str) -> str:
    """A case id as an error repeats it: only one with a digit (as every case id has) or a
    path's slash; anything else may be a name typed in the wrong place, and an error never
    repeats an identifier."""
    if any(c.isdigit() or c in "/\\" for c in case_id) or set(case_id) <= {"."}:
        return repr(case_id)
    return "(the id given: not repeated, as it has no digit, as ids have, and may be a name)"
