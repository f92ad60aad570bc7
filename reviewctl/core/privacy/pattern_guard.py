"""The pattern guard: identifiers nobody listed (patterns.py), refused where a step writes
them and where a case is published, with no list and no key.

It runs on what every step adds (its free-text options, the files it takes in, the
documents it renders; entryguard.added_texts), on every publishable file of a case at
`publish`, `redaction-check` and `validate`, and on each row an import brings in. A
finding names the option (or the file and line) and the kind, never the value.

A deliberate use is allowed with `--allow KIND` (anywhere in what the step writes) or
`--allow KIND:WHERE` (one option, `--summary`, or one file, by its path in the case
folder), and `--allow-reason WHY`. What was allowed (kind, where, why; never the value)
is kept in the case's history entry of the step (or its notes, for a step that does not
move the case); an allowance that allows nothing is refused, so that the history never
says something was allowed that was not there. `validate` and `redaction-check` honour
what `publish` allowed.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from reviewctl.adapters import yamlio
from reviewctl.core.case.models import Case
from reviewctl.core.case.problems import Problem
from reviewctl.core.case.review_records import Notes
from reviewctl.core.privacy import folding, patterns
from reviewctl.core.privacy.entry_guard import added_texts
from reviewctl.core.privacy.extract import Extracted, extract, uncheckable_parts
from reviewctl.core.privacy.published_files import Findings, has_bidi, masked, own_lines, publishable, withheld_label
from reviewctl.core.store.step import Allowance
from reviewctl.core.workflow.acts import Act
from reviewctl.errors import RefusedError, UsageError

if TYPE_CHECKING:
    from reviewctl.core.store.folder import Store
    from reviewctl.core.store.step import Edit, StepOptions

ALLOWED_KEY = "allowed"  # in a history (or notes) entry: what the step's --allow let through
# What an error names back of --allow KIND:WHERE: an option's name or a file's path, never other text.
_PLACE = re.compile(r"--[a-z][a-z0-9-]*|[\w.-]+(?:/[\w.-]+)*\.[A-Za-z0-9]{1,8}|[\w.-]+/[\w./-]*")
_REASON = "--allow-reason"
_FIX = "write it without them (a pseudonym, a role, the town or agency), or if it is meant, say so{when}: "


def parse_allowances(values: Iterable[str], reason: str | None) -> tuple[Allowance, ...]:
    """`--allow KIND[:WHERE]` (repeatable) and `--allow-reason`, checked before anything is read."""
    allowed = []
    for value in values:
        kind, _, where = value.strip().partition(":")
        kind = kind.strip().lower()
        if kind not in patterns.KINDS:
            shown = f" {value!r}" if value.strip().lower() == kind and kind.isalpha() and len(kind) <= 12 else ""
            raise UsageError(f"--allow{shown}: not a kind of identifier pattern (the value given is not repeated "
                             "unless it is one word: it may be text meant for --allow-reason); give one of "
                             f"{', '.join(patterns.KINDS)}, optionally with :WHERE (an option or a file)")
        where = where.strip().removeprefix("./")
        if ":" in value and not where:
            raise UsageError(f"--allow {value!r}: say where after the colon (an option such as --summary, "
                             "or a file of the case), or leave the colon out")
        allowed.append(Allowance(kind, where or None))
    if allowed and not (reason or "").strip():
        raise UsageError("--allow needs --allow-reason WHY: the reason is kept in the case's history")
    if not allowed and reason is not None:
        raise UsageError("--allow-reason goes with --allow KIND; nothing was allowed")
    return tuple(dict.fromkeys(allowed))


@dataclass
class Hit:
    shown: str  # as a message names it: `--summary`, `cases/ID/report-v1.md:3`
    where: str  # as --allow names it: `--summary`, `report-v1.md`
    kinds: set[str] = field(default_factory=set)
    withheld: bool = False  # in a file whose name holds a pattern: `where` is never shown
    in_name: bool = False  # the pattern is in the file's (or folder's) name
    counts: dict[str, int] = field(default_factory=dict)  # how many of each kind (what `publish` allowed is counted)


def professionals(docs: Mapping[str, object]) -> frozenset[str]:
    """The words of the names a case records for the professionals in it (the lead
    reviewer, the panel, the partners who decided, who agreed a clock's extension): after a
    title ("Dr A. Reviewer") they are the case's own people, not an identifier."""
    words: set[str] = set()

    def walk(node: object, key: str = "") -> None:
        if isinstance(node, Mapping):
            for k, v in node.items():
                walk(v, str(k))
        elif isinstance(node, list):
            for item in node:
                walk(item, key)
        elif isinstance(node, str) and key in ("name", "agreed_by"):
            words.update(k for w in node.split() if len(k := folding.key(w)) >= 2)

    walk(dict(docs))
    return frozenset(words)


def scan_texts(texts: Mapping[str, Extracted], case_folder: str, known: frozenset[str] = frozenset(),
               own: tuple[str, ...] = ()) -> list[Hit]:
    """The hits of each text by the label a message gives it: an option (`--reason`, named
    without a line) or a file's path (named with each line, or a .docx paragraph). `known`:
    the case's professionals (see `professionals`), whose names after a title are not hits.
    `own`: the partnership's own address and signature lines (see `own_lines`), which are not hits."""
    hits = []
    for label, extracted in texts.items():
        option = label.startswith("--")
        where = label.split()[0] if option else _in_case(label, case_folder)
        text = masked(extracted.text, own)
        starts = folding.line_starts(text)
        lines: dict[int, dict[str, int]] = {}
        for found in patterns.scan(text):
            if found.kind == patterns.TITLE and folding.key(found.name) in known:
                continue
            counts = lines.setdefault(0 if option else folding.line_of(starts, found.offset), {})
            counts[found.kind] = counts.get(found.kind, 0) + 1
        for line, counts in sorted(lines.items()):
            tag = extracted.labels[line - 1] if extracted.labels and line else str(line)
            hits.append(Hit(label if option else f"{label}:{tag}", where, set(counts), counts=counts))
    return hits


def _in_case(label: str, case_folder: str) -> str:
    """A file's label as a path in the case folder (what --allow KIND:WHERE names)."""
    relative = os.path.relpath(label, case_folder)
    return label if relative.startswith("..") else relative.replace(os.sep, "/")


def _ordered(kinds: set[str]) -> list[str]:
    return [k for k in patterns.KINDS if k in kinds]


def _kinds(kinds: set[str]) -> str:
    return ", ".join(patterns.KINDS[k] for k in _ordered(kinds))


def describe(hits: list[Hit]) -> str:
    return "identifier patterns appear in " + ", ".join(
        f"{h.shown} ({_kinds(h.kinds)}{', in its name' if h.in_name else ''})" for h in hits)


def suggestion(hits: list[Hit], when: str = "") -> str:
    """What would fix it: the --allow for each hit; for a file whose name is withheld, a new
    name; for the reason, other words (no --allow covers it)."""
    pairs = list(dict.fromkeys(f"--allow {kind}:{h.where}" for h in hits if not h.withheld and h.where != _REASON
                               for kind in _ordered(h.kinds)))
    fixes = [f"{_FIX.format(when=when)}{' '.join(pairs[:4])}{' ...' if len(pairs) > 4 else ''} --allow-reason WHY"
             if pairs else ""]
    fixes.append("rename the files whose names are withheld (a name is published too)"
                 if any(h.withheld for h in hits) else "")
    fixes.append(f"say why in {_REASON} without them" if any(h.where == _REASON for h in hits) else "")
    return "; ".join(f for f in fixes if f)


def sift(hits: list[Hit], allowances: tuple[Allowance, ...],
         used: set[Allowance]) -> tuple[list[Hit], list[tuple[str, str]]]:
    """The hits no allowance covers, and (kind, where) of each that one does; `used` gains
    the allowances that covered something."""
    refused, allowed = [], []
    for hit in hits:
        left = set()
        for kind in _ordered(hit.kinds):
            covering = [a for a in allowances if a.covers(kind, hit.where)]
            used.update(covering)
            if covering:
                allowed.append((kind, hit.where))
            else:
                left.add(kind)
        if left:
            refused.append(Hit(hit.shown, hit.where, left, hit.withheld, hit.in_name, hit.counts))
    return refused, list(dict.fromkeys(allowed))


def _tally(hits: list[Hit], kind: str, where: str) -> int:
    return sum(h.counts.get(kind, 1 if kind in h.kinds else 0) for h in hits if h.where == where)


def check_used(allowances: tuple[Allowance, ...], used: set[Allowance], what: str = "this step writes") -> None:
    """Refuse an allowance that allowed nothing: the history must not say something was allowed that was not there."""
    idle = [a for a in allowances if a not in used]
    if idle:
        place = idle[0].where
        # A place is named back only as an option's name or a file's path: anything else may
        # be a name typed in the wrong place.
        shown = place if place is None or _PLACE.fullmatch(place) else "(the place given, not repeated)"
        where = f" in {shown}" if place else ""
        raise UsageError(f"--allow {idle[0].kind}{':' + str(shown) if place else ''}: nothing {what}{where} looks "
                         f"like {_article(patterns.KINDS[idle[0].kind])}; leave it out")


def _article(noun: str) -> str:
    return f"an {noun}" if noun[0] in "aeiouAEIOU" else f"a {noun}"


def step_refusal(edit: Edit, step: str, options: StepOptions) -> RefusedError | None:
    """The refusal of a step whose additions (or, at publication, what it publishes:
    `edit.published`) hold an identifier pattern no --allow covers, for the caller to
    raise after the listed guard (a listed identifier is refused first: no --allow lets
    it through). What was allowed is kept in the step's history, with its reason, which
    is checked too and which no --allow covers. An --allow that allows nothing is refused
    here and now."""

    store = edit.store
    folder = store.shown(store.case_dir(edit.case_id))
    texts = {label: text if isinstance(text, Extracted)
             else Extracted(text, [""] * (text.count("\n") + 1) if label.startswith("--") else None)
             for label, text in added_texts(edit).items()}
    # What cannot be read cannot be checked for patterns either, whether or not the case lists identifiers.
    unreadable = [f"{label}:{part}" for label, text in texts.items() for part in text.uncheckable]
    if unreadable:
        return RefusedError(f"{edit.case_id}: {uncheckable_parts(unreadable)}; nothing was written")
    hits = [*scan_texts(texts, folder, professionals(edit.docs), own_lines(store)), *edit.published]
    used: set[Allowance] = set()
    refused, allowed = sift(hits, options.allowances, used)
    check_used(options.allowances, used)
    if allowed:
        reason = (options.allow_reason or "").strip()
        refused += scan_texts({_REASON: Extracted(reason, [""])}, folder)
        # At publication, how many were allowed is kept too (never what): what `publish` allowed is
        # honoured afterwards, and a second postcode added to the file must not pass as the first.
        _record(edit, step, options, [{"kind": kind, "place": where, "reason": reason,
                                       **({"count": _tally(hits, kind, where)} if step == Act.PUBLISH else {})}
                                      for kind, where in allowed])
    if not refused:
        return None
    return RefusedError(f"{edit.case_id}: {describe(refused)}; nothing was written: {suggestion(refused)}")


def _record(edit: Edit, step: str, options: StepOptions, allowed: list[dict[str, str | int]]) -> None:
    """Into the history entry this step added, else into its note (made if it has none)."""

    records = [yamlio.new_map(a) for a in allowed]
    history = edit.write(Case).seq("history")
    before = edit.before.get("case") or {}
    if len(history) > len(before.get("history") or []):
        history[-1][ALLOWED_KEY] = yamlio.new_seq(records)
        return
    notes = edit.write(Notes).seq("notes")
    if len(notes) > len((edit.before.get("notes") or {}).get("notes") or []) and notes[-1].get("step") == step:
        notes[-1][ALLOWED_KEY] = yamlio.new_seq(records)
        return
    notes.append(yamlio.new_map({"date": options.date, "step": step, "by": edit.store.repo.identity().name,
                                 ALLOWED_KEY: yamlio.new_seq(records)}))


# -- publication ------------------------------------------------------------------------

def published_hits(store: Store, case_id: str) -> list[Hit]:
    """The hits in every publishable file of the case and in its file and folder names
    (a name that holds one is never shown: `<file 2 of 3, name withheld>`). A file that
    cannot be read, or holds bidirectional controls, is refused as the listed guard refuses it."""

    folder = store.case_dir(case_id)
    shown_folder = store.shown(folder)
    known = professionals(store.case(case_id).docs)
    own = own_lines(store)
    hits: list[Hit] = []
    cannot = Findings()
    said: set[str] = set()
    for path in publishable(store, case_id):
        shown, here, withheld = shown_folder, folder, False
        for part in path.relative_to(folder).parts:
            here = here / part
            kinds = {f.kind for f in patterns.scan(part)}
            withheld = withheld or bool(kinds)
            shown = f"{shown}/{withheld_label(here) if kinds else part}"
            if kinds and shown not in said:
                said.add(shown)
                hits.append(Hit(shown, here.relative_to(folder).as_posix(), kinds, withheld=True, in_name=True))
        extracted = None if path.is_symlink() else extract(path, shown)
        if extracted is None:
            cannot.unreadable.append(shown)
            continue
        if has_bidi(extracted.text):
            cannot.bidi.append(shown)
            continue
        for hit in scan_texts({shown: extracted}, shown_folder, known, own):
            hits.append(Hit(hit.shown, path.relative_to(folder).as_posix(), hit.kinds, withheld=withheld))
    if cannot:
        raise RefusedError(f"{case_id}: {cannot.describe()}")
    return hits


def scan_context(store: Store, docs: Mapping[str, object]) -> str:
    """Besides the files' bytes and what publish allowed, what decides what the publication
    scan refuses: the patterns, the partnership's own lines and the case's professionals.
    publish's record of the files it checked stands only while this is the same. (What
    publish allowed is in its history entry, which a pull request may only add to.)"""
    data = repr((patterns.GENERATION, own_lines(store), sorted(professionals(docs))))
    return hashlib.sha256(data.encode("utf-8", "surrogatepass")).hexdigest()


def publication_allowances(store: Store, case_id: str) -> dict[Allowance, int | None]:
    """What `publish` allowed, as its history entry records it: each allowance and how many
    it allowed (None where the entry does not say, as one written before it was counted)."""
    entries = [h for h in store.case(case_id).case.history if h.step == Act.PUBLISH]
    return {Allowance(a.kind, a.place): a.count for a in (entries[-1].allowed if entries else [])}


def _unallowed(store: Store, case_id: str) -> list[Hit]:
    """The hits `publish` did not allow: of a kind or a place it did not name, or more of
    them in a place than it allowed (each hit of that kind there is then named)."""
    hits = published_hits(store, case_id)
    allowed = publication_allowances(store, case_id)
    over = {a for a, count in allowed.items() if count is not None and _tally(hits, a.kind, str(a.where)) > count}
    refused, _ = sift(hits, tuple(a for a in allowed if a not in over), set())
    return refused


def refuse_published(store: Store, case_id: str) -> None:
    """`redaction-check`: refuse while a publishable file holds a pattern `publish` did not allow."""
    refused = _unallowed(store, case_id)
    if refused:
        raise RefusedError(f"{case_id}: {describe(refused)}; {suggestion(refused, ' at publish')}")


def published_problems(store: Store, case_id: str) -> list[Problem]:
    """`validate` of a published case: patterns in its files that `publish` did not allow."""
    refused = _unallowed(store, case_id)
    if not refused:
        return []
    return [Problem(store.shown(store.case_dir(case_id)), f"published case: {describe(refused)}; redact it")]


def row_findings(values: Mapping[str, object], allowances: tuple[Allowance, ...],
                 used: set[Allowance]) -> tuple[list[tuple[str, str]], list[dict[str, str]]]:
    """An imported row's free text (`values` by field): (field, why) for each field with a
    pattern no --allow covers (`--allow KIND`, or `--allow KIND:FIELD` such as
    `postcode:summary`), and what was allowed, for the case's history."""
    texts = {f"--{name}": Extracted("\n".join(value) if isinstance(value, list) else value, [""])
             for name, value in values.items() if isinstance(value, (str, list)) and value}
    hits = [Hit(h.shown, h.where.removeprefix("--"), h.kinds) for h in scan_texts(texts, "")]
    refused, allowed = sift(hits, allowances, used)
    return ([(h.where, f"looks like it holds {_kinds(h.kinds)}; {suggestion([h])}") for h in refused],
            [{"kind": kind, "place": where} for kind, where in allowed])
