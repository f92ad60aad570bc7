"""Turn pydantic's validation errors into problems: file, line, key and what to do."""

from __future__ import annotations

import difflib
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from reviewctl.adapters.yamlio import line_of
from reviewctl.core.case.problems import Problem

M = TypeVar("M", bound=BaseModel)


def _model_at(model: type[BaseModel], loc: tuple[str | int, ...]) -> type[BaseModel] | None:
    """The pydantic model that owns the last key of `loc`, for 'did you mean'."""
    current: Any = model
    for part in loc[:-1]:
        if isinstance(part, int):
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return None
        field = current.model_fields.get(str(part))
        if field is None:
            return None
        annotation = field.annotation
        args = [a for a in getattr(annotation, "__args__", ()) if isinstance(a, type)]
        candidates = [annotation, *args]
        current = next(
            (c for c in candidates if isinstance(c, type) and issubclass(c, BaseModel)), None
        )
    if isinstance(current, type) and issubclass(current, BaseModel):
        return current
    return None


def _explain(model: type[BaseModel], error: Any, private: bool = False) -> str:
    kind = error["type"]
    loc = tuple(error["loc"])
    if kind == "extra_forbidden":
        owner = _model_at(model, loc)
        known = sorted(
            (f.alias or name) for name, f in owner.model_fields.items()
        ) if owner else []
        close = [] if private else difflib.get_close_matches(str(loc[-1]), known, n=1)
        hint = f"did you mean {close[0]!r}?" if close else f"known keys: {', '.join(known)}"
        return f"unknown key; remove it ({hint})"
    if kind == "missing":
        return "required key is missing; add it"
    if kind.startswith("date"):
        return f"{error['msg']}; write the date as YYYY-MM-DD, unquoted and without a time"
    if kind == "string_too_short":
        return "is empty; write something here"
    # pydantic prefixes the message of our own validators; the message says enough.
    return str(error["msg"]).removeprefix("Value error, ")


def _known_part(model: type[BaseModel], loc: tuple[str | int, ...]) -> tuple[str | int, ...]:
    """`loc` up to the first part that is neither a position nor a key the model knows: the
    rest came from the file (an unknown key), or names a type (`dates_of_birth.0.date`)."""
    for at, part in enumerate(loc):
        owner = _model_at(model, loc[:at + 1])
        names = {f.alias or n for n, f in owner.model_fields.items()} if owner else set()
        if not isinstance(part, int) and part not in names:
            return loc[:at]
    return loc


def errors_of(model: type[M], data: object, shown: str, private: bool = False) -> tuple[M | None, list[Problem]]:
    """Validate `data` against `model`: the model, or None and every problem found.

    `private`: the data are identifiers, so a message names a key only if the model has it,
    and never a value (pydantic's own messages do not quote the input)."""
    try:
        return model.model_validate(data), []
    except ValidationError as exc:
        problems = []
        for error in exc.errors(include_input=False, include_url=False):
            loc = tuple(error["loc"])
            key = ".".join(str(p) for p in (_known_part(model, loc) if private else loc)) or None
            problems.append(Problem(shown, _explain(model, error, private), line_of(data, loc), key))
        return None, problems
