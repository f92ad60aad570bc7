"""Every console example of README.md and docs/*.md runs, and shows what the commands print.

How a page is run is in tests/docrunner.py.  `REVIEWCTL_DOCS_UPDATE=1 pytest tests/test_docs.py`
writes what the commands printed into the pages instead of failing (read the diff before
committing it: it is what a reader will be told).
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest
from docrunner import PAGES, REPO, Block, Page, State, parse

from reviewctl.cli.app import main

README_LINES = 300
# Blocks that cannot run here: a real forge, a server that runs until Ctrl-C, a person's own
# editor.  A few, each saying why; everything else runs.
MOST_NOT_RUN = 6
LANGUAGES = {"console", "yaml", "json", "text", "csv", "markdown", ""}
UPDATE = os.environ.get("REVIEWCTL_DOCS_UPDATE") == "1"
GITCONFIG = ("[user]\n\tname = Sam Example\n\temail = sam.example@example.org\n"
             "[init]\n\tdefaultBranch = main\n[commit]\n\tgpgsign = false\n")

# (page's path in the repository, mark) -> the folder and state saved there, for a page that starts `from=` it.
_MARKS: dict[tuple[str, str], tuple[Path, State]] = {}


def _blocks(page: Path) -> list[Block]:
    return parse(page)


def _runnable(page: Path) -> bool:
    return any(b.commands for b in _blocks(page))


class _Session:
    def __init__(self, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
                 factory: pytest.TempPathFactory) -> None:
        self.capsys, self.monkeypatch, self.factory = capsys, monkeypatch, factory

    def run_main(self, argv: list[str]) -> tuple[int, str, str]:
        self.capsys.readouterr()
        code = main(argv)
        captured = self.capsys.readouterr()
        return code, captured.out, captured.err

    def setenv(self, name: str, value: str | None) -> None:
        if value is None:
            self.monkeypatch.delenv(name, raising=False)
        else:
            self.monkeypatch.setenv(name, value)

    def run(self, page: Path, until: str | None = None) -> Page:
        """Run `page` (up to its block marked `until`), starting from another page's mark if it says so."""
        blocks = _blocks(page)
        home = self.factory.mktemp(page.stem) / "home"
        state = State(home, home)
        start = next((b.options["from"] for b in blocks if "from" in b.options), None)
        if start is not None:
            source, _, mark = start.partition("#")
            if (source, mark) not in _MARKS:
                self.run(REPO / source, until=mark)
            saved, at = _MARKS[(source, mark)]
            shutil.copytree(saved, home, symlinks=True)
            state = State(home, home / at.cwd.relative_to(at.home), at.today, dict(at.bound))
        else:
            home.mkdir()
            (home / ".gitconfig").write_text(GITCONFIG)
        marks: dict[str, tuple[Path, State]] = {}
        runner = Page(state, self.run_main, self.setenv, marks, update=UPDATE)
        for block in blocks:
            if "not-run" in block.options:
                continue
            runner.block(block)
            for name, saved in marks.items():
                _MARKS.setdefault((page.relative_to(REPO).as_posix(), name), saved)
            if until is not None and block.options.get("mark") == until:
                return runner
        assert until is None, f"{page.name} has no block marked {until}"
        return runner


@pytest.mark.parametrize("page", [p for p in PAGES if _runnable(p)], ids=lambda p: p.name)
def test_the_pages_console_examples_run_as_shown(page: Path, capsys: pytest.CaptureFixture[str],
                                                 monkeypatch: pytest.MonkeyPatch,
                                                 tmp_path_factory: pytest.TempPathFactory) -> None:
    monkeypatch.chdir(tmp_path_factory.getbasetemp())  # the page moves about; the folder is restored after
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    runner = _Session(capsys, monkeypatch, tmp_path_factory).run(page)
    if UPDATE and runner.edits:
        runner.apply_updates(page)


def test_the_readme_is_read_in_minutes() -> None:
    lines = (REPO / "README.md").read_text(encoding="utf-8").count("\n")
    assert lines <= README_LINES, f"README.md has {lines} lines; move the detail to docs/"


def test_every_command_shown_is_in_a_console_block_that_runs() -> None:
    """No ```sh block escapes the check: a command is shown only where it is run."""
    not_run = []
    for page in PAGES:
        for block in _blocks(page):
            where = f"{page.relative_to(REPO)}:{block.number}"
            assert block.lang in LANGUAGES, f"{where}: a ```{block.lang} block; show commands as ```console"
            if block.lang != "console":
                assert not re.search(r"^\$ ", block.text, re.M), f"{where}: a command outside a console block"
            elif "not-run" in block.options:
                assert block.options["not-run"].strip(), f"{where}: not-run says why"
                not_run.append(where)
            else:
                assert block.commands, f"{where}: a console block with no command"
    assert len(not_run) <= MOST_NOT_RUN, f"{len(not_run)} blocks are not run: {not_run}"


def _anchor(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens."""
    text = re.sub(r"[`*_]", "", heading.strip().lower())
    return re.sub(r"[^\w\- ]", "", text).replace(" ", "-")


def test_links_between_the_pages_lead_somewhere() -> None:
    broken = []
    for page in PAGES:
        text = page.read_text(encoding="utf-8")
        for target in re.findall(r"\]\(([^)\s]+)\)", text):
            if re.match(r"[a-z]+:", target):
                continue
            path, _, anchor = target.partition("#")
            linked = (page.parent / path).resolve() if path else page
            if not linked.exists():
                broken.append(f"{page.name}: {target} is not there")
            elif anchor and linked.suffix == ".md":
                headings = re.findall(r"^#+ (.*)$", linked.read_text(encoding="utf-8"), re.M)
                if anchor not in {_anchor(h) for h in headings}:
                    broken.append(f"{page.name}: no heading #{anchor} in {path or page.name}")
    assert not broken, "\n".join(broken)


_PAGE = """<!-- docs: today=2026-11-20 -->
```console
$ reviewctl init s --partnership "Fictional Shire Safeguarding Partnership" --prefix FSSP
created a reviewctl store in /home/you/s
$ cd s
$ reviewctl refer --type sar --subject "Adult B" --referrer "Fictional GP practice" --received 2/11/2026
FSSP-2026-AAAAAA
$ reviewctl refer --type sar --subject "Adult C" --referrer "Fictional GP practice" --received 2/11/2026
FSSP-2026-BBBBBB
$ reviewctl triage FSSP-2026-BBBBBB --accept --reason "Criteria met" --summary "Fictional" --agency Police
FSSP-2026-BBBBBB: triage-accept (referred -> scoping), commit ...
```
"""


@pytest.mark.parametrize(("change", "caught"), [
    (("", ""), None),
    (("(referred -> scoping)", "(referred -> decision)"), "showed"),  # an output gone stale
    (('--reason "Criteria met" ', ""), "exited 2"),  # a command that now fails
    (("FSSP-2026-BBBBBB\n$ reviewctl triage", "FSSP-2026-AAAAAA\n$ reviewctl triage"), "showed"),  # one id, two cases
    (("FSSP-2026-BBBBBB: triage", "FSSP-2026-CCCCCC: triage"), "another id stands for"),  # one case, two ids
])
def test_the_check_catches_a_stale_example(change: tuple[str, str], caught: str | None, tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
                                           tmp_path_factory: pytest.TempPathFactory) -> None:
    page = tmp_path / "page.md"
    page.write_text(_PAGE.replace(*change), encoding="utf-8")
    monkeypatch.setattr("test_docs.UPDATE", False)
    monkeypatch.chdir(tmp_path)
    session = _Session(capsys, monkeypatch, tmp_path_factory)
    if caught is None:
        session.run(page)
        return
    with pytest.raises(AssertionError, match=re.escape(caught)):
        session.run(page)
