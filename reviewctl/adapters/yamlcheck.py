"""What every YAML text passes before a parser sees it, and the messages for what a parser refuses.

Both parsers (ruamel's round-trip and safe loaders in yamlio.py, PyYAML's fast loader
in yamlfast.py) read files a person or a merge may have broken, so the same checks
run first, whichever parser follows: no git conflict marker, nothing nested deeper
than reviewctl's files ever are, no anchor or alias.  What a parser then refuses is
turned into the same one-line message by both, naming the file, line and key.

`private=True` is for a file of identifiers (a case's confidential.yaml, the identifiers
being edited): its messages name the line and the kind of problem, never a key or a
value from the text, which may be a real name.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from reviewctl.errors import InvalidDataError

_CONFLICT = re.compile(r"^(<{7}|>{7}|\|{7})( |$)|^={7}$")


def check_text(text: str, shown: str, private: bool = False) -> None:
    """Refuse a conflict marker, a value nested too deep, or an anchor or alias; `shown` names the file."""
    _check_markers(text, shown)
    _check_depth(text, shown)
    _check_aliases(text, shown, private)


def conflict_marker_line(text: str) -> int | None:
    """The 1-based line of the first git conflict marker, if there is one."""
    if "<<<<<<<" not in text and ">>>>>>>" not in text and "|||||||" not in text and "=======" not in text:
        return None  # the usual answer, from four searches in C rather than a match per line
    for number, line in enumerate(text.splitlines(), start=1):
        if _CONFLICT.match(line):
            return number
    return None


def _check_markers(text: str, shown: str) -> None:
    line = conflict_marker_line(text)
    if line is not None:
        raise InvalidDataError("git conflict marker; resolve the merge in this file, then `git add` it",
                               path=shown, line=line)


# An anchor (`&name`) or alias (`*name`) where a value starts: after a space, a line
# start, or a flow bracket or comma.  Only text that matches is scanned for events, so a
# case without `&` or `*` pays for two substring searches and nothing more.
_MAYBE_ALIAS = re.compile(r"(?:^|[\s\[{,])[&*][^\s\[\]{},]")


def _check_aliases(text: str, shown: str, private: bool) -> None:
    """Refuse anchors and aliases before any loader expands them.

    reviewctl never writes them (see yamlio's round-trip instance), and an alias that
    refers to a list of aliases nine times over ("billion laughs") makes a tiny file
    grow into billions of values when a step walks or writes it.  Reading the events
    expands nothing.
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
                key = None if private else next((str(k[2]) for k in reversed(keys) if k[0] and k[2] is not None),
                                                None)
                raise InvalidDataError(
                    "YAML anchors and aliases (&name, *name) are not allowed; write the values out in full",
                    path=shown, line=event.start_mark.line + 1, key=key)
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


def _value_done(keys: list[list[Any]]) -> None:
    if keys and keys[-1][0]:
        keys[-1][1] = True


# reviewctl's files nest a few levels deep; a value nested thousands deep makes the
# parsers recurse until Python gives up (RecursionError) or libyaml overflows the C
# stack (a segmentation fault that would kill CI).
MAX_DEPTH = 64
_DEEP_INDENT = re.compile(rf"^[ \t]{{{MAX_DEPTH * 2},}}\S|(?:-[ \t]+){{{MAX_DEPTH},}}", re.MULTILINE)


def _too_deep(shown: str, line: int) -> InvalidDataError:
    return InvalidDataError(f"nested too deep (more than {MAX_DEPTH} levels); reviewctl's files are a few "
                            "levels deep: put the file back as reviewctl wrote it", path=shown, line=line)


def _check_depth(text: str, shown: str) -> None:
    """Refuse a value nested more than MAX_DEPTH deep, before any parser recurses into it."""
    # Either kind of depth needs MAX_DEPTH dashes or a long run of indentation: the usual
    # file has neither, and a count is quicker than the search.
    if text.count("-") < MAX_DEPTH and "\t" not in text and " " * (MAX_DEPTH * 2) not in text:
        deep = None
    else:
        deep = _DEEP_INDENT.search(text)
    if deep is not None:
        raise _too_deep(shown, text.count("\n", 0, deep.start()) + 1)
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
                raise _too_deep(shown, line)
        elif ch in "]}":
            depth = max(depth - 1, 0)


def parser_error(shown: str, line: int | None, problem: str, private: bool = False) -> InvalidDataError:
    """The message for what a parser refused at `line` (None: not known), in either parser's words."""
    # The parsers quote the values of duplicate keys; those may be personal data.
    duplicate = re.match(r'found duplicate key "([^"]*)"', problem)
    if duplicate:
        return InvalidDataError("the key appears twice; keep one of them", path=shown, line=line,
                                key=None if private else duplicate.group(1))
    problem = re.sub(r"\s*with value.*", "", problem)
    if private and not _data_free(problem):
        problem = "a key or value that cannot be read"
    return InvalidDataError(f"malformed YAML ({problem}); fix the syntax at this line", path=shown, line=line)


# What the parsers quote that is no one's data: one character (`found character '\t'`) or a
# token's name (`'<stream end>'`, `'<scalar>'`).  Anything longer may be a key or a value.
_QUOTED = re.compile(r"'((?:[^'\\]|\\.)*)'|\"((?:[^\"\\]|\\.)*)\"")
_TOKEN = re.compile(r"<[a-z ]+>|\\?.")


def _data_free(problem: str) -> bool:
    """Whether a parser's `problem` quotes nothing but single characters and token names."""
    unquoted = _QUOTED.sub("", problem)
    return ("'" not in unquoted and '"' not in unquoted
            and all(_TOKEN.fullmatch(single or double) for single, double in _QUOTED.findall(problem)))


_DATE = re.compile(r"(?<![\w.-])(\d{4})-(\d{1,2})-(\d{1,2})(?![\w.-])")


def impossible_date(text: str, shown: str, private: bool = False) -> InvalidDataError:
    """The message for a date that does not exist (2026-02-30): both parsers raise a bare ValueError."""
    for number, line in enumerate(text.splitlines(), start=1):
        for match in _DATE.finditer(line):
            try:
                date(*(int(g) for g in match.groups()))
            except ValueError:
                # In a file of identifiers the date may be someone's date of birth, mistyped.
                said = "a date here" if private else match.group(0)
                return InvalidDataError(f"{said} is not a real date; write a date that exists, as YYYY-MM-DD",
                                        path=shown, line=number)
    return InvalidDataError("a value cannot be read; check the dates", path=shown)
