"""The guard at the point of entry: before a step writes anything, every text it adds
(the options' free text, the files it takes in, the documents it renders) is checked
against the case's identifiers, with the same normalisation as the publication guard.

A match is refused, naming the option (or the file) and the kind of identifier, never
the identifier. Only what the step adds is checked: values already in the case were
checked when they came in, and machine-made values (stage ids, dates, the git user
who ran the step) are not free text.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from reviewctl.core.case.documents import DOCUMENT_FILES
from reviewctl.core.privacy.published_files import IDENTIFIERS_FILE, LEGACY_FILE, Findings, stored_as
from reviewctl.errors import RefusedError, ReviewctlError

if TYPE_CHECKING:
    from reviewctl.core.privacy.extract import Extracted
    from reviewctl.core.privacy.redaction import Guard
    from reviewctl.core.store.folder import Store
    from reviewctl.core.store.step import Edit

# The keys whose values are made by reviewctl, never typed by someone: the git user who
# ran a step, hashes (publish's `checked` digests among them), the paths of the documents it rendered.
_MADE = {"by", "sha256", "email", "commit", "document", "letter", "acknowledgement", "recorded", "checked",
         "checked_with"}
# The option a recorded key came from, where its name differs (`note` is --message).
_OPTION = {"note": "--message", "allow_reason": "--allow-reason", "summary": "--summary",
           "reason": "--reason", "rationale": "--reason",
           "where": "--where", "subject": "--subject", "referrer": "--referrer", "agencies": "--agency"}


def _strings(data: object, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], str]]:
    if isinstance(data, dict):
        for key, value in data.items():
            if str(key) not in _MADE:
                yield from _strings(value, (*path, str(key)))
    elif isinstance(data, list):
        for item in data:
            yield from _strings(item, path)
    elif isinstance(data, str):
        yield path, data


def _vocabulary(edit: Edit) -> set[str]:
    """The workflow's own words (stage, type, step and role ids), which a step records as
    they are: not free text, so a step that adds only these needs no key."""
    flow = edit.store.workflow
    words = {*flow.types, *(s.id for s in flow.stages), *(t.step for t in flow.transitions), *flow.records,
             *(r for roles in flow.approvals.values() for r in roles)}
    return words | {"accepted", "no-further-action", "conduct", "not-conduct", "open", "on-track", "at-risk",
                    "complete", "closed"}


def added_texts(edit: Edit) -> dict[str, str | Extracted]:
    """What the step adds, by how a message names it: `--summary`, or a file's path."""
    texts: dict[str, str | Extracted] = {}
    vocabulary = _vocabulary(edit)
    for name, data in edit.docs.items():
        old = Counter(text for _, text in _strings(edit.before.get(name)))
        for path, text in _strings(data):
            if old[text] > 0:
                old[text] -= 1
                continue
            if text in vocabulary:
                continue
            key = path[-1] if path else name
            if "allowed" in path[:-1]:  # what --allow let through (privacy/pattern_guard.py): only its reason is typed
                if key != "reason":
                    continue
                key = "allow_reason"
            # --message goes to the history and the notes; elsewhere a `note` is the step's --note.
            option = "--note" if key == "note" and name not in ("case", "notes") else _OPTION.get(key)
            label = option or f"--{key.replace('_', '-')} ({DOCUMENT_FILES[name]}: {'.'.join(path)})"
            texts[label] = f"{texts[label]}\n{text}" if label in texts else text
    for target, added in edit.extra.items():
        if added is not None and target.name not in (IDENTIFIERS_FILE, LEGACY_FILE):
            texts[edit.store.shown(target)] = file_text(edit.store, target, added)
    return texts


def file_text(store: Store, target: Path, data: str | bytes) -> Extracted:
    """What a step writes to `target`, as text: a Word document as the publication guard reads it
    (its lines named by part and paragraph)."""
    from reviewctl.core.privacy.extract import Extracted, extract_bytes  # lazy: loads xml, zipfile

    if isinstance(data, str):
        return Extracted(data)
    shown = store.shown(target)
    found = extract_bytes(data, target.suffix, shown)
    if found is None:
        raise RefusedError(f"{shown}: cannot be read as text, so it cannot be checked for the case's identifiers; "
                           "give it as markdown or a .docx")
    return found


def check_entry(edit: Edit) -> None:
    """Refuse the step if anything it adds holds one of the case's identifiers."""
    store = edit.store
    confidential = edit.identifiers
    if confidential is None and stored_as(store, edit.case_id) is None:
        return  # no identifiers: the key store and encryption are not even loaded
    from reviewctl.core.privacy import identifiers  # lazy: loads secrets, pyrage

    texts = added_texts(edit)
    if not texts:
        return
    if confidential is None:
        try:
            confidential = identifiers.read(store, edit.case_id)
        except ReviewctlError as error:
            if edit.guard_optional:  # a purge in reviewctl's own words needs no key (nor a readable ciphertext)
                return
            raise type(error)(f"{edit.case_id}: what this step writes must be checked against the case's "
                              f"identifiers first, and they cannot be read here: {error.message}") from None
    if not confidential:
        return
    from reviewctl.core.privacy.redaction import (  # only for a case with identifiers  # lazy: loads secrets, xml
        Guard,
        text_findings,
    )

    allow = store.config.redaction.allow
    guard = Guard.build(confidential, allow)
    # A letter is dated the day of the step: a child referred on the day it was born must
    # not have its own acknowledgement refused for the date reviewctl put in it.
    births = [d for d in confidential.dates_of_birth if d not in edit.rendered_dates]
    rendered_guard = guard if len(births) == len(confidential.dates_of_birth) else Guard.build(
        confidential.model_copy(update={"dates_of_birth": births}), allow)
    rendered = {store.shown(path) for path in edit.rendered}
    withheld = _withheld_names(edit, texts, lambda label: rendered_guard if label in rendered else guard)
    found = Findings()
    for each, of_rendered in ((guard, False), (rendered_guard, True)):
        part = text_findings(store, edit.case_id, {withheld.get(k, k): v for k, v in texts.items()
                                                   if (k in rendered) == of_rendered}, each)
        found.places += part.places
        found.bidi += part.bidi
        found.parts += part.parts  # an Office file's parts that cannot be checked
    found.places += [f"{label} (its name)" for label in withheld.values()]
    if found:
        raise RefusedError(f"{edit.case_id}: {found.describe()}; nothing was written: use the case's pseudonym "
                           "instead, and keep real identifiers in `reviewctl confidential`")


def _withheld_names(edit: Edit, texts: dict[str, str | Extracted], guard_of: Callable[[str], Guard]) -> dict[str, str]:
    """The files whose own names hold an identifier, each to be named without its name."""
    withheld: dict[str, str] = {}
    folder = edit.store.shown(edit.store.case_dir(edit.case_id))
    for number, label in enumerate(sorted(k for k in texts if not k.startswith("--")), start=1):
        if guard_of(label).scan(label.removeprefix(folder)):
            withheld[label] = f"{folder}/<file {number} this step writes, name withheld>"
    return withheld
