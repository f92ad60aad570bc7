"""The command line's words as a browser shows them.

An option's help is written for the shell ("When it happened, day first (2/11/2026, ...);
default today.", "(repeat)"): beside a date picker, or a field that already has several
entries, that is noise, so a form's label leaves it out (the shell's help keeps it).  A hint that names a command
(`reviewctl scope ID --notified DATE`) or an option (`--summary TEXT`) that a field of the same
page records becomes a link to that field; any other is shown as code, never with its backticks.
"""

from __future__ import annotations

import re

from reviewctl.web.forms import Field

Piece = dict[str, str]  # {"text": ..., "kind": "text" | "code" | "link", "href": ...}

_SHELL_ONLY = [
    (re.compile(r"\s*\((?:YYYY-MM-DD|DD/MM/YYYY)\)"), ""),  # a date picker shows its own format
    (re.compile(r"\s*\(repeat(?: for (?:each|others))?\)"), ""),  # the field has several entries
    (re.compile(r"[;,] repeat(?: for (?:each|others))?(?=\))"), ""),
    (re.compile(r"\(repeat(?: for (?:each|others))?; "), "("),
    (re.compile(r"\(repeat, "), "("),
]
# How to type a date at the shell ("When it happened, day first (2/11/2026, 2 Nov 2026 or
# 2026-11-02); default today."): a date picker is not typed into, and shows the browser's own order.
_TYPED_DATE = re.compile(r",? day first \([^)]*\)")
# The values of a choice, listed in its help ("The review type: lcspr, sar, dhr or unknown."):
# the list beside it shows them, in words.
_VALUES = re.compile(r": [\w-]+(?:, [\w-]+)* or [\w-]+")
# The types a field is for, before its label ("lcspr: date the National Panel was notified"):
# a link to it from a hint of this case needs only the rest.
_FOR_TYPES = re.compile(r"^[a-z]+(?:/[a-z]+)*: ")
# `a command` in backticks, or an option with what follows it (`--partner PARTNER=NAME; ROLE`).
_MENTION = re.compile(r"`([^`]+)`|(--[a-z][a-z0-9-]*(?: [A-Z][A-Z0-9_=;]*)*)")


def browser_label(f: Field, listed: bool = False) -> str:
    """The field's label without what only the shell needs (`listed`: its values are a list of choices)."""
    label = f.label
    extra = [(_VALUES, "")] if listed else []
    extra += [(_TYPED_DATE, "")] if f.kind == "date" else []
    for pattern, replacement in [*_SHELL_ONLY, *extra]:
        label = pattern.sub(replacement, label)
    return label.strip()


def format_hint(f: Field) -> str:
    """How to write a value that has parts (`PARTNER=NAME; ROLE`), as the shell's help says; else ""."""
    return f.metavar if "=" in f.metavar else ""


def error_names(error: str, f: Field) -> bool:
    """Whether the error line names field `f`: its option (`--reason`) or its argument (`NAME`)."""
    word = f.flag or f.metavar
    if not word:
        return False
    flags = [word] if f.flag else [word, f.name.upper()]
    if f.kind == "pair":
        flags = [f"--{v}" for v in f.values]
    return any(re.search(rf"(?<![\w-]){re.escape(w)}(?![\w-])", error) for w in flags)


def _target(mention: str, step: str, shell: bool) -> tuple[str, str]:
    """The (step, option) a mention stands for: `reviewctl chronology request ID --agency X`
    is ("chronology-request", "--agency"); `--summary TEXT` in a hint of step S is (S, "--summary")."""
    words = mention.split()
    flag = next((w for w in words if w.startswith("--")), "")
    if not shell:
        return step, flag
    if not words or words[0] != "reviewctl":
        return "", ""
    path = []
    for word in words[1:]:
        if not re.fullmatch(r"[a-z][a-z-]*", word):
            break
        path.append(word)
    return "-".join(path), flag


def pieces(text: str, step: str, targets: dict[tuple[str, str], tuple[str, str]]) -> list[Piece]:
    """`text` in pieces for a page: plain text, code, and links to the fields of this page
    (`targets`: (step, option) -> (the field's id, its label)) that a mention names."""
    found: list[Piece] = []
    at = 0
    for match in _MENTION.finditer(text):
        found.append({"kind": "text", "text": text[at:match.start()], "href": ""})
        mention = match.group(1) if match.group(1) is not None else match.group(2)
        target = targets.get(_target(mention, step, match.group(1) is not None))
        if target is not None:
            found.append({"kind": "link", "text": _FOR_TYPES.sub("", target[1]).rstrip(". "), "href": f"#{target[0]}"})
        else:
            found.append({"kind": "code", "text": mention, "href": ""})
        at = match.end()
    found.append({"kind": "text", "text": text[at:], "href": ""})
    return [p for p in found if p["text"]]
