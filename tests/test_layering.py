"""The package's shape holds: three rooms pointing one way, one owner per outside library, small modules.

These read the source (its syntax tree, not its text), so a comment or a docstring that
names a library does not count, and an import inside a function or under TYPE_CHECKING
does.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from functools import cache
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "reviewctl"
MAX_LINES = 400  # the style asks for about 350; this is where a module must be split

# Each outside library, and the adapters allowed to import it.
OWNERS = {
    "ruamel": {"adapters/yamlio.py"},
    "yaml": {"adapters/yamlcheck.py", "adapters/yamlfast.py"},  # PyYAML: the fast reads and the alias check
    "jinja2": {"adapters/render.py", "adapters/templatelimits.py"},
    "holidays": {"adapters/calendar.py"},
    "openpyxl": {"adapters/xlsx.py"},
    "docx": {"adapters/docx.py"},
    "pyrage": {"adapters/agecrypt.py"},
    "icalendar": {"adapters/ics.py"},
    "pypdf": {"adapters/pdf.py"},
}


@cache
def _parsed() -> list[tuple[str, ast.Module]]:
    """Every module of the package, parsed once for this module's tests (which only read the trees)."""
    return [(p.relative_to(PACKAGE).as_posix(), ast.parse(p.read_text(encoding="utf-8"), str(p)))
            for p in sorted(PACKAGE.rglob("*.py"))]


def _modules(room: str = "") -> list[tuple[str, ast.Module]]:
    return [(path, tree) for path, tree in _parsed() if not room or path.startswith(f"{room}/")]


def _imported(tree: ast.Module) -> Iterator[str]:
    """Every module name an import in `tree` names, at any depth."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, "reviewctl imports by absolute name"
            assert node.module is not None
            yield node.module
            yield from (f"{node.module}.{alias.name}" for alias in node.names)


def _under(name: str, package: str) -> bool:
    return name == package or name.startswith(package + ".")


def test_the_core_never_imports_the_command_line() -> None:
    found = [(path, name) for path, tree in _modules("core") for name in _imported(tree)
             if any(_under(name, outer) for outer in ("reviewctl.cli", "typer", "click", "rich"))]
    assert found == []


def test_the_core_never_prints() -> None:
    found: list[tuple[str, int, str]] = []
    for path, tree in _modules("core"):
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("print", "input"):
                found.append((path, node.lineno, node.func.id))
            elif (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "sys"
                  and node.attr in ("stdout", "stderr", "stdin")):
                found.append((path, node.lineno, f"sys.{node.attr}"))
            elif isinstance(node, ast.Attribute) and node.attr in ("echo", "secho"):
                found.append((path, node.lineno, node.attr))
    assert found == []


def test_the_adapters_import_nothing_of_the_core_or_the_command_line() -> None:
    found = [(path, name) for path, tree in _modules("adapters") for name in _imported(tree)
             if _under(name, "reviewctl.core") or _under(name, "reviewctl.cli")]
    assert found == []


def test_each_outside_library_has_its_owners() -> None:
    importers: dict[str, set[str]] = {library: set() for library in OWNERS}
    for path, tree in _modules():
        for name in _imported(tree):
            library = name.split(".")[0]
            if library in importers:
                importers[library].add(path)
    strays = {library: sorted(paths - OWNERS[library]) for library, paths in importers.items()
              if paths - OWNERS[library]}
    assert strays == {}
    # Each owner named is one: an owner list cannot go stale after a module is split or renamed.
    assert {library: sorted(OWNERS[library] - paths) for library, paths in importers.items()
            if OWNERS[library] - paths} == {}


def test_no_module_is_too_long() -> None:
    lengths = {p.relative_to(PACKAGE).as_posix(): len(p.read_text(encoding="utf-8").splitlines())
               for p in PACKAGE.rglob("*.py")}
    assert {path: n for path, n in lengths.items() if n > MAX_LINES} == {}
