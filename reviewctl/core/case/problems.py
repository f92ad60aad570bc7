"""Problems as records: where (path, line, key), what (message) and how bad (severity).

Every check builds its problems as records, and `validate` hands them to the command line
as they are: one line each as text, their parts as JSON, or a SARIF log. A command that
refuses says the first as its error (`Problem.error`); an error a check catches becomes a
record with the parts it was raised with (`Problem.of`).
"""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Literal
from urllib.parse import quote  # pathlib has loaded it already

from reviewctl.errors import InvalidDataError, ReviewctlError, located

Severity = Literal["error", "warning"]
ERROR: Severity = "error"
WARNING: Severity = "warning"
Plain = str | int | None  # the value of a record's part, as JSON gives it


@dataclass(frozen=True)
class Problem:
    path: str  # as messages show it (relative to the current folder); "" where it is no file's
    message: str  # what is wrong there and what would fix it
    line: int | None = None
    key: str | None = None
    severity: Severity = ERROR

    def __str__(self) -> str:
        if not self.path:
            return self.message
        return located(self.path, self.line, self.key, self.message)

    @property
    def said(self) -> str:
        """The problem without its place: `key: message`, or the message."""
        return f"{self.key}: {self.message}" if self.key else self.message

    @classmethod
    def of(cls, error: ReviewctlError) -> Problem:
        """The problem an error names, in the parts it was raised with."""
        return cls(error.path or "", error.detail, error.line, error.key)

    def error(self, kind: type[ReviewctlError] = InvalidDataError) -> ReviewctlError:
        """This problem as the error of a command that stops at it."""
        return kind(self.message, path=self.path or None, line=self.line, key=self.key)

    def as_dict(self) -> dict[str, Plain]:
        return {**asdict(self), "text": str(self)}


def sarif(problems: list[Problem], version: str, root: Path) -> dict[str, object]:
    """A SARIF 2.1.0 log of one run, for code-scanning views of a pull request.

    Each path is given relative to the store's root (SARIF's %SRCROOT%), as a pull
    request names its files, wherever validate ran from.
    """
    results = []
    for problem in problems:
        uri = quote(Path(os.path.relpath(os.path.abspath(problem.path or "."), root)).as_posix())
        location: dict[str, object] = {"artifactLocation": {"uri": uri, "uriBaseId": "%SRCROOT%"}}
        if problem.line is not None:
            location["region"] = {"startLine": problem.line}
        results.append({
            "ruleId": "reviewctl/validate",
            "level": "warning" if problem.severity == WARNING else "error",
            "message": {"text": problem.said},
            "locations": [{"physicalLocation": location}],
        })
    run: dict[str, object] = {
        "tool": {"driver": {"name": "reviewctl", "version": version,
                            "rules": [{"id": "reviewctl/validate",
                                       "shortDescription": {"text": "A problem found by reviewctl validate"}}]}},
        "results": results,
    }
    run["originalUriBaseIds"] = {"%SRCROOT%": {"uri": root.resolve().as_uri() + "/"}}
    return {"$schema": "https://json.schemastore.org/sarif-2.1.0.json", "version": "2.1.0", "runs": [run]}
