"""The pages of `reviewctl serve`, rendered from the site's templates with live values.

The tracker, due, figures and actions pages are the static dashboard's own (templates/site/),
given links into this server; a case page adds the steps allowed now, each with its form
(forms.py), the history and the documents; `/new` is the form of `refer`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from urllib.parse import quote

from reviewctl import __version__
from reviewctl.adapters.render import render
from reviewctl.core.livesite import LiveSite, Store
from reviewctl.web.forms import Field, Form, form_for
from reviewctl.web.steps import REFER, offered

# (address, template, title) of the dashboard's pages; the first is the tracker.
PAGES = (("", "tracker", "Tracker"), ("due", "due", "Due"), ("figures", "figures", "Annual figures"),
         ("actions", "actions", "Actions"))
NAV = [*((a, t) for a, _, t in PAGES), ("new", "New referral")]
REPEATED = 3  # the entries a repeated field shows at first (the page's script adds more)
APPROVE_NOTE = ("Signs with your own key, exactly as `reviewctl approve` does (git's user.signingkey); a key "
                "with a passphrase asks for it in the terminal where `reviewctl serve` runs, or approve at the "
                "shell: `reviewctl approve {id} --role ROLE`.")


@dataclass
class Refused:
    """A form the command refused: its step, the command's error line, and what was posted."""

    step: str
    error: str
    posted: dict[str, list[str]] = field(default_factory=dict)


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
    context = {**_base(store, today, address, title, csrf), **values, "problems": live.problems}
    return _html(store, f"{name}.html.j2", context)


def case_page(store: Store, today: date, case_id: str, csrf: str, done: str | None = None,
              refused: Refused | None = None) -> str:
    live = LiveSite(store, today)
    case = live.case(case_id)
    case["documents"] = [{"name": d.name, "size": d.size} for d in case["documents"]]
    made = []
    for path, covers in offered(case["next"]):
        form = form_for(path)
        shown = [{**c, "missing": [m["hint"] for m in c["missing"]]} for c in covers]
        made.append(form_view(form, f"/case/{case_id}/{form.step}", f"reviewctl {' '.join(path)} {case_id}",
                              shown, refused if refused and refused.step == form.step else None,
                              APPROVE_NOTE.format(id=case_id) if path == ("approve",) else ""))
    title = f"{'Not done: ' if refused else ''}{case_id}"
    context = {**_base(store, today, None, title, csrf), "case": case, "step_forms": made, "done": done,
               "refused": _refused_notice(made), "problems": live.problems}
    return _html(store, "serve-case.html.j2", context)


def new_page(store: Store, today: date, csrf: str, refused: Refused | None = None) -> str:
    form = form_view(form_for(REFER), "/refer", "reviewctl refer", [], refused, "")
    form["title"], form["button"] = "Referral", "Record the referral"
    context = {**_base(store, today, "new", f"{'Not done: ' if refused else ''}New referral", csrf), "form": form,
               "refused": _refused_notice([form])}
    return _html(store, "serve-new.html.j2", context)


def message_page(store: Store, today: date, title: str, message: str) -> str:
    return _html(store, "serve-message.html.j2", {**_base(store, today, None, title, ""), "message": message})


def _refused_notice(forms: list[dict[str, Any]]) -> dict[str, str] | None:
    failed = next((f for f in forms if f["error"]), None)
    if failed is None:
        return None
    return {"title": failed["title"], "id": failed["error_id"], "error": failed["error"]}


def _names(error: str, f: Field) -> bool:
    """Whether the error line names field `f`: its option (`--reason`) or its argument (`NAME`)."""
    word = f.flag or f.metavar
    if not word:
        return False
    flags = [word] if f.flag else [word, f.name.upper()]
    if f.kind == "pair":
        flags = [f"--{v}" for v, _ in f.choices]
    return any(re.search(rf"(?<![\w-]){re.escape(w)}(?![\w-])", error) for w in flags)


def form_view(form: Form, action: str, shell: str, covers: list[dict[str, Any]], refused: Refused | None,
              note: str) -> dict[str, Any]:
    """A form's values for templates/site/serve-forms.html.j2."""
    posted = refused.posted if refused else {}
    error = refused.error if refused else ""
    fields, focused = [], False
    for f in form.fields:
        values = [] if f.kind == "file" else [v for v in posted.get(f.name, []) if v != ""]
        invalid = bool(error) and _names(error, f)
        focus = invalid and not focused
        focused = focused or focus
        ident = f"{form.step}-{f.name}"
        fields.append({
            "name": f.name, "label": f.label, "kind": f.kind, "flag": f.flag, "multiple": f.multiple,
            "required": f.required, "choices": list(f.choices), "values": values, "id": ident,
            "first_id": f"{ident}-1" if f.multiple else ident, "invalid": invalid, "focus": focus,
            "entry_label": f.label.rstrip(". "), "shown_values": values + [""] * max(REPEATED - len(values), 1),
        })
    title = " ".join(form.path).capitalize()
    return {"id": f"step-{form.step}", "step": form.step, "title": title, "help": form.help, "command": shell,
            "action": action, "multipart": form.uploads, "covers": covers, "note": note, "fields": fields,
            "error": error, "error_id": f"{form.step}-error", "focus_error": bool(error) and not focused,
            "button": f"Record {' '.join(form.path)}"}
