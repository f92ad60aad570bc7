"""Which command takes each step that `reviewctl next` lists, and so which forms a case page offers.

`next` names a case's steps by the workflow's actions (its transitions' `action:`) and its
record steps (its `records:`); each is taken by one command of the command line, or by one
of a few sub-commands.  This table is the only thing the web face knows about the steps:
their fields come from the commands themselves (forms.py).  tests/test_serve_forms.py
checks it against the default workflow, so a new record step cannot go without a form.
"""

from __future__ import annotations

from typing import Any

Path = tuple[str, ...]

# The actions of transitions (core/workflow/acts.py's Act) and the commands that take them.
BY_ACTION: dict[str, tuple[Path, ...]] = {
    "triage-accept": (("triage",),), "triage-no-further-action": (("triage",),),
    "scope-done": (("scope",),),
    "decide-conduct": (("decide",),), "decide-not-conduct": (("decide",),),
    "chair-conduct": (("decide",),), "chair-not-conduct": (("decide",),),
    "commission": (("commission",),), "tor": (("tor",),), "report": (("report",),), "revise": (("report",),),
    "jcrg": (("jcrg",),), "approve": (("approve",),), "publish": (("publish",),), "monitor": (("monitor",),),
    "close": (("close",),), "withdraw": (("withdraw",),), "reopen": (("reopen",),),
    "national-review": (("national-review",),),
}
# The workflow's record steps (`records:`), which record without moving the case.
BY_RECORD: dict[str, tuple[Path, ...]] = {
    "scope": (("scope",),), "notify-panel": (("scope",),), "panel-response": (("scope",),),
    "scope-returned": (("scope",),), "notify-family": (("notify",),), "notify-national": (("notify",),),
    "chronology": (("chronology", "request"), ("chronology", "import")),
    "commission": (("commission",),), "panel": (("panel", "add"), ("panel", "remove")),
    "tor": (("tor",),), "milestone": (("milestone",),), "engage": (("engage",),), "checklist": (("checklist",),),
    "report": (("report",),), "present": (("present",),), "jcrg": (("jcrg",),), "approve": (("approve",),),
    "publish": (("publish",),), "actions": (("actions", "update"),), "sign-off": (("actions", "sign-off"),),
    "impact": (("impact",),), "monitor": (("monitor",),), "close": (("close",),),
    "home-office-submit": (("home-office", "submit"),), "home-office-qa": (("home-office", "qa"),),
    "plan-publication": (("publish",),), "parallel": (("parallel", "add"), ("parallel", "event")),
    "subject": (("subject",), ("themes",)), "link": (("link",),),
    "notify-ofsted-dfe": (("scope",),), "national-review": (("national-review",),),
}
REFER: Path = ("refer",)
# Every command a form may run: no other is ever run from the browser (`confidential`, which
# shows identifiers, and `purge`, which destroys them, are not among them).
STEP_COMMANDS: dict[str, Path] = {"-".join(p): p for paths in (*BY_ACTION.values(), *BY_RECORD.values())
                                  for p in paths}


def offered(next_view: dict[str, Any]) -> list[tuple[Path, list[dict[str, Any]]]]:
    """The commands of the steps allowed now, in `next`'s order, each with the steps it takes
    (a step: `next`'s entry, with `action`); record steps have no entry of their own."""
    found: dict[Path, list[dict[str, Any]]] = {}
    for entry in next_view["steps"]:
        for path in BY_ACTION.get(entry["action"], ()):
            found.setdefault(path, []).append(entry)
    for record in next_view["records"]:
        for path in BY_RECORD.get(record, ()):
            found.setdefault(path, [])
    return list(found.items())
