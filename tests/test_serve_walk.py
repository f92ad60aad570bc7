"""The README's first case "In the browser", done as a person does it in the browser: each
form filled by its fields and sent as a browser sends it (every field, the empty ones too),
on a store made by `reviewctl init`; and each step's commit is the very commit the command
line makes, step by step on a copy.  The README's walk names every value typed here, so the
two cannot drift apart."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from helpers import Cli, copy_store, git, stage
from webclient import REPO, fill, serving

AS_OF = "2026-11-20"
REFERRAL = {"refer-type": "lcspr", "refer-subject": "Child B", "refer-referrer": "Fictional Academy DSL",
            "refer-received": "2026-11-02", "refer-summary": "Fictional summary, pseudonyms only",
            "refer-agency-1": "Police", "refer-agency-2": "Children's Social Care"}
PARTNERS = ["local-authority=Fictional Director; Director of Children's Services",
            "icb=Fictional Chief Nurse; ICB Chief Nurse",
            "police=Fictional Superintendent; Head of Public Protection"]
# Each step: the form's section, the fields filled (by id), the same step at the shell, the stage after.
STEPS = [
    ("step-triage", {"triage-accept": "on", "triage-reason": "Meets the criteria for scoping",
                     "triage-date": "2026-11-03"},
     ["triage", "--accept", "--reason", "Meets the criteria for scoping", "--date", "2026-11-03"], "scoping"),
    ("step-scope", {"scope-request-1": "Police", "scope-request-2": "Health", "scope-notified": "2026-11-04",
                    "scope-date": "2026-11-04"},
     ["scope", "--request", "Police", "--request", "Health", "--notified", "2026-11-04", "--date", "2026-11-04"],
     "scoping"),
    ("step-scope", {"scope-returned-1": "Police", "scope-returned-2": "Health", "scope-rapid-review-sent": "2026-11-18",
                    "scope-done": "on", "scope-date": "2026-11-18"},
     ["scope", "--returned", "Police", "--returned", "Health", "--rapid-review-sent", "2026-11-18", "--done",
      "--date", "2026-11-18"], "decision"),
    ("step-decide", {"decide-conduct": "on", "decide-reason": "Statutory criteria met", "decide-date": "2026-11-20",
                     **{f"decide-partner-{n}": p for n, p in enumerate(PARTNERS, 1)}},
     ["decide", "--conduct", "--reason", "Statutory criteria met", "--date", "2026-11-20",
      *(a for p in PARTNERS for a in ("--partner", p))], "setup"),
]


def _walk() -> str:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    return readme[readme.index("### In the browser"):readme.index("## Where to read more")]


def test_the_readme_names_every_value_of_the_walk() -> None:
    walk = " ".join(_walk().split())
    assert "$ reviewctl serve" in walk
    typed = [*REFERRAL.values(), *(v for _, fields, _, _ in STEPS for v in fields.values() if v != "on")]
    for value in typed:
        shown = f"{date.fromisoformat(value).day} {date.fromisoformat(value):%B %Y}" \
            if re.fullmatch(r"\d{4}-\d\d-\d\d", value) else value
        assert shown in walk or value == "lcspr", value
    assert "Local Child Safeguarding Practice Review (lcspr)" in walk  # the type, as the list shows it


def test_a_first_case_in_the_browser_makes_the_shells_commits(tmp_path: Path, cli: Cli) -> None:
    store, shell = tmp_path / "my-store", tmp_path / "shell"
    cli.ok("init", str(store), "--partnership", "Fictional Shire Safeguarding Partnership", "--prefix", "FSSP")
    with serving(store, as_of=AS_OF) as web:
        assert 'href="/new">Record a new referral</a>' in web.get("/").text
        referred = fill(web, "/new", "step-refer", REFERRAL)
        assert referred.status == 303, referred.text
        case_id = referred.headers["location"].removeprefix("/case/")
        assert "the referral is recorded as " + case_id in web.get(f"/case/{case_id}").text
        copy_store(store, shell)
        for section, fields, argv, after in STEPS:
            answer = fill(web, f"/case/{case_id}", section, fields)
            assert answer.status == 303, re.findall(r'<p class="error"[^>]*>(.*?)</p>', answer.text)
            assert "<strong>Done:</strong>" in web.get(f"/case/{case_id}").text
            cli.ok("--store", str(shell), "--as-of", AS_OF, argv[0], case_id, *argv[1:])
            assert stage(store, case_id) == stage(shell, case_id) == after
            # The same files and the same message (the commit's own id differs by its time).
            assert git(store, "rev-parse", "HEAD^{tree}") == git(shell, "rev-parse", "HEAD^{tree}")
            assert git(store, "log", "-1", "--format=%B") == git(shell, "log", "-1", "--format=%B")
    assert git(store, "status", "--porcelain") == ""
    assert int(git(store, "rev-list", "--count", "HEAD")) == 2 + len(STEPS)  # init, the referral, a commit a step
