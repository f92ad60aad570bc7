"""A case document read as its model, and written by its model's field names.

The pydantic models (case/models.py, case/review_records.py, ...) are the one description of
a case's files. A document is read as its model itself (`read`): built over the loaded map
without validating it, each field from the value its annotation takes (a nested record as its
model, a list item by item), a value of another kind left out as if absent, and the model's
default for what is absent. So a field added to a model is read with no other change, and a
reader gets the model's own types; whether the document is *valid* is still for the models'
validation (`validate`, and every step's check of the case it loads and leaves).

A document is written through `Doc`, a view of its map (a ruamel round-trip map while a step
edits, so the comments and key order people wrote survive) that takes the model's field names
and refuses any other: a write the model would not read is a bug, found where it is made. A
`Doc` over a document the case does not have yet makes the document on its first write (the
step then writes the new file). `Doc.now` is the document as written so far, read again.
"""

from __future__ import annotations

import datetime as dt
import types
import typing
from collections.abc import Callable, MutableMapping
from typing import TYPE_CHECKING, Any, Generic, TypeGuard, TypeVar

from reviewctl.adapters import yamlio

if TYPE_CHECKING:  # pydantic's models load when a document is first read: a warm report reads none
    from pydantic import BaseModel

Node = MutableMapping[str, Any]  # one YAML mapping: a CommentedMap when edited, a dict when read
M = TypeVar("M", bound="BaseModel")
S = TypeVar("S", bound="BaseModel")
Convert = Callable[[object], object]  # a loaded value as an annotation takes it, or SKIP
SKIP = object()
_set = object.__setattr__  # a value of another kind than the annotation's: read as absent


def _same(value: object) -> object:
    return value


def _typed(kind: type) -> Convert:
    if kind is dt.date:  # a date with a time is not a date to the models (strict)
        return lambda v: v if isinstance(v, dt.date) and not isinstance(v, dt.datetime) else SKIP
    if kind is int:
        return lambda v: v if isinstance(v, int) and not isinstance(v, bool) else SKIP
    return lambda v: v if isinstance(v, kind) else SKIP


def _literal(allowed: tuple[object, ...]) -> Convert:
    kinds = {(type(a), a) for a in allowed}
    return lambda v: v if (type(v), v) in kinds else SKIP


def _union(options: list[Convert], none: bool) -> Convert:
    def convert(value: object) -> object:
        if value is None:
            return None if none else SKIP
        for option in options:
            found = option(value)
            if found is not SKIP:
                return found
        return SKIP
    return convert


def _list(item: Convert) -> Convert:
    def convert(value: object) -> object:
        if not isinstance(value, list):
            return SKIP
        return [found for found in map(item, value) if found is not SKIP]
    return convert


def _dict(item: Convert) -> Convert:
    def convert(value: object) -> object:
        if not isinstance(value, dict):
            return SKIP
        return {str(k): found for k, v in value.items() if (found := item(v)) is not SKIP}
    return convert


def _is_model(annotation: object) -> TypeGuard[type[BaseModel]]:
    return isinstance(annotation, type) and hasattr(annotation, "model_fields")  # a pydantic model


def _record(model: type[BaseModel]) -> Convert:
    def convert(value: object) -> object:
        found = read(model, value)
        return SKIP if found is None else found
    return convert


def converter(annotation: object) -> Convert:
    """How a loaded value is read as `annotation` (a model field's type)."""
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is typing.Annotated:
        return converter(args[0])
    if origin in (typing.Union, types.UnionType):
        options = [a for a in args if a is not type(None)]
        return _union([converter(a) for a in options], len(options) < len(args))
    if origin is typing.Literal:
        return _literal(args)
    if origin is list:
        return _list(converter(args[0]))
    if origin is dict:
        return _dict(converter(args[1]))
    if annotation is typing.Any or annotation is object:
        return _same
    if _is_model(annotation):
        return _record(annotation)
    if isinstance(annotation, type) and annotation in (str, int, bool, float, dt.date):
        return _typed(annotation)
    raise TypeError(f"a model field of type {annotation!r} has no reader in core/case/views.py")


class Fields:
    """A model's fields as its documents name them: key (the alias where there is one) and reader."""

    __slots__ = ("by_key", "defaults", "fresh", "keys", "required", "types")

    def __init__(self, model: type[BaseModel]) -> None:
        fields = model.model_fields
        self.keys = {name: info.alias or name for name, info in fields.items()}
        self.types = {name: info.annotation for name, info in fields.items()}
        readers = {name: converter(info.annotation) for name, info in fields.items()}
        # Read by its alias (`from`) and, as validation takes it too (populate_by_name), by its name.
        self.by_key = {**{name: (name, readers[name]) for name in fields},
                       **{info.alias: (name, readers[name]) for name, info in fields.items() if info.alias}}
        self.required = frozenset(name for name, info in fields.items() if info.is_required())
        # The defaults of the optional fields: None and the like shared, an empty list or map made anew.
        self.defaults = {name: info.default for name, info in fields.items()
                         if not info.is_required() and not isinstance(info.default, (list, dict))}
        self.fresh = tuple((name, type(info.default)) for name, info in fields.items()
                           if not info.is_required() and isinstance(info.default, (list, dict)))

    def key(self, model: type[BaseModel], name: str) -> str:
        """The key of the field `name`; a name the model does not have is a bug, refused here."""
        try:
            return self.keys[name]
        except KeyError:
            raise TypeError(f"{model.__name__} has no field {name!r} (fields: {', '.join(self.keys)})") from None


_FIELDS: dict[type[BaseModel], Fields] = {}


def fields_of(model: type[BaseModel]) -> Fields:
    found = _FIELDS.get(model)
    if found is None:
        found = _FIELDS[model] = Fields(model)
    return found


def read(model: type[M], raw: object) -> M | None:
    """The mapping `raw` as a `model`, not validated: each field its value where the annotation
    takes it, else the model's default. None when `raw` is not a mapping, or lacks a value of
    its kind for a required field (a list leaves such an item out): a record read is always
    whole, of the model's types, though its text may be blank or its dates out of order."""
    if not isinstance(raw, dict):
        return None
    fields = fields_of(model)
    values = fields.defaults.copy()
    for name, kind in fields.fresh:
        values[name] = kind()
    given = set()
    by_key = fields.by_key
    for key, value in raw.items():  # a file holds fewer keys than its model has fields
        found = by_key.get(key)
        if found is not None and (value := found[1](value)) is not SKIP:
            values[found[0]] = value
            given.add(found[0])
    if not fields.required <= given:
        return None
    # As pydantic's model_construct builds a model, without its checks (a third of the time).
    record = model.__new__(model)
    _set(record, "__dict__", values)
    _set(record, "__pydantic_fields_set__", given)
    _set(record, "__pydantic_extra__", None)
    _set(record, "__pydantic_private__", None)
    return record


def unread(model: type[BaseModel], raw: object) -> list[str]:
    """The keys of the required fields of `model` that `raw` holds no value of its kind for
    (why `read` gave None), as the file names them."""
    fields = fields_of(model)
    found = raw if isinstance(raw, dict) else {}
    return [key for name, key in fields.keys.items() if name in fields.required
            and not any(k in found and convert(found[k]) is not SKIP
                        for k, (field, convert) in fields.by_key.items() if field == name)]


def _unwrap(annotation: object) -> object:
    """X from `X | None`, `Annotated[X, ...]` and `list[X]`."""
    while True:
        origin = typing.get_origin(annotation)
        args = typing.get_args(annotation)
        if origin is typing.Annotated or origin is list:
            annotation = args[0]
        elif origin in (typing.Union, types.UnionType) and len([a for a in args if a is not type(None)]) == 1:
            annotation = next(a for a in args if a is not type(None))
        else:
            return annotation


class Doc(Generic[M]):
    """One mapping of a document, written by the field names of `model` (made on the first write)."""

    __slots__ = ("_make", "_raw", "model")

    def __init__(self, model: type[M], raw: object = None, make: Callable[[], Node] | None = None) -> None:
        self.model = model
        self._raw: Node | None = raw if isinstance(raw, dict) else None
        self._make = make

    @property
    def now(self) -> M | None:
        """The mapping as it stands, read as the model (None while there is none)."""
        return read(self.model, self._raw)

    @property
    def raw(self) -> Node:
        """The mapping underneath (an empty one, not kept, while there is none)."""
        return self._raw if self._raw is not None else {}

    def writable(self) -> Node:
        """The mapping underneath, made (and put in its place) if there is none yet."""
        if self._raw is None:
            if self._make is None:
                raise TypeError(f"{self.model.__name__}: there is no mapping here to write to")
            self._raw = self._make()
        return self._raw

    def __bool__(self) -> bool:  # an absent or empty mapping is "nothing recorded"
        return bool(self._raw)

    def _key(self, name: str) -> str:
        return fields_of(self.model).key(self.model, name)

    def __contains__(self, name: str) -> bool:
        return self._key(name) in self.raw

    def get(self, name: str) -> object:
        """The value of the field as loaded (of any kind: for checks of what a step is about to change)."""
        return self.raw.get(self._key(name))

    def __setitem__(self, name: str, value: object) -> None:
        self.writable()[self._key(name)] = value

    def pop(self, name: str) -> None:
        key = self._key(name)
        if self._raw is not None:
            self._raw.pop(key, None)

    def seq(self, name: str) -> list[Any]:
        """The list of the field, made empty (in place) if there is none yet: for appending."""
        key = self._key(name)
        node = self.writable()
        found = node.get(key)
        if not isinstance(found, list):
            found = node[key] = yamlio.new_seq()
        return found

    def mapping(self, name: str) -> Node:
        """The mapping of the field, made empty (in place) if there is none yet."""
        key = self._key(name)
        node = self.writable()
        found = node.get(key)
        if not isinstance(found, dict):
            found = node[key] = yamlio.new_map()
        return found

    def _nested(self, name: str, model: type[S]) -> str:
        key = self._key(name)
        if _unwrap(fields_of(self.model).types[name]) is not model:
            raise TypeError(f"{self.model.__name__}.{name} does not hold {model.__name__} records")
        return key

    def sub(self, name: str, model: type[S]) -> Doc[S]:
        """The record of the field, as a Doc of its own (made on its first write)."""
        key = self._nested(name, model)
        return Doc(model, self.raw.get(key), lambda: self.mapping(name))

    def rows(self, name: str, model: type[S]) -> list[Row[S]]:
        """Each record of the field's list, as a Doc (items that do not read as the model are left out)."""
        key = self._nested(name, model)
        found = self.raw.get(key)
        return [Row(model, item) for item in found if read(model, item) is not None] if isinstance(found, list) else []

    def drop(self, name: str, row: Doc[S]) -> None:
        """Take `row` out of the field's list (by position, so the comments of the others stay put)."""
        found = self.raw.get(self._key(name))
        if isinstance(found, list):
            index = next((i for i, item in enumerate(found) if item is row.raw), None)
            if index is not None:
                del found[index]


class Row(Doc[M]):
    """A record in a list field: always a mapping, so always read as its model."""

    __slots__ = ()

    @property
    def now(self) -> M:
        found = read(self.model, self._raw)
        if found is None:  # rows() makes a Row only over a whole record, and a write keeps it whole
            raise TypeError(f"a {self.model.__name__} record lost a required key while being written")
        return found
