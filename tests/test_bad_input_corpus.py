"""The bad-input corpus: every command, given hostile values, refuses cleanly.

Each case asserts the exit code, exactly one line on stderr starting "error: ", no
traceback, nothing on stdout, the store exactly as before and no journal left behind.
The store (cases at three stages) is built once per session and copied for each case,
so the corpus stays quick.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from helpers import ALIAS_BOMB, TODAY, Cli, git, snapshot

from reviewctl.cli.app import main
from reviewctl.core.store.create import init_store

REFUSED, USAGE, INVALID, UNUSABLE = 1, 2, 3, 4
LONG = "x" * 100_000


@dataclass(frozen=True)
class Template:
    root: Path
    ids: dict[str, str]
    files: Path


def _run(*args: str) -> str:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(args))
    assert code == 0, (args, err.getvalue())
    return out.getvalue().strip()


@pytest.fixture(scope="session")
def template(_isolated_home: None, tmp_path_factory: pytest.TempPathFactory) -> Template:
    """A store with an lcspr just referred (A), a sar in scoping (B), a dhr in review (C)."""
    base = tmp_path_factory.mktemp("corpus")
    root = init_store(base / "store", "Fictional Test Partnership", "TST")
    config = root / "reviewctl.yaml"
    config.write_text(config.read_text().replace("signed_approvals: true", "signed_approvals: false"))
    git(root, "commit", "-qam", "plain approvals for tests")
    files = base / "files"
    files.mkdir()
    (files / "tor.md").write_text("# Terms of reference\n\nFictional.\n")
    (files / "empty.md").write_text("")
    (files / "binary.md").write_bytes(b"\xff\xfe\x00not text")
    (files / "aliases.yaml").write_text("- &a {text: t, owner: Council, due: 2027-01-01, measure: m}\n- *a\n")
    (files / "bomb.yaml").write_text(ALIAS_BOMB)
    (files / "chronology.csv").write_text("date,time,event,source,significance\n2026-02-30,,e,s,high\n")
    (files / "folder").mkdir()
    os.mkfifo(files / "fifo")
    with (files / "huge.md").open("wb") as huge:  # sparse: 21 MB on paper, nothing on disk
        huge.truncate(21 * 2**20)
    saved, old_today = Path.cwd(), os.environ.get("REVIEWCTL_TODAY")
    os.chdir(root)
    os.environ["REVIEWCTL_TODAY"] = TODAY
    try:
        common = ("--subject", "Child Z", "--referrer", "Fictional School DSL", "--received", "2026-11-02",
                  "--summary", "Fictional summary", "--agency", "Police")
        a = _run("refer", "--type", "lcspr", *common)
        b = _run("refer", "--type", "sar", *common)
        _run("triage", b, "--accept", "--reason", "r", "--date", "2026-11-03")
        c = _run("refer", "--type", "dhr", *common)
        _run("triage", c, "--accept", "--reason", "r", "--date", "2026-11-03")
        _run("scope", c, "--done", "--date", "2026-11-10")
        _run("decide", c, "--conduct", "--rationale", "x", "--date", "2026-11-11")
        _run("decide", c, "--chair", "--conduct", "--rationale", "x", "--date", "2026-11-12")
        _run("notify", c, "--family", "--date", "2026-11-12")
        _run("notify", c, "--national", "--date", "2026-11-12")
        _run("chronology", "request", c, "--agency", "Police", "--date", "2026-11-12")
        _run("commission", c, "--lead-reviewer", "Fictional Reviewer", "--organisation", "Fictional Reviews Ltd",
             "--declare-independent", "--date", "2026-11-13")
        _run("panel", "add", c, "--name", "Panel Member One", "--agency", "Police", "--role", "DI",
             "--date", "2026-11-13")
        _run("tor", c, "--file", str(files / "tor.md"), "--milestone", "Panel 1=2026-12-01", "--date", "2026-11-16")
    finally:
        os.chdir(saved)
        if old_today is None:
            os.environ.pop("REVIEWCTL_TODAY", None)
        else:
            os.environ["REVIEWCTL_TODAY"] = old_today
    return Template(root, {"A": a, "B": b, "C": c}, files)


def _copy(src: str, dst: str) -> None:
    # git never changes an object file once written: a link is as good as a copy, and quicker.
    if f"{os.sep}.git{os.sep}objects{os.sep}" in src:
        os.link(src, dst)
    else:
        shutil.copy2(src, dst)


@pytest.fixture
def corpus_store(template: Template, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "store"
    shutil.copytree(template.root, root, symlinks=True, copy_function=_copy)
    monkeypatch.chdir(root)
    monkeypatch.setenv("REVIEWCTL_TODAY", TODAY)
    return root


Prepare = Callable[[Path, dict[str, str]], None]


def _case_file(name: str, text: str) -> Prepare:
    def prepare(root: Path, ids: dict[str, str]) -> None:
        (root / "cases" / ids["A"] / name).write_text(text)
        git(root, "add", "-A")
        git(root, "commit", "-qm", "hand edit")
    return prepare


def _config(text: str) -> Prepare:
    def prepare(root: Path, ids: dict[str, str]) -> None:
        path = root / "reviewctl.yaml"
        path.write_text(path.read_text() + text)
        git(root, "commit", "-qam", "hand edit")
    return prepare


# (args, exit code); {A} {B} {C}: the template's cases, {F}: its folder of test files.
CORPUS: list[tuple[tuple[str, ...], int]] = []

# Ids that are not cases, for every command that takes one.
ID_COMMANDS: list[tuple[str, ...]] = [
    ("triage", "{x}", "--accept", "--reason", "r"), ("scope", "{x}", "--done"),
    ("decide", "{x}", "--conduct", "--rationale", "r"), ("notify", "{x}", "--family"),
    ("chronology", "request", "{x}", "--agency", "Police"), ("chronology", "show", "{x}"),
    ("commission", "{x}", "--lead-reviewer", "R", "--organisation", "O", "--declare-independent"),
    ("panel", "add", "{x}", "--name", "N", "--agency", "A", "--role", "R"),
    ("milestone", "{x}", "Panel 1=2026-12-01"), ("engage", "{x}", "--with", "mother", "--note", "n"),
    ("checklist", "{x}"), ("present", "{x}"), ("approve", "{x}", "--role", "sscp"),
    ("publish", "{x}", "--where", "w"), ("redaction-check", "{x}"), ("actions", "{x}"),
    ("impact", "{x}", "--note", "n"), ("monitor", "{x}"), ("close", "{x}"), ("show", "{x}"), ("log", "{x}"),
    ("link", "{A}", "{x}", "--kind", "parallel"),
]
for command in ID_COMMANDS:
    for bad_id in ("../x", "TST-2026-NOPE00", "Zoë-2026-1"):
        CORPUS.append((tuple(a.replace("{x}", bad_id) for a in command), USAGE))
for bad_id in ("a/b", "", "..", "TST-2026-\n", "\x1b[31m", LONG):
    CORPUS += [(("show", bad_id), USAGE), (("triage", bad_id, "--accept", "--reason", "r"), USAGE)]

# Dates that are not real, or not plausible, for every date option.
DATE_OPTIONS: list[tuple[str, ...]] = [
    ("refer", "--type", "sar", "--subject", "S", "--referrer", "R", "--received", "{d}"),
    ("refer", "--type", "sar", "--subject", "S", "--referrer", "R", "--incident-date", "{d}"),
    ("refer", "--type", "sar", "--subject", "S", "--referrer", "R", "--date", "{d}"),
    ("triage", "{A}", "--accept", "--reason", "r", "--date", "{d}"),
    ("scope", "{A}", "--notified", "{d}"), ("scope", "{A}", "--rapid-review-sent", "{d}"),
    ("decide", "{B}", "--conduct", "--rationale", "r", "--meeting-date", "{d}"),
    ("milestone", "{C}", "Panel 1", "--date", "{d}"),
    ("tor", "{C}", "--file", "{F}/tor.md", "--milestone", "Panel 2={d}"),
    ("publish", "{C}", "--where", "w", "--embargo-until", "{d}"),
    ("jcrg", "{C}", "--final-report", "1", "--comms-plan", "{F}/tor.md", "--action", "a", "--owner", "o",
     "--due", "{d}", "--measure", "m"),
    ("--as-of", "{d}", "show", "{A}"), ("--as-of", "{d}", "list"), ("--as-of", "{d}", "due"),
    ("--as-of", "{d}", "log", "{A}"), ("--as-of", "{d}", "stats"),
    ("list", "--received-from", "{d}"), ("list", "--received-to", "{d}"),
    ("stats", "--from", "{d}", "--to", "2026-12-31"), ("stats", "--from", "2026-01-01", "--to", "{d}"),
]
for command in DATE_OPTIONS:
    for bad_date in ("0001-01-01", "9999-12-31"):
        CORPUS.append((tuple(a.replace("{d}", bad_date) for a in command), USAGE))
for bad_date in ("2026-02-30", "1899-12-31", "2200-01-01", "2026-11-01 10:00", "", "yesterday"):
    CORPUS += [(("refer", "--type", "sar", "--subject", "S", "--referrer", "R", "--received", bad_date), USAGE),
               (("--as-of", bad_date, "due"), USAGE)]

# Numbers out of range.
for year in ("10000", "-5", "0", "1899", "99999999999999999999"):
    CORPUS += [(("stats", "--year", year), USAGE), (("stats", "--year", year, "--financial-year"), USAGE)]
CORPUS += [
    (("due", "--within", "-1"), USAGE), (("stats", "--year", "x"), USAGE),
    (("approve", "{C}", "--role", "sscp", "--version", "-1"), REFUSED),
    (("jcrg", "{C}", "--final-report", "-1", "--comms-plan", "{F}/tor.md"), USAGE),
]

# Output files for --format xlsx.
CORPUS += [
    (("list", "--format", "xlsx", "--output", "missing/dir/x.xlsx"), USAGE),
    (("list", "--format", "xlsx", "--output", "{F}/folder"), USAGE),
    (("list", "--format", "xlsx", "--output", "{F}/fifo"), USAGE),
    (("list", "--format", "xlsx", "--output", ""), USAGE),
    (("list", "--format", "xlsx"), USAGE),
    (("list", "--format", "xlsx", "--output", LONG), USAGE),
    (("list", "--format", "csv", "--output", "{F}/t.xlsx"), USAGE),
    (("tracker", "--format", "xlsx", "--output", "cases"), USAGE),
]

# Input files that are not usable files.
for file_args in (("report", "{C}", "--file"), ("tor", "{C}", "--milestone", "P=2026-12-01", "--file"),
                  ("jcrg", "{C}", "--final-report", "1", "--comms-plan"), ("chronology", "import", "{C}",
                                                                            "--agency", "Police")):
    for bad_file in ("{F}/folder", "{F}/fifo", "/dev/zero", "{F}/missing.md", LONG, "{F}/huge.md"):
        CORPUS.append(((*file_args, bad_file), USAGE))
CORPUS += [
    (("report", "{C}", "--file", "{F}/empty.md"), USAGE), (("report", "{C}", "--file", "{F}/binary.md"), USAGE),
    (("chronology", "import", "{C}", "--agency", "Police", "{F}/bomb.yaml"), INVALID),
    (("approvers", "add", "sscp", "x@example.invalid", "--key", "{F}/huge.md"), USAGE),
    (("approvers", "add", "sscp", "x@example.invalid", "--key", "/dev/zero"), USAGE),
    (("chronology", "import", "{C}", "--agency", "Police", "{F}/chronology.csv"), USAGE),
]

# Arguments no command can use: not UTF-8 (Python's surrogate escapes), NUL, far too long.
for hostile in ("b\udcff", "a\x00b"):
    CORPUS += [
        (("refer", "--type", "sar", "--subject", hostile, "--referrer", "R"), USAGE),
        (("refer", "--type", "sar", "--subject", "S", "--referrer", hostile), USAGE),
        (("refer", "--type", "sar", "--subject", "S", "--referrer", "R", "--agency", hostile), USAGE),
        (("scope", "{B}", "--request", hostile), USAGE), (("validate", "--base", hostile), USAGE),
        (("show", hostile), USAGE), (("--store", hostile, "list"), USAGE),
    ]
CORPUS += [
    (("template", LONG), USAGE), (("--store", LONG, "list"), USAGE), (("init", LONG), USAGE),
    (("validate", "--base", LONG), USAGE), (("verify", "{C}", "--base", "../x"), USAGE),
    (("panel", "remove", "{C}", "--name", "a\nb"), REFUSED), (("--store", "a\nb", "list"), UNUSABLE),
    (("refer", "--type", "\x1b[31msar", "--subject", "S", "--referrer", "R"), USAGE),
    (("triage", "{A}", "--accept", "--reason", ""), USAGE), (("triage", "{A}", "--accept", "--reason", " \n "), USAGE),
    (("refer", "--type", "sar", "--subject", "", "--referrer", "R"), USAGE),
    (("refer", "--type", "sar", "--subject", "S", "--referrer", " "), USAGE),
    (("show", "{A}", "--format", "xlsx"), USAGE), (("due", "--format", "\r"), USAGE),
    (("approve", "{C}", "--role", "../sscp"), REFUSED),
    (("link", "{A}", "{B}", "--kind", "\x07"), USAGE),
    (("link", "{A}", "{B}", "--kind", "a\u2028b\x85c"), USAGE),
    (("show", "{A}", "--format", "\u202emd"), USAGE),
]

# Files in the store that no loader may expand, or that are empty.
# (what is wrong, how to make it so, the command, its exit code, what its error must say)
PREPARED: list[tuple[str, Prepare, tuple[str, ...], int, str]] = []
ALIASES = "YAML anchors and aliases (&name, *name) are not allowed; write the values out in full"
for label, text, needle in (("empty", "", "is empty"), ("comments", "# nothing but a comment\n", "is empty"),
                            ("blank", "  \n\n  \n", "is empty"), ("bomb", ALIAS_BOMB, ALIASES),
                            ("alias", "id: &i TST-2026-XXXXXX\nsubject: *i\n", ALIASES)):
    for command in (("show", "{A}"), ("log", "{A}"), ("triage", "{A}", "--accept", "--reason", "r"),
                    ("actions", "{A}")):
        PREPARED.append((f"case.yaml {label}", _case_file("case.yaml", text), command, INVALID, needle))
for command in (("show", "{A}"), ("list",), ("refer", "--type", "sar", "--subject", "S", "--referrer", "R")):
    PREPARED.append(("reviewctl.yaml alias", _config("extra: &e 1\nmore: *e\n"), command, INVALID, ALIASES))
PREPARED.append(("notes.yaml bomb", _case_file("notes.yaml", ALIAS_BOMB), ("show", "{A}"), INVALID, ALIASES))


def _case_edit(name: str, edit: Callable[[str], str]) -> Prepare:
    def prepare(root: Path, ids: dict[str, str]) -> None:
        path = root / "cases" / ids["A"] / name
        path.write_text(edit(path.read_text()))
        git(root, "commit", "-qam", "hand edit")
    return prepare


# Nested thousands deep: a RecursionError in ruamel, a segmentation fault in libyaml.
DEEP = "nested too deep (more than 64 levels)"
for label, edit in (("deep flow", lambda t: t + "extra: " + "[" * 50000 + "]" * 50000 + "\n"),
                    ("deep flow 1000", lambda t: t + "extra: " + "{a: " * 1000 + "1" + "}" * 1000 + "\n"),
                    ("deep block", lambda t: t + "extra:\n" + "".join(" " * i + "k:\n" for i in range(1, 200))),
                    ("deep dashes", lambda t: t + "extra:\n  " + "- " * 5000 + "x\n")):
    for command in (("show", "{A}"), ("log", "{A}"), ("triage", "{A}", "--accept", "--reason", "r")):
        PREPARED.append((f"case.yaml {label}", _case_edit("case.yaml", edit), command, INVALID, DEEP))
# A date the calendar cannot count to, written by hand: named, never a crash.
FAR = "is outside the years 1900 to 2199; correct the date"
for command in (("show", "{A}"), ("log", "{A}"), ("triage", "{A}", "--accept", "--reason", "r")):
    PREPARED.append(("case.yaml far date", _case_edit("case.yaml", lambda t: re.sub(
        r"^received: .*$", "received: 9999-12-31", t, flags=re.MULTILINE)), command, INVALID, FAR))


def _expand(args: tuple[str, ...], template: Template) -> list[str]:
    out = []
    for arg in args:
        for key, value in template.ids.items():
            arg = arg.replace("{" + key + "}", value)
        out.append(arg.replace("{F}", str(template.files)))
    return out


def _check(cli: Cli, root: Path, args: list[str], code: int, needle: str = "") -> None:
    before = snapshot(root)
    result = cli(*args)
    assert result.code == code, (result.code, result.err)
    assert result.out == ""
    lines = result.err.splitlines()
    assert len(lines) == 1 and result.err.endswith("\n"), result.err
    assert lines[0].startswith("error: ") and needle in lines[0], lines[0]
    assert "Traceback" not in result.err
    assert snapshot(root) == before
    assert not (root / ".git" / "reviewctl-journal.json").exists()


def _label(args: tuple[str, ...]) -> str:
    return " ".join(a if len(a) < 30 else a[:12] + "…" for a in args).encode("unicode_escape").decode()


@pytest.mark.parametrize(("args", "code"), CORPUS, ids=[_label(a) for a, _ in CORPUS])
def test_corpus(cli: Cli, corpus_store: Path, template: Template, args: tuple[str, ...], code: int) -> None:
    _check(cli, corpus_store, _expand(args, template), code)


@pytest.mark.parametrize(("label", "prepare", "args", "code", "needle"), PREPARED,
                         ids=[f"{p[0]}: {' '.join(p[2])}" for p in PREPARED])
def test_corpus_store_files(cli: Cli, corpus_store: Path, template: Template, label: str, prepare: Prepare,
                            args: tuple[str, ...], code: int, needle: str) -> None:
    prepare(corpus_store, template.ids)
    _check(cli, corpus_store, _expand(args, template), code, needle)


def test_the_corpus_is_big_enough() -> None:
    assert len(CORPUS) + len(PREPARED) >= 150


@pytest.mark.parametrize("edit", [
    lambda t: t + "extra: " + "[" * 50000 + "]" * 50000 + "\n",
    lambda t: re.sub(r"^received: .*$", "received: 9999-12-31", t, flags=re.MULTILINE),
], ids=["deep", "far-date"])
@pytest.mark.parametrize("command", [("list",), ("due",), ("stats",), ("validate",)])
def test_reports_name_a_hostile_case_and_go_on(cli: Cli, corpus_store: Path, template: Template,
                                               edit: Callable[[str], str], command: tuple[str, ...]) -> None:
    """A report reads every other case, names the bad one in one line, and exits 3."""
    _case_edit("case.yaml", edit)(corpus_store, template.ids)
    result = cli(*command)
    assert result.code == INVALID and "Traceback" not in result.err
    case = template.ids["A"]
    named = [line for line in (result.err + result.out).splitlines() if case in line and "case.yaml" in line]
    assert len(named) == 1 or (command == ("validate",) and named), (result.out, result.err)  # validate: every problem
    if command == ("list",):
        assert template.ids["B"] in result.out  # the other cases are still reported
