"""A value in a case's documents by its dotted path, as the workflow names fields:
`document.key.key` (`decision.conducted_from`, `scoping.requests`).

Plain functions over the loaded mappings, with nothing to import: the clocks and the
warm reports read fields this way without loading the case's models.
"""

from __future__ import annotations

from typing import Any, Protocol

Documents = dict[str, Any]  # "case" / "scoping" / "decision" -> the file's mapping


def lookup(docs: Documents, path: str) -> Any:
    """The value at `document.key.key` in the case's documents, or None."""
    node: Any = docs
    for part in path.split("."):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


class Condition(Protocol):
    """A workflow `when:`: the field it reads, and the value it holds for the condition to hold."""

    @property
    def field(self) -> str: ...
    @property
    def equals(self) -> str: ...


def condition_holds(when: Condition | None, docs: Documents) -> bool:
    """Whether a workflow `when:` (a Condition, or None: always) holds for the case."""
    if when is None:
        return True
    value = lookup(docs, when.field)
    return isinstance(value, str) and value.strip().casefold() == when.equals.strip().casefold()


def is_present(value: object) -> bool:
    return value is not None and value != "" and value != [] and value != {}


def plain_copy(value: Any) -> Any:
    """A deep copy of loaded YAML as plain dicts, lists and scalars."""
    if isinstance(value, dict):
        return {str(k): plain_copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain_copy(v) for v in value]
    return value
