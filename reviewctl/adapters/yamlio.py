"""The YAML files of a store, read and written: the only user of ruamel.yaml.

Edits go through one round-trip instance, which changes the loaded map in place so
that the comments and key order people wrote survive; `dump` writes with the same
instance.  `parse_safe` reads plain data with ruamel's safe loader; bulk reads go
through PyYAML in yamlfast.py (`parse_fast`, importable from here too).  Every text
passes yamlcheck.py's checks before any parser sees it.
"""

from __future__ import annotations

import io
import os
from collections.abc import Callable, Sequence
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:  # ruamel loads only when a command edits or checks a file closely
    from ruamel.yaml import YAML
    from ruamel.yaml.comments import CommentedMap, CommentedSeq
    from ruamel.yaml.error import YAMLError

from reviewctl.adapters.yamlcheck import check_text, conflict_marker_line, impossible_date, parser_error
from reviewctl.adapters.yamlfast import parse_fast
from reviewctl.errors import InvalidDataError

__all__ = ["SettingsCache", "conflict_marker_line", "dump", "has_lines", "line_of", "new_map", "new_seq", "parse_fast",
           "parse_roundtrip", "parse_safe", "read_checked", "read_roundtrip", "read_text"]

T = TypeVar("T")
P = TypeVar("P")  # what a check reports a problem as


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


def _yaml_error(error: YAMLError, text: str, shown: str, private: bool) -> InvalidDataError:
    from ruamel.yaml.error import MarkedYAMLError

    line = None
    problem = str(error).splitlines()[0] if str(error) else "malformed YAML"
    position = getattr(error, "position", None)  # the reader's refusal of a character
    if isinstance(position, int):
        line = text.count("\n", 0, position) + 1
    if isinstance(error, MarkedYAMLError):
        mark = error.problem_mark or error.context_mark
        if mark is not None:
            line = mark.line + 1
        problem = error.problem or error.context or problem
    return parser_error(shown, line, problem, private)


def _load(yaml: YAML, text: str, shown: str, private: bool = False) -> Any:
    from ruamel.yaml.error import YAMLError

    check_text(text, shown, private)
    try:
        return yaml.load(text)
    except YAMLError as error:
        raise _yaml_error(error, text, shown, private) from None
    except ValueError:
        raise impossible_date(text, shown, private) from None


def parse_roundtrip(text: str, shown: str, private: bool = False) -> Any:
    """Parse `text` for editing.  `shown` is the path used in error messages; `private`: the
    text holds identifiers, so a message names the line and the kind of problem, never the text."""
    if private:  # identifiers are not kept, not even in memory
        return _load(_roundtrip(), text, shown, private)
    return _ROUNDTRIP.parse(text, shown)


class _Parsed:
    """Round-trip parses kept for the rest of the process, by a hash of the whole text, each
    given out as a fresh copy (unpickled: a tenth of a millisecond, where ruamel's parse of
    a case file takes ten).  A process that runs many commands (the test suite, `serve`, a
    script over the API) reads the same texts again and again; one command reads the store's
    recipients several times.  A text is parsed and checked as ever the first time, so its
    errors are as they were; a tree holding a value that a copy might not keep exactly as
    parsed (a timestamp's spelling, a tag) is never kept."""

    LIMIT = 256  # texts: a few cases' files, many times over

    def __init__(self) -> None:
        self.kept: dict[bytes, bytes] = {}

    def parse(self, text: str, shown: str) -> Any:
        import hashlib
        import pickle

        key = hashlib.blake2b(text.encode("utf-8"), digest_size=20).digest()
        found = self.kept.get(key)
        if found is not None:
            return pickle.loads(found)  # our own bytes, from this process's memory
        data = _load(_roundtrip(), text, shown)
        if _plain_tree(data):
            if len(self.kept) >= self.LIMIT:
                self.kept.clear()  # at once: `serve`'s threads share it, and each step is one dict operation
            self.kept[key] = pickle.dumps(data, protocol=pickle.HIGHEST_PROTOCOL)
        return data


_ROUNDTRIP = _Parsed()


def _plain_tree(data: Any) -> bool:
    """Whether every node is a map, a list, text, a number, a boolean, a date or null: what a
    copy keeps exactly (the tests hold that it writes back byte for byte)."""
    from datetime import date
    from datetime import datetime as moment

    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    todo = [data]
    while todo:
        node = todo.pop()
        if type(node) is CommentedMap:
            todo.extend(node.values())
            todo.extend(node.keys())
        elif type(node) is CommentedSeq:
            todo.extend(node)
        elif node is not None and not isinstance(node, (str, int, float)) and not (
                isinstance(node, date) and not isinstance(node, moment)):
            return False
    return True


def parse_safe(text: str, shown: str) -> Any:
    """Parse `text` into plain dicts and lists, for checking without editing."""
    return _load(_safe(), text, shown)


class SettingsCache:
    """The settings files' texts as parsed, by a hash of their whole text, so an entry cannot go
    stale: in memory for a store that runs many commands (the test suite, `serve`, a script over
    the API), and in a file under its .git for the next command, which then need not load PyYAML
    at all. Kept pickled, so each reader gets a fresh copy it may change.  One per store (the
    store owns it): two stores in one process never read or write each other's."""

    MAX = 8

    def __init__(self) -> None:
        self._parsed: dict[str, bytes] = {}
        self._file: Path | None = None
        self._tag = ""

    def use_file(self, path: Path | None, tag: str) -> None:
        """Keep the settings files as parsed in `path` (under .git); `tag` names the reviewctl
        version, so an upgrade starts afresh.  A damaged file is only slower: it is rewritten."""
        self._file, self._tag = path, f"settings/{tag}"
        if path is None or not path.is_file():
            return
        import pickle

        try:
            data = pickle.loads(path.read_bytes())  # a file of our own under .git, as git's hooks are
            if data.get("tag") == self._tag:
                self._parsed.update((k, v) for k, v in data["parsed"].items()
                                    if isinstance(k, str) and isinstance(v, bytes))
        except Exception:  # noqa: BLE001 - a damaged cache is rebuilt
            pass

    def parsed(self, text: str, shown: str) -> Any:
        import hashlib
        import pickle

        key = hashlib.blake2b(text.encode("utf-8"), digest_size=20).hexdigest()
        kept = self._parsed.get(key)
        if kept is not None:
            return pickle.loads(kept)
        data = parse_fast(text, shown)
        if len(self._parsed) >= self.MAX:
            self._parsed.clear()
        self._parsed[key] = pickle.dumps(data)
        if self._file is not None:
            tmp = self._file.with_name(f".{self._file.name}.{os.getpid()}.tmp")
            try:
                tmp.write_bytes(pickle.dumps({"tag": self._tag, "parsed": self._parsed}))
                os.replace(tmp, self._file)
            except OSError:  # a cache that cannot be written is only slower
                tmp.unlink(missing_ok=True)
        return data


def read_checked(path: Path, shown: str, check: Callable[[Any], tuple[T | None, list[P]]],
                 cache: SettingsCache | None = None) -> tuple[T | None, list[P]]:
    """Parse fast (through the store's `cache`) and check; only if there are problems, parse
    again to learn their lines.

    For the settings files (reviewctl.yaml, the workflow), read once per command."""
    text = read_text(path, shown)
    result, problems = check(cache.parsed(text, shown) if cache is not None else parse_fast(text, shown))
    if problems:
        result, problems = check(parse_roundtrip(text, shown))
    return result, problems


def read_roundtrip(path: Path, shown: str) -> Any:
    return parse_roundtrip(read_text(path, shown), shown)


def read_text(path: Path, shown: str) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise InvalidDataError(f"not UTF-8 text ({error.reason}); save it as UTF-8", path=shown) from None


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


def has_lines(data: Any) -> bool:
    """Whether `data` was parsed round-trip and so knows the line of each key (`line_of`)."""
    return getattr(data, "lc", None) is not None


def line_of(data: Any, loc: Sequence[str | int]) -> int | None:
    """The 1-based line of the node at `loc` in round-trip data, as near as known."""
    if getattr(data, "lc", None) is None:
        return None  # plain data from a fast loader has no lines
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    line: int | None = None
    node = data
    for part in loc:
        lc = getattr(node, "lc", None)
        if isinstance(node, CommentedMap) and isinstance(part, str) and part not in node:
            # A key that is not text (a tagged or a list key): pydantic names it by its repr().
            part = next((k for k in node if part in (str(k), repr(k))), part)
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
