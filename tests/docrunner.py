"""Runs the console examples of README.md and docs/*.md, as a reader would type them.

A page is read as a list of blocks.  A ```console block holds commands (`$ ` lines, a
trailing backslash continuing one) and, under each, the output it shows.  An HTML comment
on the line above a block says how to run it:

    <!-- docs: today=2026-11-20 -->            "today" from here on (REVIEWCTL_TODAY)
    <!-- docs: store=demo -->                  a copy of this repository's store in ~/reviewctl, and cd there
    <!-- docs: from=README.md#first-case -->    start from the state that page had at its mark
    <!-- docs: mark=jcrg -->                   this state can be started from (after this block)
    <!-- docs: key=~/alex -->                  an ssh key pair someone sent you: ~/alex and ~/alex.pub
    <!-- docs: file=../report.md -->           (above any other block) its text is that file
    <!-- docs: not-run="a real forge" -->      not run, and says why (the test allows a few)

Each page runs in a folder of its own that is HOME, with git's global settings there.  A
`reviewctl` command runs in-process (the CLI's own `main`), other commands in bash.

Checks: the exit code (0, unless the output shows an `error:` line or the next command is
`echo $?`) and the output, stdout then stderr, line by line.  In a shown output `...` (or a
longer run of dots, to keep a table's columns in line) is any text within a line, and a line
of dots alone any number of lines.  Case ids are random: an id the page shows is bound to
the id the command printed the first time it is shown, and put in its place in every later
command and output.  The page's folder reads as /home/you.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PAGES = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]
HOME_SHOWN = "/home/you"
CASE_ID = r"(?<![A-Za-z0-9])[A-Z][A-Z0-9]{1,9}-(?:19|20|21)\d\d-[0-9A-Z]{6}(?![A-Za-z0-9])"
# The note a reader never sees: the page's "today" stands in for the reader's calendar.
TODAY_NOTE = re.compile(r"note: clocks as of \d{4}-\d\d-\d\d \(REVIEWCTL_TODAY\), not today's date")
DIRECTIVE = re.compile(r"<!--\s*docs:(.*?)-->", re.S)
FENCE = re.compile(r"^( *)```(\S*)\s*$")  # a block in a list item is indented
SHELL_SYNTAX = set("|&;<>()$`*?[]{}\\")


@dataclass
class Command:
    line: str            # as the page shows it (continuations joined)
    number: int          # the page's line number of its `$ `
    expected: list[str]  # the output shown under it
    span: tuple[int, int]  # the page's lines (0-based, end exclusive) of that output
    indent: str = ""  # the block's, in the page


@dataclass
class Block:
    page: Path
    lang: str
    number: int  # line number of the opening fence
    text: str
    options: dict[str, str]
    commands: list[Command] = field(default_factory=list)


def parse(page: Path) -> list[Block]:
    lines = page.read_text(encoding="utf-8").splitlines()
    blocks: list[Block] = []
    index = 0
    while index < len(lines):
        fence = FENCE.match(lines[index])
        if not fence:
            index += 1
            continue
        start, indent = index, fence.group(1)
        end = start + 1
        while end < len(lines) and lines[end].strip() != "```":
            end += 1
        above = lines[start - 1] if start else ""
        options = _options(above) if DIRECTIVE.search(above) else {}
        inside = [line.removeprefix(indent) for line in lines[start + 1:end]]
        block = Block(page, fence.group(2), start + 1, "".join(line + "\n" for line in inside), options)
        if block.lang == "console":
            block.commands = _commands(lines[:start + 1] + inside, start + 1, end, indent)
        blocks.append(block)
        index = end + 1
    return blocks


def _options(comment: str) -> dict[str, str]:
    found = DIRECTIVE.search(comment)
    assert found is not None
    options = {}
    for word in shlex.split(found.group(1)):
        key, _, value = word.partition("=")
        options[key] = value
    return options


def _commands(lines: list[str], start: int, end: int, indent: str) -> list[Command]:
    commands: list[Command] = []
    index = start
    while index < end:
        if not lines[index].startswith("$ "):
            raise AssertionError(f"line {index + 1}: a console block's text before its first `$ ` command")
        number, text = index + 1, lines[index][2:]
        while text.endswith("\\") and index + 1 < end:
            index += 1
            text = text[:-1] + " " + lines[index].strip()
        index += 1
        first = index
        while index < end and not lines[index].startswith("$ "):
            index += 1
        expected = [line.rstrip() for line in lines[first:index]]
        commands.append(Command(text, number, expected, (first, index), indent))
    return commands


# -- matching a shown output ----------------------------------------------------------

def _pattern(expected: list[str], bound: dict[str, str]) -> tuple[re.Pattern[str], dict[str, str]]:
    """A regex for the shown lines, and the group name of each id not bound yet."""
    groups: dict[str, str] = {}
    parts = []
    for line in expected:
        if re.fullmatch(r"\.{3,}", line.strip()):
            parts.append(r"(?:[^\n]*\n)*?")
            continue
        out, pos = [], 0
        for found in re.finditer(CASE_ID + r"|\.{3,}", line):
            out.append(re.escape(line[pos:found.start()]))
            token = found.group()
            if token.startswith("..."):
                out.append(r"[^\n]*?")
            elif token in bound:
                out.append(re.escape(bound[token]))
            elif token in groups:
                out.append(f"(?P={groups[token]})")
            else:
                groups[token] = f"id{len(groups)}"
                out.append(f"(?P<{groups[token]}>{CASE_ID})")
            pos = found.end()
        out.append(re.escape(line[pos:]))
        parts.append("".join(out) + r"\n")
    return re.compile("".join(parts)), groups


def _normalised(text: str, home: Path) -> str:
    lines = [line.rstrip() for line in text.replace(str(home), HOME_SHOWN).splitlines()]
    while lines and not lines[-1]:
        lines.pop()
    return "".join(line + "\n" for line in lines)


# -- running a page ---------------------------------------------------------------

@dataclass
class State:
    home: Path
    cwd: Path
    today: str | None = None
    bound: dict[str, str] = field(default_factory=dict)  # the page's id -> the id the command printed
    code: int = 0  # of the last command (for `echo $?`)


Runner = Callable[[list[str]], tuple[int, str, str]]  # argv -> exit code, stdout, stderr


class Page:
    """Runs one page's blocks; `marks` keeps copies of its state for other pages to start from."""

    def __init__(self, state: State, run_main: Runner, setenv: Callable[[str, str | None], None],
                 marks: dict[str, tuple[Path, State]], update: bool = False) -> None:
        self.state, self.run_main, self.setenv, self.marks, self.update = state, run_main, setenv, marks, update
        self.edits: list[tuple[tuple[int, int], list[str]]] = []  # (span, lines) for an update

    def environment(self) -> None:
        home = self.state.home
        self.setenv("HOME", str(home))
        self.setenv("GIT_CONFIG_GLOBAL", str(home / ".gitconfig"))
        self.setenv("REVIEWCTL_TODAY", self.state.today)
        os.chdir(self.state.cwd)

    def block(self, block: Block) -> None:
        options = block.options
        if "today" in options:
            self.state.today = options["today"]
        self.environment()
        if "store" in options:
            self._demo_store(options["store"])
        if "key" in options:
            key = Path(os.path.expanduser(options["key"]))
            key.parent.mkdir(parents=True, exist_ok=True)
            subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", f"{key.name}@example.org",
                            "-f", str(key)], check=True)
        if "file" in options:
            target = self.state.cwd / os.path.expanduser(options["file"])
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(block.text, encoding="utf-8")
        for command in block.commands:
            self.command(block, command, block.commands)
        if "mark" in options:
            saved = Path(f"{self.state.home}-mark-{options['mark']}")
            shutil.copytree(self.state.home, saved, symlinks=True)
            self.marks[options["mark"]] = (saved, State(saved, saved / self.state.cwd.relative_to(self.state.home),
                                                        self.state.today, dict(self.state.bound)))

    def _demo_store(self, which: str) -> None:
        assert which == "demo", f"store={which}: only store=demo is known"
        target = self.state.home / "reviewctl"
        target.mkdir()
        for name in ("reviewctl.yaml", "cases", "templates", "reviewctl/workflows"):  # what a clone has of them
            source, copy = REPO / name, target / name
            (shutil.copytree(source, copy) if source.is_dir() else shutil.copy(source, copy))
        for args in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-qm", "the demo store"]):
            subprocess.run(["git", *args], cwd=target, check=True)
        self.state.cwd = target
        for case in (target / "cases").iterdir():  # the demo's ids are fixed: each is itself
            self.state.bound[case.name] = case.name
        os.chdir(target)

    def command(self, block: Block, command: Command, siblings: list[Command]) -> None:
        where = f"{block.page.name}:{command.number}"
        line = re.sub(CASE_ID, lambda m: self.state.bound.get(m.group(), m.group()), command.line)
        code, out, err = self.run(line)
        self.state.code = code
        err = "".join(f"{e}\n" for e in err.splitlines() if not TODAY_NOTE.fullmatch(e))
        actual = _normalised(out + err, self.state.home)
        shows_error = any(e.startswith("error:") for e in command.expected)
        position = siblings.index(command)
        echoed = position + 1 < len(siblings) and siblings[position + 1].line.strip() == "echo $?"
        if not echoed and not self.update:
            assert (code != 0) == shows_error, f"{where}: `{command.line}` exited {code}\n{actual}"
        pattern, groups = _pattern(command.expected, self.state.bound)
        found = pattern.fullmatch(actual)
        if found is None and self.update:
            self._rewrite(command, actual)
            return
        assert found is not None, f"{where}: `{command.line}` showed\n{actual}\nnot\n" + "\n".join(command.expected)
        for shown, name in groups.items():
            printed = found.group(name)
            assert printed not in self.state.bound.values() or self.state.bound.get(shown) == printed, \
                f"{where}: {shown} is shown for {printed}, which another id stands for"
            self.state.bound[shown] = printed

    def _rewrite(self, command: Command, actual: str) -> None:
        """--update: the output as shown, from what the command printed (ids back to the page's)."""
        shown_ids = [m.group() for line in command.expected for m in re.finditer(CASE_ID, line)]
        back = {v: k for k, v in self.state.bound.items()}
        new = [m.group() for m in re.finditer(CASE_ID, actual) if m.group() not in back]
        for doc, printed in zip(dict.fromkeys(i for i in shown_ids if i not in self.state.bound),
                                dict.fromkeys(new), strict=False):
            self.state.bound[doc] = printed
            back[printed] = doc
        text = re.sub(CASE_ID, lambda m: back.get(m.group(), m.group()), actual)
        text = re.sub(r"\bcommit [0-9a-f]{7,40}\b", "commit ...", text)
        self.edits.append((command.span, [command.indent + line if line else "" for line in text.splitlines()]))

    def run(self, line: str) -> tuple[int, str, str]:
        if line.strip() == "echo $?":
            return 0, f"{self.state.code}\n", ""
        argv, redirect = _plain(line)
        if argv is not None and argv[:1] == ["cd"] and len(argv) == 2:
            target = (self.state.cwd / os.path.expanduser(argv[1])).resolve()
            assert target.is_dir(), f"cd {argv[1]}: no such folder"
            self.state.cwd = target
            os.chdir(target)
            return 0, "", ""
        if argv is not None and argv[:1] == ["reviewctl"]:
            code, out, err = self.run_main(argv[1:])
            os.chdir(self.state.cwd)  # as a process would leave it
            if redirect is not None:
                (self.state.cwd / redirect).write_text(out, encoding="utf-8")
                out = ""
            return code, out, err
        env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
        done = subprocess.run(["bash", "-o", "pipefail", "-c", line], cwd=self.state.cwd, env=env,
                              capture_output=True, text=True, timeout=120)
        return done.returncode, done.stdout, done.stderr

    def apply_updates(self, page: Path) -> None:
        lines = page.read_text(encoding="utf-8").splitlines()
        for (start, end), new in sorted(self.edits, reverse=True):
            lines[start:end] = new
        page.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _plain(line: str) -> tuple[list[str] | None, str | None]:
    """argv (and a `> FILE`) when the line needs no shell; (None, None) when it does."""
    bare = re.sub(r"'[^']*'|\"(?:[^\"\\]|\\.)*\"", "''", line)  # what the shell reads outside quotes
    bare = re.sub(r"(^|\s)#.*", "", bare)
    words = shlex.split(line, comments=True)
    redirect = None
    if bare.count(">") == 1 and len(words) > 2 and words[-2] == ">":
        redirect, words, bare = words[-1], words[:-2], bare.replace(">", "")
    if set(bare) & SHELL_SYNTAX:
        return None, None
    return [os.path.expanduser(w) if w.startswith("~/") else w for w in words], redirect
