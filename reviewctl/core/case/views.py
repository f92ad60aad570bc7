"""Typed views over a case file's loaded map, read and written in place.

A view is not a copy: it reads and writes the map it was given, which is a ruamel
round-trip map when a step loads the case for editing (so the comments and key order
people wrote survive the edit) and a plain dict when a command only reads it.  Each
view class names the keys of one document (or of one item in it) and what type each
holds; a key that is missing or of another type reads as None (or as an empty list), as
the chains of `or {}` look-ups it replaces did.  Whether a value is
*valid* is for the models in case/models.py and case/review_records.py: a view only reads.

A view over a document the case does not have yet reads as empty, and makes the
document on its first write (the step then writes the new file).
"""

from __future__ import annotations

from collections.abc import Callable, MutableMapping
from datetime import date
from typing import Any, Generic, TypeVar, overload

from reviewctl.adapters import yamlio

Node = MutableMapping[str, Any]  # one YAML mapping: a CommentedMap when edited, a dict when read
T = TypeVar("T")
V = TypeVar("V", bound="View")


class View:
    """One mapping of a document, or a mapping that will be made on the first write."""

    __slots__ = ("_make", "_raw")

    def __init__(self, raw: object = None, make: Callable[[], Node] | None = None) -> None:
        self._raw: Node | None = raw if isinstance(raw, dict) else None
        self._make = make

    @property
    def raw(self) -> Node:
        """The mapping underneath (an empty one, not kept, while there is none)."""
        return self._raw if self._raw is not None else {}

    def writable(self) -> Node:
        """The mapping underneath, made (and put in its place) if there is none yet."""
        if self._raw is None:
            if self._make is None:
                raise TypeError(f"{type(self).__name__}: there is no mapping here to write to")
            self._raw = self._make()
        return self._raw

    def __bool__(self) -> bool:  # an absent or empty mapping is "nothing recorded", as `or {}` read it
        return bool(self._raw)

    def __contains__(self, key: str) -> bool:
        return key in self.raw

    def get(self, key: str, default: Any = None) -> Any:
        return self.raw.get(key, default)

    def __getitem__(self, key: str) -> Any:
        return self.raw[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.writable()[key] = value

    def pop(self, key: str) -> None:
        if self._raw is not None:
            self._raw.pop(key, None)

    def seq(self, key: str) -> list[Any]:
        """The list at `key`, made empty (in place) if there is none yet: for appending."""
        node = self.writable()
        found = node.get(key)
        if not isinstance(found, list):
            found = node[key] = yamlio.new_seq()
        return found

    def drop(self, key: str, item: View) -> None:
        """Take `item` out of the list at `key` (by position, so the comments of the others stay put)."""
        found = self.raw.get(key)
        index = next((i for i, x in enumerate(found) if x is item.raw), None) if isinstance(found, list) else None
        if index is not None and isinstance(found, list):
            del found[index]

    def mapping(self, key: str) -> Node:
        """The mapping at `key`, made empty (in place) if there is none yet."""
        node = self.writable()
        found = node.get(key)
        if not isinstance(found, dict):
            found = node[key] = yamlio.new_map()
        return found


def as_text(value: object) -> str | None:
    return value if isinstance(value, str) else None


def as_day(value: object) -> date | None:
    return value if isinstance(value, date) else None


def as_int(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def as_name(value: object) -> str:
    """A value that is a name (a stage, a type), as text; '' when absent."""
    return "" if value is None else str(value)


def as_any(value: object) -> Any:
    return value


def as_texts(value: object) -> list[str]:
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def as_dates(value: object) -> dict[str, date]:
    """A mapping of names to dates (a copy: write through `View.mapping`)."""
    return {str(k): v for k, v in value.items() if isinstance(v, date)} if isinstance(value, dict) else {}


class Key(Generic[T]):
    """A key of the mapping, read as T; written as given."""

    def __init__(self, read: Callable[[Any], T], key: str | None = None) -> None:
        self.read = read
        self.key = key or ""

    def __set_name__(self, owner: type[View], attribute: str) -> None:
        self.key = self.key or attribute.rstrip("_")  # `from_` is the key `from`

    @overload
    def __get__(self, view: None, owner: type[View]) -> Key[T]: ...
    @overload
    def __get__(self, view: View, owner: type[View]) -> T: ...
    def __get__(self, view: View | None, owner: type[View]) -> Key[T] | T:
        if view is None:
            return self
        return self.read(view.raw.get(self.key))

    def __set__(self, view: View, value: T) -> None:
        view.writable()[self.key] = value


class _Nested(Generic[V]):
    """A key that holds mappings read as views of `cls`; the key is the attribute's name unless given."""

    def __init__(self, cls: type[V], key: str | None = None) -> None:
        self.cls = cls
        self.key = key or ""

    def __set_name__(self, owner: type[View], attribute: str) -> None:
        self.key = self.key or attribute


class Sub(_Nested[V]):
    """A mapping inside the mapping, as a view of its own (made on its first write)."""

    @overload
    def __get__(self, view: None, owner: type[View]) -> Sub[V]: ...
    @overload
    def __get__(self, view: View, owner: type[View]) -> V: ...
    def __get__(self, view: View | None, owner: type[View]) -> Sub[V] | V:
        if view is None:
            return self
        return self.cls(view.raw.get(self.key), lambda: view.mapping(self.key))


class Rows(_Nested[V]):
    """A list of mappings inside the mapping, each as a view (items that are not mappings are left out)."""

    @overload
    def __get__(self, view: None, owner: type[View]) -> Rows[V]: ...
    @overload
    def __get__(self, view: View, owner: type[View]) -> list[V]: ...
    def __get__(self, view: View | None, owner: type[View]) -> Rows[V] | list[V]:
        if view is None:
            return self
        found = view.raw.get(self.key)
        return [self.cls(item) for item in found if isinstance(item, dict)] if isinstance(found, list) else []
