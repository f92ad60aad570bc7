"""The command line's words as a browser shows them.

An option's help is written for the shell ("When it happened, day first (2/11/2026, ...);
default today.", "(repeat)"): beside a date picker, or a field that already has several
entries, that is noise, so a form's label leaves it out (the shell's help keeps it).  A hint that names a command
(`reviewctl scope ID --notified DATE`) or an option (`--summary TEXT`) that a field of the same
page records becomes a link to that field; any other is shown as code, never with its backticks.

A label is for a business manager, not for the shell (`plain_label`): it is the option's help
with the shell's words taken out or put in words: another option (`default --date`, `with
--conduct`) is named by its field's label, a git word ("not in the commit") is left out, the
review types are written as people write them (LCSPR, SAR, DHR), and a field for the other
types says which types it is for.  The few options whose help is nothing but shell (PLAIN)
have words of their own; those a step seldom needs (MORE) are folded under "More options".
"""

from __future__ import annotations

import itertools
import re
import shlex

from reviewctl.cli.helptext import EXAMPLES
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


# Options whose help cannot be made plain by taking its shell words out: what they do is itself
# an idea of git or of the command line (a branch for a pull request; a pattern `KIND[:WHERE]`
# naming an option), so their labels are words of their own, for every command that has them.
# tests/test_serve_forms.py checks that each is still an option of a step command.
PLAIN: dict[str, str] = {
    "--propose": "Propose it for a colleague to check first: it is kept aside (on a branch of its own) and "
                 "counts once that is merged into the store.",
    "--allow": "Allow text that looks like a real identifier, on purpose (an agency's own phone number or "
               "address): its kind, nhs, postcode, address, dob, phone, email or title.",
    "--allow-reason": "Why that text is meant: kept in the case history with its kind, never the text itself.",
}
# Options a step seldom needs, folded under "More options" in each form ("*": every step's):
# the identifier override and a proposal above, and values that override what the step works
# out by itself (the meeting on the day of the step, the current version, the report's own
# recommendations, the actions typed in the form).  Checked by tests/test_serve_forms.py as well.
MORE: set[tuple[str, str]] = {
    ("*", "--allow"), ("*", "--allow-reason"), ("*", "--propose"),
    ("decide", "--meeting-date"), ("publish", "--notified-on"), ("approve", "--version"),
    ("report", "--recommendations"), ("jcrg", "--actions"), ("scope", "--panel-agrees"),
}
_COMMIT = re.compile(r"[;,]? *\(?(?:not|never) in the commit\)?")  # git's word: where the note is not kept
_WITH = re.compile(r"\s*\((?:each )?with --[^)]*\)")  # "(with --reason)": the fields are on the form
# "(--file --revision --reason)", "(--date: when it happened)": which options, for the shell
_OPTIONS_ONLY = re.compile(r"\s*\((?:--[a-z][a-z0-9-]*[ ,]*)+(?::[^)]*)?\)")
_TYPES = re.compile(r"^([a-z]+(?:/[a-z]+)*)(?:, with --[a-z-]+)?: ")  # "lcspr: ", "sar, with --conduct: "
_OPTION = re.compile(r"--[a-z][a-z0-9-]*")
_CLAUSE = re.compile(r"[;:.]")


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


def example(path: tuple[str, ...], f: Field) -> str:
    """The value the command's own --help example gives option `f` (`Panel 1=1/12/2026`), or ""."""
    for line in EXAMPLES.get(" ".join(path), []):
        words = shlex.split(line)
        found = [b for a, b in itertools.pairwise(words) if a == f.flag]
        if f.flag and found:
            return found[0]
    return ""


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


def _in_sentence(label: str) -> str:
    """A label inside a sentence: its first letter small, unless the word is an acronym (JCRG)."""
    return label[:1].lower() + label[1:] if label[1:2].islower() else label


def pieces(text: str, step: str, targets: dict[tuple[str, str], tuple[str, str]]) -> list[Piece]:
    """`text` in pieces for a page: plain text, code, and links to the fields of this page
    (`targets`: (step, option) -> (the field's id, its label)) that a mention names."""
    found: list[Piece] = []
    at = 0
    for match in _MENTION.finditer(text):
        found.append({"kind": "text", "text": text[at:match.start()], "href": ""})
        mention = match.group(1) if match.group(1) is not None else match.group(2)
        wanted = _target(mention, step, match.group(1) is not None)
        # An option of another form of the page ("settle the review type with --type") links to it there.
        target = targets.get(wanted) or next((v for (_, flag), v in targets.items()
                                              if match.group(1) is None and flag == wanted[1] and flag), None)
        if target is not None:
            found.append({"kind": "link", "text": _in_sentence(_FOR_TYPES.sub("", target[1]).rstrip(". ")),
                          "href": f"#{target[0]}"})
        else:
            found.append({"kind": "code", "text": mention, "href": ""})
        at = match.end()
    found.append({"kind": "text", "text": text[at:], "href": ""})
    return [p for p in found if p["text"]]


def for_types(f: Field, types: set[str]) -> tuple[str, ...]:
    """The review types a field is for, where its help says so ("lcspr: date the Panel was notified")."""
    found = _TYPES.match(f.label)
    parts = tuple(found.group(1).split("/")) if found else ()
    return parts if parts and set(parts) <= types else ()


def short_words(f: Field, shown: str | None = None) -> str:
    """What names field `f` inside another label: its label's first clause ("Why (required)")."""
    text = _OPTION.sub("", _COMMIT.sub("", _WITH.sub("", shown if shown is not None else f.label)))
    text = _TYPES.sub("", text)
    first = _CLAUSE.split(text, 1)[0].strip() or text.strip()
    return first[:1].upper() + first[1:]


def plain_label(f: Field, listed: bool, case_type: str | None, types: set[str],
                named: dict[str, str]) -> str:
    """The field's label in a manager's words (see above): `case_type` the case's (None on the
    referral form), `types` the store's review types, `named` the short words of each option of
    the form by its flag, for a label that names another."""
    if f.flag in PLAIN:
        return PLAIN[f.flag]
    label = _WITH.sub("", _COMMIT.sub("", browser_label(f, listed)))
    label = label.replace("default --date", "if empty, the same as “When it happened”")
    found = for_types(f, types)
    if found:
        label = _TYPES.sub("", label)
        if case_type not in found:
            label = f"{' and '.join(t.upper() for t in found)} only: {label}"
    label = _OPTION.sub(lambda m: f"“{named[m.group(0)]}”" if m.group(0) in named else
                        m.group(0).lstrip("-").replace("-", " "), label)
    label = plain_text(re.sub(r"\bDATE\b", "a date", label), types)
    label = re.sub(r"\s+([.;,])", r"\1", label).strip()
    return label[:1].upper() + label[1:]


def plain_text(text: str, types: set[str]) -> str:
    """A review type's code written as people write it: LCSPR, SAR, DHR ("sar/dhr" is "SAR/DHR")."""
    codes = sorted((t for t in types if t != "unknown"), key=len, reverse=True)
    return re.sub(r"(?<![\w-])(" + "|".join(map(re.escape, codes)) + r")(?![\w-])",
                  lambda m: m.group(1).upper(), text) if codes else text


def seldom(path: tuple[str, ...], f: Field, case_type: str | None, types: set[str]) -> bool:
    """Whether the field goes under "More options": MORE's, or one for review types other than the case's."""
    if ("*", f.flag) in MORE or (" ".join(path), f.flag) in MORE:
        return True
    found = for_types(f, types)
    return bool(found) and case_type not in (None, "unknown") and case_type in types and case_type not in found


def form_help(text: str) -> str:
    """A step's summary without the lists of options it names in brackets ("(--file --revision --reason)")."""
    return re.sub(r"\s+([.;,])", r"\1", _OPTIONS_ONLY.sub("", text))
