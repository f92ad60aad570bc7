"""Helpers shared by the test modules (no test module imports another).

Plain functions and constants only; the fixtures are in conftest.py.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from reviewctl.adapters import agecrypt
from reviewctl.cli.app import main

TODAY = "2026-11-20"
# lcspr: each safeguarding partner's agreement to the decision (fictional people).
PARTNERS = ("--partner", "local-authority=Fictional Director; Director of Children's Services",
            "--partner", "icb=Fictional Nurse; Designated Nurse for Safeguarding",
            "--partner", "police=Fictional Superintendent; Head of Public Protection")


@dataclass
class Result:
    code: int
    out: str
    err: str


class Cli:
    """Runs reviewctl in-process, as a user would from the store's folder."""

    def __init__(self, capsys: pytest.CaptureFixture[str]) -> None:
        self._capsys = capsys

    def __call__(self, *args: str) -> Result:
        self._capsys.readouterr()
        code = main(list(args))
        captured = self._capsys.readouterr()
        return Result(code, captured.out, captured.err)

    def ok(self, *args: str) -> Result:
        result = self(*args)
        assert result.code == 0, result.err
        return result


def git(root: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=root, check=True, capture_output=True, text=True).stdout


def snapshot(root: Path) -> dict[str, str]:
    """HEAD, the index and every file's content hash: 'exactly as before'."""
    files = {}
    for folder, dirs, names in os.walk(root, followlinks=True):  # .git: by HEAD and index, not walked
        dirs[:] = sorted(d for d in dirs if d != ".git")
        for name in names:
            path = Path(folder, name)
            if name != ".git" and path.is_file():
                # What git sees of a file besides its content: whether it may be run, whether a link.
                kind = ("x" if path.stat().st_mode & 0o111 else "-") + ("l" if path.is_symlink() else "")
                files[path.relative_to(root).as_posix()] = f"{hashlib.sha256(path.read_bytes()).hexdigest()} {kind}"
    files = dict(sorted(files.items()))
    repository = _repository_state(root / ".git")
    if repository is None:  # a worktree's .git file, an index git may write in another form: ask git
        repository = {"status": git(root, "status", "--porcelain=v2", "--branch", "--untracked-files=all"),
                      "index": git(root, "ls-files", "-s")}
    return {**repository, "files": repr(files)}


def _repository_state(git_dir: Path) -> dict[str, str] | None:
    """HEAD, the commit it names and every index entry, read from the files under .git (no git
    process: a run takes thousands of snapshots); None where they are not in the form read
    here, or where the branch has an upstream (whose distance `git status` would show too).

    Each index entry as `git ls-files -s` shows it (mode, object, stage, path) with its flags
    (intent to add, skip-worktree), not its file's timestamps, which git refreshes at will.
    Other refs may change (`approve --propose` makes a review branch and leaves HEAD alone)."""
    if not git_dir.is_dir() or (git_dir / "reftable").exists() or (git_dir / "commondir").exists():
        return None
    if re.search(r"^\s*merge\s*=", (git_dir / "config").read_text(), re.MULTILINE):
        return None
    head = (git_dir / "HEAD").read_text()
    commit = head.strip()
    if head.startswith("ref: "):
        name = head[len("ref: "):].strip()
        loose = git_dir / name
        packed = git_dir / "packed-refs"
        lines = packed.read_text().splitlines() if packed.is_file() else []
        commit = loose.read_text().strip() if loose.is_file() else next(
            (line.split()[0] for line in lines if line.endswith(f" {name}")), "(unborn)")
    index = git_dir / "index"
    entries = _index_entries(index.read_bytes() if index.is_file() else b"DIRC\0\0\0\2\0\0\0\0")
    if entries is None:
        return None
    return {"HEAD": f"{head.strip()} {commit}", "index": "\n".join(entries)}


def _index_entries(data: bytes) -> list[str] | None:
    """The entries of an index file of version 2 or 3 (git's own format, Documentation/gitformat-index)."""
    if data[:4] != b"DIRC" or int.from_bytes(data[4:8], "big") not in (2, 3):
        return None
    count, at, entries = int.from_bytes(data[8:12], "big"), 12, []
    for _ in range(count):
        mode = int.from_bytes(data[at + 24:at + 28], "big")
        oid = data[at + 40:at + 60].hex()
        flags = int.from_bytes(data[at + 60:at + 62], "big")
        extended = int.from_bytes(data[at + 62:at + 64], "big") if flags & 0x4000 else 0
        start = at + (64 if flags & 0x4000 else 62)
        end = data.index(b"\0", start)
        entries.append(f"{mode:o} {oid} {(flags >> 12) & 3} {extended:04x} {data[start:end].decode()}")
        at += (end - at + 8) // 8 * 8  # the name ends in 1 to 8 NULs, to a multiple of 8 bytes
    while at + 8 <= len(data) - 20:  # the extensions, before the checksum
        if data[at:at + 4] in (b"link", b"sdir"):  # entries kept in another file, or folded: not read here
            return None
        at += 8 + int.from_bytes(data[at + 4:at + 8], "big")
    return entries


def refer(cli: Cli, case_type: str = "lcspr", *extra: str) -> str:
    result = cli.ok(
        "refer", "--type", case_type, "--subject", "Child Z", "--referrer", "Fictional School DSL",
        "--received", "2026-11-02", "--summary", "Fictional summary for tests",
        "--agency", "Police", *extra,
    )
    return result.out.strip()


def run_subprocess(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "reviewctl", *args], cwd=cwd, capture_output=True, text=True,
        env={**os.environ, **(env or {})}, timeout=120,
    )


# -- the form of a refusal ------------------------------------------------------------

REFUSED, USAGE, INVALID, UNUSABLE, BUSY = 1, 2, 3, 4, 5


def refused_cleanly(cli: Cli, store: Path, code: int, *args: str) -> str:
    """Run a command that must fail; check the failure's form and that nothing changed."""
    before = snapshot(store)
    result = cli(*args)
    assert result.code == code, (result.code, result.err)
    assert result.out == ""
    lines = result.err.strip().splitlines()
    assert len(lines) == 1, result.err
    assert lines[0].startswith("error: ")
    assert "Traceback" not in result.err
    assert snapshot(store) == before
    return lines[0]


# -- hostile YAML ------------------------------------------------------------

def alias_bomb(depth: int) -> str:
    """ "Billion laughs": each level is a list of nine aliases of the level before."""
    return "".join(["ya0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"]
                   + [f"ya{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]\n" for i in range(1, depth)])


# Small enough that code which expanded it would fail here quickly rather than eat the
# machine's memory; test_hostile_input.py tries the full nine levels in a limited process.
ALIAS_BOMB = alias_bomb(5)


# -- a case through the process --------------------------------------------------

REPORT = """# Review report

Child Z, fictional. Analysis.

## Recommendations

1. The partnership should review its escalation policy.
2. Agencies should share information at the point of referral,
   and record it.

## Appendix

3. Not a recommendation.
"""


# `checklist --tick` for every item of the conduct checklist.
TICK_ALL = [a for item in ("purpose-and-principles", "methodology", "guidance", "family-engagement",
                           "analysis", "learning") for a in ("--tick", item)]


def load(path: Path) -> dict:  # type: ignore[type-arg]
    return YAML(typ="safe").load(path.read_text())  # type: ignore[no-any-return]


def stage(store: Path, case_id: str) -> str:
    return str(load(store / "cases" / case_id / "case.yaml")["stage"])


# -- made once per test run, shared by pytest-xdist's workers --------------------------------

RUN_DIR = "TESTS_RUN_DIR"  # set by conftest.py before the workers start; they inherit it


def run_folder() -> Path:
    """The folder this test run shares between its workers (each worker is a session of its own)."""
    given = os.environ.get(RUN_DIR)
    if not given:  # a process that conftest.py did not start (a script importing the helpers)
        os.environ[RUN_DIR] = given = tempfile.mkdtemp(prefix="reviewctl-tests-")
    return Path(given)


@contextlib.contextmanager
def _locked(target: Path) -> Iterator[None]:
    """One process at a time for `target`: another worker that wants it waits, then finds it made."""
    with open(f"{target}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def made_for_run(name: str, make: Callable[[Path], None]) -> Path:
    """The folder `make(folder)` filled, made once per test run by whichever worker asks first
    (the others wait for it).  Everything in it is shared: it is only read, or copied."""
    target = run_folder() / name
    with _locked(target):
        if not target.is_dir():
            work = target.with_name(f"{name}.making")
            shutil.rmtree(work, ignore_errors=True)  # a make that failed before
            work.mkdir()
            make(work)
            work.rename(target)
    return target


# -- a case through the process, made once per test run ---------------------------------------
#
# The steps below run real commands on a real repository.  Many tests start from a fresh
# store and take a case to the same stage, so the first run of each (step, type) on a fresh
# store is kept (the repository whole, the files it wrote beside it and the key store it
# wrote case keys to) and later runs on an identical fresh store get a copy.  "Identical":
# the same HEAD commit, a clean work tree, the same REVIEWCTL_* settings (a path in the
# test's own folder counts as the same path in another test's; a file named by a setting,
# such as an identity, by its content) and the same key store contents; anything else runs
# the commands.  The templates the stores are copied from are the run's (conftest.py), so a
# case one worker made is kept for the other too (in run_folder(), under a hash of its key).

_KEPT: dict[tuple[str, ...], tuple[Path, str]] = {}


def _fresh_key(name: str, store: Path, case_type: str) -> tuple[str, ...] | None:
    """What makes two fresh stores the same: every ref, HEAD, the repository's config; None if not fresh."""
    def run(*args: str) -> str | None:
        done = subprocess.run(["git", *args], cwd=store, capture_output=True, text=True)
        return None if done.returncode else done.stdout

    git_dir = store / ".git"
    if not git_dir.is_dir() or (git_dir / "reftable").exists():
        return None
    # Every ref and HEAD as the files under .git hold them (no git process), loose and packed:
    # the same refs written otherwise only miss the cache.
    refs = repr({path.relative_to(git_dir).as_posix(): path.read_text()
                 for path in sorted((git_dir / "refs").rglob("*")) if path.is_file()})
    packed = git_dir / "packed-refs"
    refs += packed.read_text() if packed.is_file() else ""
    head = (git_dir / "HEAD").read_text()
    if run("status", "--porcelain", "--untracked-files=all") != "":
        return None
    config = hashlib.sha256((store / ".git" / "config").read_bytes()).hexdigest()
    env = tuple(f"{k}={_setting(v, store.parent)}" for k, v in sorted(os.environ.items())
                if k.startswith("REVIEWCTL_"))
    return (name, case_type, store.name, refs, head, config, *env, _tree_digest(_keystore()))


def _setting(value: str, folder: Path) -> str:
    """A REVIEWCTL_ setting as the cache key holds it: the test's folder as a placeholder, and
    a file it names by its content (two tests' identities are the same only if their keys are)."""
    shown = value.replace(str(folder), "<test folder>")
    path = Path(value)
    if value and path.is_absolute() and path.is_file():
        shown += " sha256:" + hashlib.sha256(path.read_bytes()).hexdigest()
    return shown


def _keystore() -> Path | None:
    value = os.environ.get("REVIEWCTL_KEYSTORE")
    return Path(value) if value else None


def _tree_digest(folder: Path | None) -> str:
    """Every file under `folder` by name and content ("" when there is none)."""
    if folder is None or not folder.exists():
        return ""
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        digest.update(path.relative_to(folder).as_posix().encode() + b"\0")
        if path.is_file():
            digest.update(path.read_bytes())
    return digest.hexdigest()


def _vanished_ok(func: Callable[..., object], path: str,
                 exc_info: tuple[type[BaseException], BaseException, object]) -> None:
    # A git running alongside (an editor's `git status`) makes and removes its lock files.
    if not isinstance(exc_info[1], FileNotFoundError):
        raise exc_info[1]


_OBJECTS = f"{os.sep}.git{os.sep}objects{os.sep}"


def _copy_present(src: str, dst: str) -> object:
    try:
        if _OBJECTS in src:
            # git never changes an object file or a pack once written (it writes new ones and
            # renames): a hard link is as good as a copy, and quicker.
            try:
                os.link(src, dst)
                return dst
            except OSError:  # another file system, or links not allowed: copy
                pass
        return shutil.copy2(src, dst)
    except FileNotFoundError:  # a lock file git removed while the tree was copied
        return dst


def copy_store(source: Path, target: Path) -> None:
    """A copy of a repository, work tree and .git, that is the same repository; git's
    lock files are left behind (a copy taken while a git ran beside it is still whole)."""
    shutil.copytree(source, target, symlinks=True, dirs_exist_ok=True, copy_function=_copy_present,
                    ignore=shutil.ignore_patterns("*.lock"))



def _kept(name: str, make: Callable[[], str], store: Path, case_type: str, beside: Path | None) -> str:
    key = _fresh_key(name, store, case_type)
    if key is None:
        return make()
    if key not in _KEPT:
        saved = run_folder() / "kept" / hashlib.sha256(repr(key).encode()).hexdigest()[:32]
        saved.parent.mkdir(exist_ok=True)
        with _locked(saved):
            if not saved.is_dir():  # the first in the run to ask: make it, and keep it
                case_id = _make_and_keep(make, store, beside, saved)
                _KEPT[key] = (saved, case_id)
                return case_id
        _KEPT[key] = (saved, (saved / "case-id").read_text())
    saved, case_id = _KEPT[key]
    for child in store.iterdir():  # the store is the current folder: empty it, keep it
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child, onerror=_vanished_ok)
        else:
            child.unlink(missing_ok=True)
    copy_store(saved / "store", store)
    if beside is not None:
        shutil.copytree(saved / "beside", beside, symlinks=True, dirs_exist_ok=True)
    keystore = _keystore()
    if keystore is not None and (saved / "keystore").is_dir():
        shutil.copytree(saved / "keystore", keystore, symlinks=True, dirs_exist_ok=True)
    return case_id


def _make_and_keep(make: Callable[[], str], store: Path, beside: Path | None, saved: Path) -> str:
    """`make()` run on the store, and what it made kept in `saved` (written whole, then renamed)."""
    before = {p.name for p in beside.iterdir()} if beside is not None else set()
    case_id = make()
    work = saved.with_name(f"{saved.name}.making")
    shutil.rmtree(work, ignore_errors=True)
    copy_store(store, work / "store")
    (work / "beside").mkdir()
    for path in beside.iterdir() if beside is not None else []:
        if path.name not in before and path.is_file():
            shutil.copy2(path, work / "beside" / path.name)
    keystore = _keystore()
    if keystore is not None and keystore.is_dir():  # the case keys the steps wrote
        shutil.copytree(keystore, work / "keystore", symlinks=True)
    (work / "case-id").write_text(case_id)
    work.rename(saved)
    return case_id


def made_once(name: str, make: Callable[[], str]) -> str:
    """`make()` on the fresh store in the current folder, run once per session and copied after."""
    return _kept(name, make, Path.cwd(), "", None)


def to_setup(cli: Cli, case_type: str) -> str:
    return _kept("to_setup", lambda: _to_setup(cli, case_type), Path.cwd(), case_type, None)


def to_in_review(cli: Cli, store: Path, case_type: str, tmp_path: Path) -> str:
    return _kept("to_in_review", lambda: _to_in_review(cli, store, case_type, tmp_path), store, case_type, tmp_path)


def to_jcrg_agreed(cli: Cli, store: Path, case_type: str, tmp_path: Path) -> str:
    """A case whose final report, actions and plan the JCRG has agreed (all dated today)."""
    return _kept("to_jcrg_agreed", lambda: _to_jcrg_agreed(cli, store, case_type, tmp_path), store, case_type,
                 tmp_path)


def to_closed(cli: Cli, store: Path, case_type: str, tmp_path: Path) -> str:
    return _kept("to_closed", lambda: _to_closed(cli, store, case_type, tmp_path), store, case_type, tmp_path)


def _to_setup(cli: Cli, case_type: str) -> str:
    case_id = refer(cli, case_type)
    cli.ok("triage", case_id, "--accept", "--reason", "r", "--date", "2026-11-03")
    if case_type == "lcspr":
        cli.ok("scope", case_id, "--notified", "2026-11-03", "--rapid-review-sent", "2026-11-10",
               "--date", "2026-11-10")
    cli.ok("scope", case_id, "--done", "--date", "2026-11-10")
    partners = PARTNERS if case_type == "lcspr" else ("--basis", "mandatory") if case_type == "sar" else ()
    cli.ok("decide", case_id, "--conduct", "--rationale", "criteria met", *partners, "--date", "2026-11-11")
    if case_type != "lcspr":
        cli.ok("decide", case_id, "--chair", "--conduct", "--rationale", "agreed", "--date", "2026-11-12")
    return case_id


def _to_in_review(cli: Cli, store: Path, case_type: str, tmp_path: Path) -> str:
    case_id = to_setup(cli, case_type)
    cli.ok("notify", case_id, "--family", "--date", "2026-11-12")
    if case_type != "sar":
        cli.ok("notify", case_id, "--national", "--date", "2026-11-12")
    cli.ok("chronology", "request", case_id, "--agency", "Police", "--agency", "Health", "--date", "2026-11-12")
    cli.ok("commission", case_id, "--lead-reviewer", "Fictional Reviewer", "--organisation",
           "Fictional Independent Reviews Ltd", "--declare-independent", "--date", "2026-11-13")
    cli.ok("panel", "add", case_id, "--name", "Panel Member One", "--agency", "Police", "--role", "DI",
           "--date", "2026-11-13")
    tor = tmp_path / "tor.md"
    tor.write_text("# Terms of reference\n\nFictional.\n")
    cli.ok("tor", case_id, "--file", str(tor), "--milestone", "Panel 1=2026-12-01",
           "--milestone", "Draft report=2027-02-01", "--date", "2026-11-16")
    return case_id


def _to_jcrg_agreed(cli: Cli, store: Path, case_type: str, tmp_path: Path) -> str:
    case_id = to_in_review(cli, store, case_type, tmp_path)
    cli.ok("checklist", case_id, *TICK_ALL)
    report = tmp_path / "report.md"
    report.write_text(REPORT)
    cli.ok("report", case_id, "--file", str(report))
    cli.ok("report", case_id, "--agreed")
    cli.ok("present", case_id)
    plan = tmp_path / "plan.md"
    plan.write_text("# Plan\n")
    cli.ok("jcrg", case_id, "--final-report", "1", "--comms-plan", str(plan), "--action", "a",
           "--owner", "Council", "--due", "2027-01-01", "--measure", "m")
    return case_id


def home_office_approves(cli: Cli, case_id: str, tmp_path: Path, day: str) -> None:
    """dhr: the final report submitted to the Home Office, and its QA Panel's approving letter."""
    letter = tmp_path / "qa-letter.md"
    letter.write_text("# Home Office Quality Assurance Panel\n\nThe Panel approves the report for publication.\n")
    cli.ok("home-office", "submit", case_id, "--date", day)
    cli.ok("home-office", "qa", case_id, "--outcome", "approved", "--letter", str(letter), "--date", day)


def _to_closed(cli: Cli, store: Path, case_type: str, tmp_path: Path) -> str:
    case_id = to_in_review(cli, store, case_type, tmp_path)
    cli.ok("engage", case_id, "--with", "mother", "--note", "Met at home", "--date", "2026-11-17")
    cli.ok("checklist", case_id, *TICK_ALL, "--date", "2026-11-18")
    report = tmp_path / "report.md"
    report.write_text(REPORT)
    cli.ok("report", case_id, "--file", str(report), "--date", "2026-11-18")
    cli.ok("report", case_id, "--agreed", "--date", "2026-11-18")
    cli.ok("present", case_id, "--date", "2026-11-18")
    plan = tmp_path / "comms.md"
    plan.write_text("# Communications plan\n")
    cli.ok("jcrg", case_id, "--final-report", "1", "--comms-plan", str(plan),
           "--action", "Revise escalation policy", "--owner", "Council", "--due", "2027-03-01",
           "--measure", "Policy published",
           "--action", "Audit referrals", "--owner", "Police", "--due", "2027-04-01", "--measure", "Audit done",
           "--date", "2026-11-19")
    if case_type == "dhr":  # the QA Panel's outcome, recorded once: no signed role of its own
        home_office_approves(cli, case_id, tmp_path, "2026-11-19")
    for role in ["sscp", "independent-chair"]:
        cli.ok("approve", case_id, "--role", role, "--date", "2026-11-19")
    assert stage(store, case_id) == "approved"
    cli.ok("publish", case_id, "--where", "https://example.invalid/reviews", "--notified-on", "2026-11-19",
           "--embargo-until", "2026-12-01", "--date", "2026-11-20")
    cli.ok("monitor", case_id, "--date", "2026-11-20")
    cli.ok("actions", "update", case_id, "A1", "--progress", "Drafted", "--status", "on-track", "--date", "2026-11-20")
    cli.ok("actions", "sign-off", case_id, "A1", "--date", "2026-11-20")
    cli.ok("impact", case_id, "--note", "Audit shows earlier referrals", "--date", "2026-11-20")
    return case_id


def to_closed_until_approved(cli: Cli, store: Path, tmp_path: Path) -> str:
    case_id = to_jcrg_agreed(cli, store, "lcspr", tmp_path)
    cli.ok("approve", case_id, "--role", "sscp")
    cli.ok("approve", case_id, "--role", "independent-chair")
    return case_id


# -- identifiers ------------------------------------------------------------

NAME = "Zoë Quillfeather-Imaginary"  # plainly fictional, and no word of the store's letters
DOB = "2019-03-14"
ADDRESS = "12 Imaginary Road, Nowhereton, ZZ9 9ZZ"


def age_key(folder: Path, name: str) -> tuple[Path, str]:
    secret, public = agecrypt.new_secret()
    path = folder / f"{name}.key"
    path.write_text(f"# {name}\n{secret}\n")
    return path, public.key


# -- signed approvals ------------------------------------------------------------

PEOPLE = {"alice": "alice@example.invalid", "bob": "bob@example.invalid",
          "carol": "carol@example.invalid", "mallory": "mallory@example.invalid"}


def become(repo: Path, name: str, keys: dict[str, Path], email: str | None = None) -> None:
    """Act as `name` in this clone: identity and SSH signing key."""
    git(repo, "config", "user.name", name.title())
    git(repo, "config", "user.email", email or PEOPLE[name])
    git(repo, "config", "gpg.format", "ssh")
    git(repo, "config", "user.signingkey", f"{keys[name]}.pub")


def to_jcrg(cli: Cli, store: Path, tmp_path: Path) -> str:
    return to_jcrg_agreed(cli, store, "sar", tmp_path)


def all_checks(cli: Cli, case_id: str, *args: str) -> list[dict]:  # type: ignore[type-arg]
    result = cli("verify", case_id, "--format", "json", *args)
    return json.loads(result.out)  # type: ignore[no-any-return]


def checks(cli: Cli, case_id: str, *args: str) -> list[dict]:  # type: ignore[type-arg]
    """The rows of the approvals recorded (not the roles that have none)."""
    return [c for c in all_checks(cli, case_id, *args) if c["status"] != "missing"]




# -- the key store, as someone holding a copy of it would read it ------------------------

def key_folder(tmp_path: Path) -> Path:
    """The one store's folder in the test's key store (tmp_path/keystore/<store id>)."""
    folders = [p for p in (tmp_path / "keystore").iterdir() if p.is_dir()]
    assert len(folders) == 1, folders
    return folders[0]


def armour(entry: str) -> str:
    """The age ciphertext of a key-store entry (whatever reviewctl writes beside it)."""
    start = entry.index("-----BEGIN AGE ENCRYPTED FILE-----")
    return entry[start:]


def case_secrets(identity: Path, entry: str) -> agecrypt.Identities | None:
    """The case keys in `entry` as the holder of `identity` reads them; None if they cannot."""
    try:
        text = agecrypt.load_identity(identity, "a holder's key").decrypt(armour(entry)).decode()
    except agecrypt.CryptoError:
        return None
    return agecrypt.secret_identities("\n".join(line for line in text.splitlines()
                                                if line.startswith("AGE-SECRET-KEY-")), "the case keys")


def reads(identity: Path, entry: str, ciphertext: str) -> bool:
    """Whether a copy of `entry` and `identity` decrypt `ciphertext` (a case's identifiers.age)."""
    secrets = case_secrets(identity, entry)
    if secrets is None:
        return False
    try:
        secrets.decrypt(ciphertext)
    except agecrypt.CryptoError:
        return False
    return True


def store_id_file(root: Path) -> Path:
    """The committed file that holds the store's id, in the shape the store has."""
    new = root / ".reviewctl" / "store.yaml"
    return new if new.exists() else root / ".reviewctl" / "recipients.yaml"


def store_id(root: Path) -> str:
    return str(load(store_id_file(root))["store"])


def set_store_id(root: Path, value: str) -> None:
    """A hand edit of the store's id, as anyone who can commit could make."""
    path = store_id_file(root)
    lines = [f"store: {value}" if line.startswith("store:") else line for line in path.read_text().splitlines()]
    path.write_text("\n".join(lines) + "\n")


def list_by_hand(root: Path, name: str, key: str) -> None:
    """A recipient added by editing the files, not through `reviewctl recipients add`."""
    folder = root / ".reviewctl" / "recipients"
    if folder.is_dir():
        (folder / f"{name}.yaml").write_text(f"key: {key}\n")
    else:
        path = root / ".reviewctl" / "recipients.yaml"
        path.write_text(path.read_text() + f"  - {{name: {name}, key: {key}}}\n")
