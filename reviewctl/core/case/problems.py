"""Problems as records: where (path, line, key), what (message) and how bad (severity).

Checks still build most problems as `path:line: key: message` lines with `located()`;
`Problem.parse` reads such a line back, so checks can move to records one by one while
`validate` already hands every problem to the command line as a record (text, JSON, SARIF).
"""

from __future__ import annotations

import os
import re
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from reviewctl.errors import located

ERROR, WARNING = "error", "warning"
# `path:line` or `path` before the first ": "; then a key when the next part is one word-like
# token (`stage`, `history[2].date`, `requests.0.agency`), as located() writes it.
_WHERE = re.compile(r"^(?P<path>[^\s:][^:]*?)(?::(?P<line>\d+))?: (?P<rest>.*)$", re.DOTALL)
_KEY = re.compile(r"^(?P<key>[A-Za-z_][\w.\[\]-]*): (?P<message>.*)$", re.DOTALL)


@dataclass(frozen=True)
class Problem:
    path: str
    message: str
    line: int | None = None
    key: str | None = None
    severity: str = ERROR

    def __str__(self) -> str:
        if not self.path:
            return self.message
        return located(self.path, self.line, self.key, self.message)

    @classmethod
    def parse(cls, text: str, severity: str = ERROR) -> Problem:
        """The record behind a `located()` line; a line of another shape keeps all its text as the message."""
        where = _WHERE.match(text)
        if where is None:
            return cls(path="", message=text, severity=severity)
        rest = where["rest"]
        keyed = _KEY.match(rest)
        line = int(where["line"]) if where["line"] else None
        if keyed is not None:
            return cls(where["path"], keyed["message"], line, keyed["key"], severity)
        return cls(where["path"], rest, line, None, severity)

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "text": str(self)}


def as_problems(lines: list[str]) -> list[Problem]:
    return [Problem.parse(line) for line in lines]


def sarif(problems: list[Problem], version: str, root: Path) -> dict[str, Any]:
    """A SARIF 2.1.0 log of one run, for code-scanning views of a pull request.

    Each path is given relative to the store's root (SARIF's %SRCROOT%), as a pull
    request names its files, wherever validate ran from.
    """
    results = []
    for problem in problems:
        uri = quote(Path(os.path.relpath(os.path.abspath(problem.path or "."), root)).as_posix())
        location: dict[str, Any] = {"artifactLocation": {"uri": uri, "uriBaseId": "%SRCROOT%"}}
        if problem.line is not None:
            location["region"] = {"startLine": problem.line}
        results.append({
            "ruleId": "reviewctl/validate",
            "level": "warning" if problem.severity == WARNING else "error",
            "message": {"text": f"{problem.key}: {problem.message}" if problem.key else problem.message},
            "locations": [{"physicalLocation": location}],
        })
    run: dict[str, Any] = {
        "tool": {"driver": {"name": "reviewctl", "version": version,
                            "rules": [{"id": "reviewctl/validate",
                                       "shortDescription": {"text": "A problem found by reviewctl validate"}}]}},
        "results": results,
    }
    run["originalUriBaseIds"] = {"%SRCROOT%": {"uri": root.resolve().as_uri() + "/"}}
    return {"$schema": "https://json.schemastore.org/sarif-2.1.0.json", "version": "2.1.0", "runs": [run]}
