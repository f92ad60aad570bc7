"""A recorded value addressed as `show` names it: `document.key`, `document.key.key`, and a
list's entry by its number (from 1) or its name (`scoping.requests.Police.returned`)."""

from __future__ import annotations

import datetime as dt
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass

from pydantic import BaseModel

from reviewctl.core.case.documents import DOCUMENT_FILES, model_for
from reviewctl.core.case.typed_dates import HINT, NotADate, read_date
from reviewctl.errors import RefusedError, UsageError

# Keys that name a list's entry, in the order they are tried.
_NAMES = ("agency", "id", "name", "role", "version")
# What a correction may not touch: what moves only through its own step, and what ties
# a record to a file or a signed approval (a corrected hash or file name would be forgery).
_OWN_STEP = {"case.id": "it is the case's folder name", "case.stage": "stages move only through their steps",
             "case.type": "change it with `reviewctl retype`", "case.history": "the history only grows",
             "decision.conducted_from": "it is worked out from the decision's own date: amend decision.meeting_date, "
                                        "or decision.chair.date where the Independent Chair decided"}
_SEALED_DOCS = {"approvals": "approvals are signed", "notes": "notes only grow"}
_SEALED_KEYS = {"sha256", "file", "version", "document", "letter", "record", "recommendation", "referrer_letter",
                "acknowledgement", "action_plan", "comms_plan", "schedule", "final_report", "versions"}

# Values that decided where the case went: a different outcome is a new decision, not a correction.
_DECIDING = {"outcome": "it decided the case's stage; reopen the case and decide again",
             "status": "record an action's progress with `reviewctl actions update`"}


Value = dt.date | bool | int | str  # what a correction sets: one value of a field's type


@dataclass(frozen=True)
class Field:
    path: str  # as given, cleaned
    parent: object  # the mapping (or list) holding the value, as loaded; None where nothing is recorded
    key: str | int
    annotation: object  # the model's type for the value


def _unwrap(annotation: object) -> object:
    """Optional[X] -> X and Annotated[X, ...] -> X."""
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            if len(args) != 1:
                return annotation
            annotation = args[0]
        else:
            return annotation


def _model_key(model: type[BaseModel], key: str) -> tuple[str, object] | None:
    for name, info in model.model_fields.items():
        if key in (name, info.alias):
            return (info.alias or name), info.annotation
    return None


def resolve(docs: Mapping[str, object], path: str) -> Field:
    parts = [p.strip() for p in path.strip().split(".")]
    if len(parts) < 2 or parts[0] not in DOCUMENT_FILES or not all(parts):
        raise UsageError(f"{_named(path)} is not a field: give document.key as `show --format json` names it, e.g. "
                         f"scoping.notified or case.subject (documents: {', '.join(DOCUMENT_FILES)})")
    doc = parts[0]
    if doc in _SEALED_DOCS or ".".join(parts[:2]) in _OWN_STEP:
        why = _SEALED_DOCS.get(doc) or _OWN_STEP[".".join(parts[:2])]
        raise UsageError(f"{'.'.join(parts[:2])} cannot be amended ({why})")
    model = model_for(doc)
    node: object = docs.get(doc)
    parent: object = None
    key: str | int = ""
    annotation: object = None
    for depth, part in enumerate(parts[1:], start=1):
        shown = ".".join(parts[:depth + 1])
        target = _unwrap(annotation) if annotation is not None else model
        if typing.get_origin(target) is list:
            item = _unwrap(typing.get_args(target)[0])
            if not isinstance(node, list):
                raise RefusedError(f"nothing is recorded at {'.'.join(parts[:depth])} yet; record it with its step")
            index = _entry(node, part)
            if index is None:
                raise UsageError(f"{shown}: no entry of {'.'.join(parts[:depth])} has that number or name; "
                                 "give its number (from 1) or its agency, id or name as `show` lists them")
            parts[depth] = str(index + 1)  # by number: a name (a panel member's) never reaches a commit
            parent, key, annotation, node = node, index, item, node[index]
            continue
        if not (isinstance(target, type) and issubclass(target, BaseModel)):
            raise UsageError(f"{shown} is not a field: {'.'.join(parts[:depth])} is a single value")
        found = _model_key(target, part)
        if found is None:
            known = ", ".join(info.alias or name for name, info in target.model_fields.items())
            raise UsageError(f"{shown} is not a field (fields of {'.'.join(parts[:depth])}: {known})")
        if part in _SEALED_KEYS:
            raise UsageError(f"{shown} cannot be amended: it ties the record to a file or an approved text")
        if part in _DECIDING:
            raise UsageError(f"{shown} cannot be amended: {_DECIDING[part]}")
        parent, key, annotation = node, found[0], found[1]
        node = node.get(key) if isinstance(node, dict) else None
    return Field(".".join(parts), parent, key, annotation)


def _entry(items: list[object], part: str) -> int | None:
    if part.isdigit() and 1 <= int(part) <= len(items):
        return int(part) - 1
    for index, item in enumerate(items):
        if isinstance(item, dict) and any(str(item.get(k, "")).casefold() == part.casefold() for k in _NAMES
                                          if item.get(k) is not None):
            return index
    return None


def current(field: Field) -> object:
    if isinstance(field.parent, list) and isinstance(field.key, int):
        return field.parent[field.key]
    return field.parent.get(field.key) if isinstance(field.parent, dict) else None


def put(field: Field, value: Value) -> None:
    """Set the value where it is recorded (`current` found it there)."""
    parent, key = field.parent, field.key
    if isinstance(parent, dict) and isinstance(key, str):
        parent[key] = value
        return
    if not (isinstance(parent, list) and isinstance(key, int)):
        raise TypeError(f"{field.path}: nothing is recorded there to correct")
    parent[key] = value


def convert(field: Field, value: str) -> Value:
    """The text given on the command line as a value of the field's type, or a usage error."""
    kind = _unwrap(field.annotation)
    text = value.strip()
    if kind is dt.date:
        try:
            return read_date(text)
        except NotADate:  # the value is not repeated: the field may be an identifier
            raise UsageError(f"{field.path} is a date, and the value given is not one: {HINT}") from None
    if kind is bool:
        if text.lower() in ("true", "yes"):
            return True
        if text.lower() in ("false", "no"):
            return False
        raise UsageError(f"{field.path} is true or false, and the value given is neither")
    if kind is int:
        if not text.lstrip("-").isdigit():
            raise UsageError(f"{field.path} is a whole number, and the value given is not one")
        return int(text)
    if typing.get_origin(kind) is typing.Literal:
        allowed = [str(a) for a in typing.get_args(kind)]
        if text not in allowed:
            raise UsageError(f"{field.path} is one of {', '.join(allowed)}; give one of them")
        return text
    if kind is str:
        if not text:
            raise UsageError(f"{field.path} may not be blank; give the corrected text")
        return text
    raise UsageError(f"{field.path} holds a list or a record, not one value; amend one of its fields "
                     f"(e.g. {field.path}.1.<key>)")


def _named(path: str) -> str:
    # A field's name is short and made of keys; anything else may be a value typed in the
    # wrong place (a real name), which a message must not repeat.
    from reviewctl.core.case.documents import DOCUMENT_FILES  # lazy: its name (DOCUMENT_FILES) is taken here

    first = path.split(".", 1)[0]
    return repr(path) if first in DOCUMENT_FILES and len(path) <= 80 and path.isprintable() else "the FIELD given"
