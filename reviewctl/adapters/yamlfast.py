"""Fast reads of YAML into plain dicts and lists, for bulk reports and first checks.

PyYAML's loader on libyaml is about three times as fast as ruamel's safe loader, whose
C parser still builds every value in Python, so reading 100,000 cases goes through
here; editing, and finding the line of a problem, go through yamlio.py's round trip.
The loader reads plain values as YAML 1.2 does, so a case reads the same either way.
"""

from __future__ import annotations

import re
from datetime import date
from functools import cache
from typing import Any

from reviewctl.adapters.yamlcheck import check_text, impossible_date, parser_error
from reviewctl.errors import InvalidDataError


@cache
def _fast_loader() -> Any:
    """PyYAML's safe loader, reading plain values as YAML 1.2 does (as ruamel does).

    YAML 1.1 would read `no` and `on` as booleans and `12:30` as a number, so a case
    would read differently here than in `show`; only true/false are booleans here.
    """
    import yaml

    base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    def construct_mapping(self: Any, node: Any, deep: bool = False) -> Any:
        # A repeated key is an error here as in ruamel, not "the last one wins".
        seen = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            try:
                repeated = key in seen
            except TypeError:  # a list or a mapping as a key: a message, not a crash
                raise yaml.constructor.ConstructorError(
                    None, None, "found a key that is a list or a mapping", key_node.start_mark) from None
            if repeated:
                raise yaml.constructor.ConstructorError(
                    None, None, f'found duplicate key "{key}"', key_node.start_mark)
            seen.add(key)
        return base.construct_mapping(self, node, deep)

    loader: Any = type("Yaml12Loader", (base,), {"construct_mapping": construct_mapping})
    dropped = {"tag:yaml.org,2002:bool", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float"}
    loader.yaml_implicit_resolvers = {
        first: [(tag, pattern) for tag, pattern in resolvers if tag not in dropped]
        for first, resolvers in base.yaml_implicit_resolvers.items()
    }
    loader.add_implicit_resolver(
        "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))
    loader.add_implicit_resolver(
        "tag:yaml.org,2002:int", re.compile(r"^[-+]?[0-9]+$"), list("-+0123456789"))
    loader.add_implicit_resolver(
        "tag:yaml.org,2002:float",
        re.compile(r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
                   r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"),
        list("-+0123456789."))
    return loader


class _Unusual(Exception):
    """A node the quick builder leaves to PyYAML's constructor: an explicit tag, a merge key, a
    key that is not plain text; the whole document is then read the usual way."""


@cache
def _builder() -> Any:
    """Plain values from libyaml's node tree, as `_fast_loader()` makes them, with none of
    PyYAML's constructor machinery (a generator and two bookkeeping tables per value): the
    usual case file, plain mappings, lists, text, dates and numbers, is built in one
    recursive pass, in under half the constructor's time.  Anything else raises _Unusual."""
    import yaml
    from yaml.nodes import MappingNode, ScalarNode, SequenceNode

    loader = _fast_loader()
    table: dict[str, list[tuple[str, Any]]] = loader.yaml_implicit_resolvers
    str_tag, map_tag, seq_tag = "tag:yaml.org,2002:str", "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"
    null, boolean, integer, stamp = ("tag:yaml.org,2002:null", "tag:yaml.org,2002:bool", "tag:yaml.org,2002:int",
                                     "tag:yaml.org,2002:timestamp")
    true = {"true", "True", "TRUE"}
    from_iso, new_node = date.fromisoformat, ScalarNode

    def plain(value: str, node: Any, constructor: Any) -> Any:
        # The loader's own resolvers, in its order (Resolver.resolve, for a plain scalar).
        tag = next((tag for tag, pattern in table.get(value[:1], ()) if pattern.match(value)), None)
        if tag is None:
            return value
        if tag == null:
            return None
        if tag == boolean:
            return value in true
        if tag == stamp and len(value) == 10:
            return from_iso(value)  # YYYY-MM-DD; a date that does not exist raises ValueError, as PyYAML does
        if tag == integer and (value[0] != "0" or value == "0") and value.isdigit():
            return int(value)
        make = constructor.yaml_constructors.get(tag)
        if make is None:  # a merge key's `<<` as a value, `=`: PyYAML's own message
            raise _Unusual
        return make(constructor, new_node(tag, value, node.start_mark))

    def build(node: Any, constructor: Any) -> Any:
        kind, tag = node.__class__, node.tag
        if kind is ScalarNode:
            if tag == "?":
                return plain(node.value, node, constructor)
            if tag == str_tag and node.style is not None:  # quoted, or a block of text
                return node.value
            raise _Unusual
        if kind is MappingNode and tag == map_tag:
            pairs = node.value
            keys = []
            for key_node, _ in pairs:
                if key_node.__class__ is not ScalarNode or key_node.tag != "?" or key_node.value == "<<":
                    raise _Unusual
                keys.append(plain(key_node.value, key_node, constructor))
            mapping = dict(zip(keys, [build(value, constructor) for _, value in pairs], strict=True)) \
                if len(set(keys)) == len(keys) else _duplicate(keys, pairs)
            return mapping
        if kind is SequenceNode and tag == seq_tag:
            return [build(item, constructor) for item in node.value]
        raise _Unusual

    def _duplicate(keys: list[Any], pairs: list[Any]) -> dict[Any, Any]:
        # A repeated key is an error here as in ruamel, not "the last one wins"; found before
        # the values are built, as the constructor finds it.
        seen: set[Any] = set()
        for key, (key_node, _) in zip(keys, pairs, strict=True):
            if key in seen:
                raise yaml.constructor.ConstructorError(None, None, f'found duplicate key "{key}"',
                                                        key_node.start_mark)
            seen.add(key)
        raise _Unusual  # not reached: some key was repeated

    class Composer(loader):  # type: ignore[misc,valid-type]
        def resolve(self, kind: Any, value: Any, implicit: Any) -> str:
            # A plain scalar is resolved by `plain` as it is built: here it is only marked.
            if kind is ScalarNode:
                return "?" if implicit[0] else str_tag
            return map_tag if kind is MappingNode else seq_tag

        def descend_resolver(self, *_: Any) -> None:  # no path resolvers: nothing to track
            pass

        def ascend_resolver(self, *_: Any) -> None:
            pass

    def load(text: str) -> Any:
        composer = Composer(text)
        try:
            node = composer.get_single_node()
            return None if node is None else build(node, composer)
        finally:
            composer.dispose()

    return load


def parse_fast(text: str, shown: str) -> Any:
    """Parse `text` into plain dicts and lists as fast as can be.  `shown` is the path used in error messages."""
    import yaml

    check_text(text, shown)
    try:
        try:
            return _builder()(text)
        except _Unusual:
            return yaml.load(text, Loader=_fast_loader())
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark is not None else None
        raise parser_error(shown, line, error.problem or error.context or "malformed YAML") from None
    except yaml.YAMLError:
        raise InvalidDataError("malformed YAML; fix the syntax", path=shown) from None
    except ValueError:
        raise impossible_date(text, shown) from None
