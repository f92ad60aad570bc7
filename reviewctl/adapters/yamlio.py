"""The only user of ruamel.yaml.

Edits go through one round-trip instance, which changes the loaded map in place so
that the comments and key order people wrote survive.  Bulk reads use the safe loader,
which is C-backed when ruamel.yaml.clib is installed.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Sequence
from datetime import date
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:  # ruamel loads only when a command edits or checks a file closely
    from ruamel.yaml import YAML
    from ruamel.yaml.comments import CommentedMap, CommentedSeq
    from ruamel.yaml.error import YAMLError

from reviewctl.errors import InvalidDataError, located

T = TypeVar("T")
_CONFLICT = re.compile(r"^(<{7}|>{7}|\|{7})( |$)|^={7}$")


@cache
def _roundtrip() -> YAML:
    from ruamel.yaml import YAML

    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    # No folding of long text: folded lines end in a space that `git diff --check` flags.
    yaml.width = 4096
    yaml.indent(mapping=2, sequence=4, offset=2)
    # One date object can sit in two places (a step's date and the triage date); write
    # it twice rather than as an anchor and alias that people would not understand.
    yaml.representer.ignore_aliases = lambda data: True
    return yaml


@cache
def _safe() -> YAML:
    from ruamel.yaml import YAML

    return YAML(typ="safe")


def conflict_marker_line(text: str) -> int | None:
    """The 1-based line of the first git conflict marker, if there is one."""
    for number, line in enumerate(text.splitlines(), start=1):
        if _CONFLICT.match(line):
            return number
    return None


def _check_markers(text: str, shown: str) -> None:
    line = conflict_marker_line(text)
    if line is not None:
        raise InvalidDataError(
            located(
                shown,
                line,
                None,
                "git conflict marker; resolve the merge in this file, then `git add` it",
            )
        )


# An anchor (`&name`) or alias (`*name`) where a value starts: after a space, a line
# start, or a flow bracket or comma.  Only text that matches is scanned for events, so a
# case without `&` or `*` pays for two substring searches and nothing more.
_MAYBE_ALIAS = re.compile(r"(?:^|[\s\[{,])[&*][^\s\[\]{},]")


def _check_aliases(text: str, shown: str) -> None:
    """Refuse anchors and aliases before any loader expands them.

    reviewctl never writes them (see `_roundtrip`), and an alias that refers to a list of
    aliases nine times over ("billion laughs") makes a tiny file grow into billions of
    values when a step walks or writes it.  Reading the events expands nothing.
    """
    if ("&" not in text and "*" not in text) or not _MAYBE_ALIAS.search(text):
        return
    import yaml

    parser = getattr(yaml, "CSafeLoader", yaml.SafeLoader)(text)
    keys: list[list[Any]] = []  # per open collection: [is_mapping, expecting_key, last key]
    try:
        while parser.check_event():
            event = parser.get_event()
            if isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                keys.pop()
                _value_done(keys)
                continue
            if not isinstance(event, yaml.NodeEvent):
                continue
            if isinstance(event, yaml.AliasEvent) or event.anchor is not None:
                key = next((str(k[2]) for k in reversed(keys) if k[0] and k[2] is not None), None)
                raise InvalidDataError(located(
                    shown, event.start_mark.line + 1, key,
                    "YAML anchors and aliases (&name, *name) are not allowed; write the values out in full"))
            if isinstance(event, yaml.MappingStartEvent):
                keys.append([True, True, None])
            elif isinstance(event, yaml.SequenceStartEvent):
                keys.append([False, False, None])
            elif keys and keys[-1][0] and keys[-1][1]:
                keys[-1][1:] = [False, event.value]
            else:
                _value_done(keys)
    except yaml.YAMLError:
        return  # malformed: the loader reports it, with its line, before it builds anything
    finally:
        parser.dispose()


# reviewctl's files nest a few levels deep; a value nested thousands deep makes the
# parsers recurse until Python gives up (RecursionError) or libyaml overflows the C
# stack (a segmentation fault that would kill CI).
MAX_DEPTH = 64
_DEEP_INDENT = re.compile(rf"^[ \t]{{{MAX_DEPTH * 2},}}\S|(?:-[ \t]+){{{MAX_DEPTH},}}", re.MULTILINE)


def _check_depth(text: str, shown: str) -> None:
    """Refuse a value nested more than MAX_DEPTH deep, before any parser recurses into it."""
    deep = _DEEP_INDENT.search(text)
    if deep is not None:
        raise InvalidDataError(located(shown, text.count("\n", 0, deep.start()) + 1, None,
                                       f"nested too deep (more than {MAX_DEPTH} levels); reviewctl's files are "
                                       "a few levels deep: put the file back as reviewctl wrote it"))
    if text.count("[") + text.count("{") <= MAX_DEPTH:
        return  # cannot open that many: the usual case costs two counts
    depth, quote, line = 0, "", 1
    for index, ch in enumerate(text):
        if ch == "\n":
            line += 1
        if quote:
            if ch == quote and (quote == "'" or text[index - 1] != "\\"):
                quote = ""
        elif ch in "'\"" and (index == 0 or text[index - 1] in " \t\n[{,:"):
            quote = ch
        elif ch in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                raise InvalidDataError(located(shown, line, None,
                                               f"nested too deep (more than {MAX_DEPTH} levels); reviewctl's "
                                               "files are a few levels deep: put the file back as reviewctl "
                                               "wrote it"))
        elif ch in "]}":
            depth = max(depth - 1, 0)


def _value_done(keys: list[list[Any]]) -> None:
    if keys and keys[-1][0]:
        keys[-1][1] = True


def _yaml_error(error: YAMLError, shown: str) -> InvalidDataError:
    from ruamel.yaml.error import MarkedYAMLError

    line = None
    problem = str(error).splitlines()[0] if str(error) else "malformed YAML"
    if isinstance(error, MarkedYAMLError):
        mark = error.problem_mark or error.context_mark
        if mark is not None:
            line = mark.line + 1
        problem = error.problem or error.context or problem
    # ruamel quotes the values of duplicate keys; those may be personal data.
    duplicate = re.match(r'found duplicate key "([^"]*)"', problem)
    if duplicate:
        return InvalidDataError(located(shown, line, duplicate.group(1),
                                        "the key appears twice; keep one of them"))
    problem = re.sub(r"\s*with value.*", "", problem)
    return InvalidDataError(
        located(shown, line, None, f"malformed YAML ({problem}); fix the syntax at this line")
    )


_DATE = re.compile(r"(?<![\w.-])(\d{4})-(\d{1,2})-(\d{1,2})(?![\w.-])")


def _impossible_date(text: str, shown: str) -> InvalidDataError:
    # ruamel raises a bare ValueError for a date such as 2026-02-30: find it ourselves.
    for number, line in enumerate(text.splitlines(), start=1):
        for match in _DATE.finditer(line):
            try:
                date(*(int(g) for g in match.groups()))
            except ValueError:
                return InvalidDataError(located(shown, number, None, f"{match.group(0)} is not a "
                                                "real date; write a date that exists, as YYYY-MM-DD"))
    return InvalidDataError(located(shown, None, None, "a value cannot be read; check the dates"))


def _load(yaml: YAML, text: str, shown: str) -> Any:
    from ruamel.yaml.error import YAMLError

    _check_markers(text, shown)
    _check_depth(text, shown)
    _check_aliases(text, shown)
    try:
        return yaml.load(text)
    except YAMLError as error:
        raise _yaml_error(error, shown) from None
    except ValueError:
        raise _impossible_date(text, shown) from None


def parse_roundtrip(text: str, shown: str) -> Any:
    """Parse `text` for editing.  `shown` is the path used in error messages."""
    return _load(_roundtrip(), text, shown)


def parse_safe(text: str, shown: str) -> Any:
    """Parse `text` into plain dicts and lists, for checking without editing."""
    return _load(_safe(), text, shown)


_FAST: Any = None


def _fast_loader() -> Any:
    """PyYAML's safe loader, reading plain values as YAML 1.2 does (as ruamel does).

    YAML 1.1 would read `no` and `on` as booleans and `12:30` as a number, so a case
    would read differently here than in `show`; only true/false are booleans here.
    """
    global _FAST
    if _FAST is None:
        import yaml

        base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        def construct_mapping(self: Any, node: Any, deep: bool = False) -> Any:
            # A repeated key is an error here as in ruamel, not "the last one wins".
            seen = set()
            for key_node, _ in node.value:
                key = self.construct_object(key_node, deep=deep)
                if key in seen:
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
        _FAST = loader
    return _FAST


def read_checked(path: Path, shown: str,
                 check: Callable[[Any], tuple[T | None, list[str]]]) -> tuple[T | None, list[str]]:
    """Parse fast and check; only if there are problems, parse again to learn their lines."""
    text = read_text(path, shown)
    result, problems = check(parse_fast(text, shown))
    if problems:
        result, problems = check(parse_roundtrip(text, shown))
    return result, problems


def parse_fast(text: str, shown: str) -> Any:
    """Parse `text` into plain dicts and lists as fast as can be, for bulk reports.

    PyYAML's loader on libyaml is about three times as fast as ruamel's safe loader,
    whose C parser still builds every value in Python.
    """
    import yaml

    _check_markers(text, shown)
    _check_depth(text, shown)
    _check_aliases(text, shown)
    try:
        return yaml.load(text, Loader=_fast_loader())
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark is not None else None
        problem = error.problem or error.context or "malformed YAML"
        duplicate = re.match(r'found duplicate key "([^"]*)"', problem)
        if duplicate:
            raise InvalidDataError(located(shown, line, duplicate.group(1),
                                           "the key appears twice; keep one of them")) from None
        raise InvalidDataError(
            located(shown, line, None, f"malformed YAML ({problem}); fix the syntax at this line")) from None
    except yaml.YAMLError:
        raise InvalidDataError(located(shown, None, None, "malformed YAML; fix the syntax")) from None
    except ValueError:
        raise _impossible_date(text, shown) from None


def read_roundtrip(path: Path, shown: str) -> Any:
    return parse_roundtrip(read_text(path, shown), shown)


def read_text(path: Path, shown: str) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise InvalidDataError(
            located(shown, None, None, f"not UTF-8 text ({error.reason}); save it as UTF-8")
        ) from None


def dump(data: Any) -> str:
    stream = io.StringIO()
    _roundtrip().dump(data, stream)
    return stream.getvalue()


def new_map(pairs: dict[str, Any] | None = None, one_line: bool = False) -> CommentedMap:
    """A mapping to add to a loaded document; `one_line` writes it as `{key: value, ...}`."""
    from ruamel.yaml.comments import CommentedMap

    result = CommentedMap()
    for key, value in (pairs or {}).items():
        result[key] = value
    if one_line:
        result.fa.set_flow_style()
    return result


def new_seq(items: Sequence[Any] = ()) -> CommentedSeq:
    from ruamel.yaml.comments import CommentedSeq

    return CommentedSeq(items)


def line_of(data: Any, loc: Sequence[str | int]) -> int | None:
    """The 1-based line of the node at `loc` in round-trip data, as near as known."""
    if getattr(data, "lc", None) is None:
        return None  # plain data from a fast loader has no lines
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    line: int | None = None
    node = data
    for part in loc:
        lc = getattr(node, "lc", None)
        try:
            if isinstance(node, CommentedMap) and part in node:
                if lc is not None:
                    line = lc.key(part)[0] + 1
                node = node[part]
            elif isinstance(node, CommentedSeq) and isinstance(part, int) and part < len(node):
                if lc is not None:
                    line = lc.item(part)[0] + 1
                node = node[part]
            else:
                break
        except (KeyError, IndexError, TypeError):
            break
    if line is None and getattr(data, "lc", None) is not None and data.lc.line is not None:
        line = data.lc.line + 1  # a map made in memory (an empty file) has no line
    return line
