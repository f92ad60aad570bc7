"""The core's shape: packages that say what they hold, depending on each other one way, with no
import circle and no import inside a function without its reason.

These read the source's syntax trees, parsed once for the module (the tests only read them).
An import inside a function counts like any other; one under `if TYPE_CHECKING:` is for the
type checker only and does not.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from functools import cache
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "reviewctl"
CORE = PACKAGE / "core"
# The core's packages, lowest first: each imports only from those before it (and from itself).
LAYERS = ("case", "workflow", "store", "clocks", "signing", "privacy", "reports", "steps", "upkeep")
LAZY = "# lazy:"


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@cache  # parsed once for the module's tests, which only read the trees
def _sources() -> dict[str, tuple[Path, ast.Module]]:
    return {_module_name(p): (p, ast.parse(p.read_text(encoding="utf-8"), str(p)))
            for p in sorted(PACKAGE.rglob("*.py"))}


def _imports(tree: ast.Module) -> Iterator[tuple[ast.Import | ast.ImportFrom, bool]]:
    """Every import and whether it is inside a function (TYPE_CHECKING blocks left out)."""
    def walk(node: ast.AST, in_function: bool) -> Iterator[tuple[ast.Import | ast.ImportFrom, bool]]:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test):
                yield from walk(ast.Module(body=child.orelse, type_ignores=[]), in_function)
                continue
            if isinstance(child, (ast.Import, ast.ImportFrom)):
                yield child, in_function
            yield from walk(child, in_function or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)))
    yield from walk(tree, False)


def _targets(node: ast.Import | ast.ImportFrom, known: set[str]) -> set[str]:
    if isinstance(node, ast.Import):
        names = [a.name for a in node.names]
    else:
        assert node.module is not None
        names = [node.module, *(f"{node.module}.{a.name}" for a in node.names)]
    return {n for n in names if n in known}


def _graph() -> dict[str, set[str]]:
    sources = _sources()
    known = set(sources)
    return {name: {t for node, _ in _imports(tree) for t in _targets(node, known)} - {name}
            for name, (_, tree) in sources.items()}


def _layer(module: str) -> str | None:
    parts = module.split(".")
    return parts[2] if len(parts) > 3 and parts[1] == "core" else None


def test_the_core_is_packages_only() -> None:
    flat = sorted(p.name for p in CORE.glob("*.py") if p.name != "__init__.py")
    assert flat == []
    assert sorted(p.parent.name for p in CORE.glob("*/__init__.py")) == sorted(LAYERS)
    for layer in LAYERS:
        init = CORE / layer / "__init__.py"
        assert ast.get_docstring(ast.parse(init.read_text(encoding="utf-8"))), f"{layer}/ says what it holds"


def test_no_two_core_modules_share_a_name() -> None:
    seen: dict[str, list[str]] = {}
    for path in CORE.rglob("*.py"):
        if path.name != "__init__.py":
            seen.setdefault(path.stem, []).append(path.relative_to(CORE).as_posix())
    assert {name: paths for name, paths in seen.items() if len(paths) > 1} == {}


def test_the_core_packages_depend_one_way() -> None:
    rank = {layer: i for i, layer in enumerate(LAYERS)}
    upward = []
    for module, targets in _graph().items():
        mine = _layer(module)
        if mine is None:
            continue
        for target in targets:
            theirs = _layer(target)
            if theirs is not None and rank[theirs] > rank[mine]:
                upward.append(f"{module} -> {target}")
    assert sorted(upward) == []


def test_no_import_circle_even_inside_functions() -> None:
    graph = _graph()
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    circles: list[list[str]] = []

    def strong(v: str) -> None:  # Tarjan's strongly connected components
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in graph[v]:
            if w not in index:
                strong(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                circles.append(sorted(component))

    for v in graph:
        if v not in index:
            strong(v)
    assert circles == []


def test_every_import_inside_a_function_says_why() -> None:
    """An import is at the top of its module unless keeping it out of the start of a command is
    worth it: then the line says so (`# lazy: loads pydantic`, `# lazy: loaded when the command runs`).
    The adapters are left out: each owns an outside library and imports it where it is used."""
    unexplained = []
    lazy = 0
    for name, (path, tree) in _sources().items():
        if name.startswith("reviewctl.adapters"):
            continue
        lines = path.read_text(encoding="utf-8").splitlines()
        for node, in_function in _imports(tree):
            if not in_function:
                continue
            span = lines[node.lineno - 1:node.end_lineno]
            if any(LAZY in line and line.split(LAZY, 1)[1].strip() for line in span):
                lazy += 1
            else:
                unexplained.append(f"{path.relative_to(PACKAGE)}:{node.lineno}")
    assert unexplained == []
    in_core = sum(1 for name, (_, tree) in _sources().items() if name.startswith("reviewctl.core")
                  for _, inside in _imports(tree) if inside)
    assert in_core <= 62  # the core's lazy imports, counted (from 112 before the move): a new one is a measured cost
