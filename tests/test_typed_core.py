"""The core hands out typed records (issue 18): `Any` stays out of the packages whose results
were typed, and nothing in the core silences the type checker instead of typing a value.

`Any` is counted as the issue counts it (`grep -rw Any reviewctl/core`); the goal for the whole
core is at most 60. A budget here is a ceiling: lower it when a package sheds more.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

CORE = Path(__file__).resolve().parent.parent / "reviewctl" / "core"
# What is left in each typed package, and why: live_pages.py hands the web face its template
# values (the face adds to them), case_lines.py passes on the clocks' story as clocks/story.py
# types it.  workflow/history.py is typed with the clocks (counted with them, not here).
BUDGET = {"reports": 5, "steps": 0, "privacy": 0, "signing": 0, "store": 0, "workflow": 0}
NOT_COUNTED = {"workflow/history.py"}
_ANY = re.compile(r"\bAny\b")


def _any_count(package: str) -> dict[str, int]:
    found = {}
    for path in sorted((CORE / package).rglob("*.py")):
        name = path.relative_to(CORE).as_posix()
        count = len(_ANY.findall(path.read_text(encoding="utf-8")))
        if count and name not in NOT_COUNTED:
            found[name] = count
    return found


def test_typed_packages_keep_any_out() -> None:
    over = {}
    for package, budget in BUDGET.items():
        found = _any_count(package)
        if sum(found.values()) > budget:
            over[package] = (budget, found)
    assert over == {}


def test_the_core_neither_casts_nor_silences_the_checker() -> None:
    found = []
    for path in sorted(CORE.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        name = path.relative_to(CORE).as_posix()
        found += [(name, i) for i, line in enumerate(text.splitlines(), 1) if "type: ignore" in line]
        for node in ast.walk(ast.parse(text, name)):
            if isinstance(node, ast.Call) and (
                    (isinstance(node.func, ast.Name) and node.func.id == "cast")
                    or (isinstance(node.func, ast.Attribute) and node.func.attr == "cast")):
                found.append((name, node.lineno))
    assert found == []
