"""The pages of `reviewctl serve`, rendered from the site's templates with live values.

The tracker, due, figures and actions pages are the static dashboard's own (templates/site/),
given links into this server; a case page adds the steps allowed now, each with its form
(forms.py), the history and the documents; `/new` is the form of `refer`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from itertools import pairwise
from typing import Any
from urllib.parse import quote

from reviewctl import __version__
from reviewctl.adapters.render import render
from reviewctl.core.reports.live_pages import LiveSite, Store
from reviewctl.errors import ReviewctlError
from reviewctl.web.forms import CHOICES, Form, form_for
from reviewctl.web.markdown import to_html
from reviewctl.web.steps import REFER, STEP_COMMANDS, offered
from reviewctl.web.words import (
    error_names,
    example,
    form_help,
    format_hint,
    pieces,
    plain_label,
    plain_text,
    seldom,
    short_words,
)

# (address, template, title) of the dashboard's pages; the first is the tracker.
PAGES = (("", "tracker", "Tracker"), ("due", "due", "Due"), ("figures", "figures", "Annual figures"),
         ("actions", "actions", "Actions"))
NAV = [*((a, t) for a, _, t in PAGES), ("new", "New referral")]
CALENDAR = "/due.ics"  # every deadline as a calendar file: `reviewctl due --format ics`, run as the shell runs it
REPEATED = 3  # the entries a repeated field shows at first (the page's script adds more)
APPROVE_NOTE = ("Signs with your own key, exactly as `reviewctl approve` does (git's user.signingkey); a key "
                "with a passphrase asks for it in the terminal where `reviewctl serve` runs, or approve at the "
                "shell: `reviewctl approve {id} --role ROLE`.")
Vocabularies = dict[str, list[tuple[str, str]]]
_DATED = re.compile(r"(\d{4}-\d\d-\d\d)-(.+)")  # a letter's file name starts with its date


@dataclass
class Refused:
    """A form the command refused: its step, the command's error line, and what was posted."""

    step: str
    error: str
    posted: dict[str, list[str]] = field(default_factory=dict)


@dataclass(frozen=True)
class Before:
    """A case as it was before a step: its stage's words and its documents (none before a referral)."""

    stage: str = ""
    documents: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Done:
    """What a step did, in words, for the page it goes back to."""

    title: str  # the step's form, "Triage"
    case_id: str
    moved: tuple[str, str] | None  # the stage's words before and after, where it moved
    commit: str  # the commit's short id, as the command line printed it ("" if it printed none)
    branch: str  # the branch a --propose made, else ""
    written: tuple[str, ...]  # the case's new documents

    @property
    def written_shown(self) -> list[tuple[str, str]]:
        """Each new document with its name in words."""
        return [(name, shown_name(name)) for name in self.written]


def before_step(store: Store, today: date, case_id: str | None) -> Before:
    """The case before a step; a case the store cannot show yet says nothing (the step still runs)."""
    if case_id is None:
        return Before()
    try:
        case = LiveSite(store, today).case(case_id)
    except ReviewctlError:
        return Before()
    return Before(str(case["stage_label"]), frozenset(d.name for d in case["documents"]))


def done(store: Store, today: date, case_id: str, path: tuple[str, ...], was: Before, said: str) -> Done:
    """The step just done, from the case before and after it and the command line's own line
    (`ID: step (summary), commit 1a2b3c4d5e`, or `... proposed on branch B, commit C; ...`)."""
    words = said.split()
    commit = next((w.strip(",;") for a, w in pairwise(words) if a == "commit"), "")
    branch = next((w.strip(",;") for a, w in pairwise(words) if a == "branch"), "")
    try:
        case = LiveSite(store, today).case(case_id)
    except ReviewctlError:  # done, but the case cannot be shown now: the page says why
        return Done(title_of(path), case_id, None, commit, branch, ())
    stage = str(case["stage_label"])
    moved = (was.stage, stage) if was.stage and was.stage != stage else None
    written = tuple(d.name for d in case["documents"] if d.name not in was.documents)
    return Done(title_of(path), case_id, moved, commit, branch, written)


# A step's name in words where the command's own word is an abbreviation or joined by a dash.
# (A name, not an option: the commands have no words for it but their names.)
STEP_WORDS = {"tor": "terms of reference", "jcrg": "JCRG", "qa": "QA", "home-office": "Home Office",
              "national-review": "national review", "sign-off": "sign-off"}


def title_of(path: tuple[str, ...]) -> str:
    if path == REFER:
        return "Referral"
    words = " ".join(STEP_WORDS.get(w, w.replace("-", " ")) for w in path)
    return words[:1].upper() + words[1:]


def _base(store: Store, today: date, here: str | None, title: str, csrf: str) -> dict[str, Any]:
    return {"partnership": store.config.partnership, "today": today.isoformat(), "version": __version__,
            "nav": NAV, "root": "/", "here": here, "title": title, "form_action": "'self'",
            "case_pages": "/case/", "csrf": csrf, "done": None, "refused": None, "problems": []}


def _html(store: Store, template: str, context: dict[str, Any]) -> str:
    return render(f"site/{template}", context, store.templates_search(), autoescape=True)


def dashboard(store: Store, today: date, address: str, csrf: str) -> str:
    """One of the dashboard's pages, by its address ("" the tracker, "due", "figures", "actions")."""
    _, name, title = next(p for p in PAGES if p[0] == address)
    live = LiveSite(store, today)
    values = live.page(name)
    for row in values.get("rows", []):
        row["page"] = quote(str(row["case"] if "case" in row else row["id"]), safe="")  # actions: "id" is A1
    context = {**_base(store, today, address, title, csrf), **values, "problems": live.problems,
               "calendar": CALENDAR if name == "due" else ""}
    return _html(store, f"{name}.html.j2", context)


def case_page(store: Store, today: date, case_id: str, csrf: str, did: Done | None = None,
              refused: Refused | None = None) -> str:
    live = LiveSite(store, today)
    case = live.case(case_id)
    case["documents"] = [{"name": d.name, "size": d.size, "title": shown_name(d.name)} for d in case["documents"]]
    labels = live.pages.stage_labels
    case["history"] = [{**h, "from": labels.get(h["from"], h["from"]), "to": labels.get(h["to"], h["to"])}
                       for h in case["history"]]
    vocab = live.vocabularies(str(case["type"]))
    types = {code for code, _ in vocab.get("type", [])}
    made, covered = [], []
    for path, covers in offered(case["next"]):
        form = form_for(path)
        made.append(form_view(form, f"/case/{case_id}/{form.step}", f"reviewctl {' '.join(path)} {case_id}",
                              [], refused if refused and refused.step == form.step else None,
                              APPROVE_NOTE.format(id=case_id) if path == ("approve",) else "", vocab,
                              str(case["type"])))
        covered.append(covers)
    # A missing thing that a field of this page records links to that field, not to the shell.
    targets = {(f["step"], f["flag"]): (f["first_id"], f["short"]) for view in made for f in view["fields"]}
    for view, covers in zip(made, covered, strict=True):
        view["covers"] = [{"how": _how(view, c["step"]), "to": c["to_label"] if c["to"] else "", "ready": c["ready"],
                           "missing": [pieces(plain_text(m["hint"], types), view["step"], targets)
                                       for m in c["missing"]]}
                          for c in covers]
        # Open: a form that moves the case on (withdrawing it is not moving it on), or one refused.
        view["open"] = any(c["action"] != "withdraw" for c in covers) or bool(view["error"])
    title = f"{'Not done: ' if refused else ''}{case_id}"
    notice = _refused_notice(made)
    if refused and notice is None:  # a step no longer allowed (another tab, a step since): said all the same
        notice = {"title": title_of(STEP_COMMANDS.get(refused.step, (refused.step,))), "id": "", "error": refused.error}
    context = {**_base(store, today, None, title, csrf), "case": case, "step_forms": made, "done": did,
               "refused": notice, "problems": live.problems}
    return _html(store, "serve-case.html.j2", context)


def new_page(store: Store, today: date, csrf: str, refused: Refused | None = None) -> str:
    vocab = LiveSite(store, today).vocabularies()
    form = form_view(form_for(REFER), "/refer", "reviewctl refer", [], refused, "", vocab)
    form["title"], form["button"], form["fold"] = "Referral", "Record the referral", False
    form["help"] = pieces("Opens a new case, and writes the acknowledgement letter to the referrer.", "refer", {})
    context = {**_base(store, today, "new", f"{'Not done: ' if refused else ''}New referral", csrf), "form": form,
               "refused": _refused_notice([form])}
    return _html(store, "serve-new.html.j2", context)


def document_title(name: str) -> str:
    """A document's name in words: `documents/2026-11-02-acknowledgement-letter.md` is
    "Acknowledgement letter, 2 November 2026"."""
    stem = name.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    found = _DATED.fullmatch(stem)
    words = (found.group(2) if found else stem).replace("-", " ").replace("_", " ").strip() or stem
    words = words[0].upper() + words[1:]
    if found is None:
        return words
    day = date.fromisoformat(found.group(1))
    return f"{words}, {day.day} {day:%B %Y}"


KINDS = {".docx": "Word", ".pdf": "PDF", ".xlsx": "Excel", ".csv": "CSV", ".yaml": "data", ".yml": "data",
         ".txt": "text"}  # what a document that is not a page opens as, by its extension


def shown_name(name: str) -> str:
    """A document as the case page lists it: its name in words, and what it opens as unless a page."""
    kind = KINDS.get("." + name.rsplit(".", 1)[-1].lower()) if "." in name else None
    return f"{document_title(name)} ({kind})" if kind else document_title(name)


def document_page(store: Store, today: date, case_id: str, name: str, text: str, word_copy: str | None) -> str:
    """A markdown document of the case as a page: its text rendered (web/markdown.py), with
    the file itself to download and its Word copy where the case has one."""
    title = document_title(name)
    context = {**_base(store, today, None, title, ""), "case_id": case_id, "name": name,
               "body": to_html(text), "word_copy": word_copy}
    return _html(store, "serve-document.html.j2", context)


def message_page(store: Store, today: date, title: str, message: str) -> str:
    return _html(store, "serve-message.html.j2", {**_base(store, today, None, title, ""), "message": message})


def _how(view: dict[str, Any], step: str) -> str:
    """Which choice of the form takes workflow step `step`, in the form's words: `decide-not-conduct`
    is the decide form's --not-conduct ("Decide (or recommend) not to"); "" where the form is the step."""
    rest = step.removeprefix(f"{view['step']}-")
    if rest == step and step == view["step"]:
        return ""
    said = {f["flag"]: f["words"] for f in view["fields"] if f["kind"] == "flag"}
    said |= {f"--{v}": shown for f in view["fields"] if f["kind"] == "pair" for v, shown in f["choices"]}
    return str(said.get(f"--{rest}", rest.replace("-", " ").capitalize())).rstrip(". ")


def _refused_notice(forms: list[dict[str, Any]]) -> dict[str, str] | None:
    failed = next((f for f in forms if f["error"]), None)
    if failed is None:
        return None
    return {"title": failed["title"], "id": failed["error_id"], "error": failed["error"]}


def _choices(form: Form, name: str, flag: str, vocab: Vocabularies, kind: str,
             given: list[str]) -> tuple[str, list[tuple[str, str]]]:
    """A text option whose values a vocabulary of the store lists (CHOICES) is a list of them;
    a value posted that is not among them stays shown, as it was given."""
    listed = CHOICES.get((" ".join(form.path), flag))
    if kind != "text" or listed is None or listed not in vocab:
        return kind, []
    choices = list(vocab[listed])
    choices += [(v, v) for v in given if v not in {c for c, _ in choices}]
    return "choice", choices


def form_view(form: Form, action: str, shell: str, covers: list[dict[str, Any]], refused: Refused | None,
              note: str, vocab: Vocabularies | None = None, case_type: str | None = None) -> dict[str, Any]:
    """A form's values for templates/site/serve-forms.html.j2."""
    posted = refused.posted if refused else {}
    error = refused.error if refused else ""
    fields: list[dict[str, Any]] = []
    focused = False
    types = {code for code, _ in (vocab or {}).get("type", [])}
    named = {f.flag: short_words(f) for f in form.fields if f.flag}
    named |= {f"--{v}": short_words(f, shown) for f in form.fields if f.kind == "pair" for v, shown in f.choices}
    for f in form.fields:
        values = [] if f.kind == "file" else [v for v in posted.get(f.name, []) if v != ""]
        if f.also:  # a choice of switches posted as boxes of their own (`accept=yes`, `no-further-action=yes`)
            values = [f.name if v in ("yes", "on") else v for v in values if v in (*f.values, "yes", "on")] + \
                [n for n in f.also if any(posted.get(n, []))]
        invalid = bool(error) and error_names(error, f)
        if invalid and f.kind in ("text", "number"):
            # Text the command refused is not sent back: it may be the reason it was refused (a real
            # name where a pseudonym belongs, which the command never repeats), and a browser keeps pages.
            values = []
        focus = invalid and not focused
        focused = focused or focus
        ident = f"{form.step}-{f.name}"
        kind, choices = _choices(form, f.name, f.flag, vocab or {}, f.kind, values)
        hint = format_hint(f)
        words = plain_label(f, kind == "choice", case_type, types, named)
        fields.append({
            "name": f.name, "label": f.label, "words": words, "kind": kind, "flag": f.flag,
            "multiple": f.multiple, "required": f.required, "choices": choices or list(f.choices),
            "one_of": bool(f.also), "values": values, "id": ident, "step": form.step,
            "first_id": f"{ident}-1" if f.multiple else f"{form.step}-{f.values[0]}" if f.kind == "pair" else ident,
            "invalid": invalid, "focus": focus, "hint": hint, "hint_id": f"{ident}-hint" if hint else "",
            "entry_label": words.rstrip(". "),
            "shown_values": values + [""] * max(REPEATED - len(values), 1),
            "more": seldom(form.path, f, case_type, types),
            "example": example(form.path, f) if hint else "",
            "shown_choices": [(v, shown.rstrip(". ")) for v, shown in f.choices],
            "short": short_words(f, words),
        })
    title = title_of(form.path)
    # The summary's mentions of this form's options link to their fields, in the fields' words.
    targets: dict[tuple[str, str], tuple[str, str]] = {}
    for shown_field in fields:
        if shown_field["kind"] == "pair":
            targets |= {(form.step, f"--{v}"): (f"{form.step}-{v}", shown) for v, shown in shown_field["shown_choices"]}
        elif shown_field["flag"]:
            targets[(form.step, shown_field["flag"])] = (shown_field["first_id"], shown_field["short"])
    return {"id": f"step-{form.step}", "step": form.step, "title": title,
            "help": pieces(plain_text(form_help(form.help), types), form.step, targets),
            # "More options" open where one of its fields was given, or refused (a form sent back).
            "more_open": any(f["more"] and (f["values"] or f["invalid"]) for f in fields),
            "command": shell, "action": action, "multipart": form.uploads, "covers": covers,
            "note": pieces(note, form.step, {}), "fields": fields, "error": error, "error_id": f"{form.step}-error",
            "focus_error": bool(error) and not focused, "button": f"Record: {title}", "open": True, "fold": True}

