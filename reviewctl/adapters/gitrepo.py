"""The repository as reviewctl uses it: find it, read its state, commit one step.

Every git process goes through gitrun.Git.  What a command needs of git is looked up
once per command: the git folders from the file system (gitdir.py), every setting and
the identity from one `git var -l`, HEAD, the branch and the case's changes from one
`git status`; a step is then committed by one `git fast-import` (objects, commit and
branch update together) and one `git add` that brings the index up to date.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from reviewctl.adapters import gitdir, gitlocks
from reviewctl.adapters.gitcommit import fast_import, plumbing_commit
from reviewctl.adapters.gitrun import Git, GitError, fail, normal_key, parse_var_list, reason
from reviewctl.errors import BusyError, ReviewctlError, UnusableError

NO_COMMIT = "0" * 40


@dataclass(frozen=True)
class Identity:
    name: str
    email: str


class GitRepo:
    """One git repository, addressed by its work tree."""

    def __init__(self, layout: gitdir.Layout) -> None:
        self.root = layout.root.resolve()
        self.git = Git(self.root)
        # The common dir is shared by linked worktrees, so one lock covers them all.
        self.git_dir = layout.common
        self._own_git_dir = layout.own  # this worktree's: HEAD, the index, merges, rebases
        self._settings: dict[str, str] | None = None
        self._idents: dict[str, str] = {}
        self._head: tuple[str | None, str | None] | None = None  # (HEAD's commit, its branch), once read

    @property
    def lock_timeout(self) -> float:
        return self.git.lock_timeout

    @lock_timeout.setter
    def lock_timeout(self, seconds: float) -> None:
        self.git.lock_timeout = seconds

    @classmethod
    def find(cls, path: Path) -> GitRepo | None:
        layout = gitdir.locate(path)
        return cls(layout) if layout is not None else None

    @classmethod
    def init(cls, path: Path) -> GitRepo:
        try:
            # main, as base_branch defaults to it, whatever git's own default is here.
            Git(path).run("init", "-q", "--initial-branch=main", str(path))
        except GitError as error:
            raise fail(error, f"creating a repository in {path}") from None
        gitdir._locate.cache_clear()
        found = cls.find(path)
        assert found is not None
        return found

    @property
    def git_dirs(self) -> list[Path]:
        return sorted({self.git_dir, self._own_git_dir})

    @property
    def index_file(self) -> Path:
        given = os.environ.get("GIT_INDEX_FILE")
        return Path(given).resolve() if given else self._own_git_dir / "index"

    def wait_for_locks(self) -> None:
        """Wait (bounded) until no git holds the index, HEAD or the branch; BusyError names a stale lock."""
        index_lock = self.index_file.with_name(self.index_file.name + ".lock")
        locks = [index_lock, *gitlocks.ref_locks(self._own_git_dir, self.git_dir)]
        gitlocks.wait_until_free(locks, self.lock_timeout)

    def operation_in_progress(self) -> str | None:
        """A merge, rebase, cherry-pick, revert or bisect under way, if any."""
        marks = {"MERGE_HEAD": "a merge", "rebase-merge": "a rebase", "rebase-apply": "a rebase",
                 "CHERRY_PICK_HEAD": "a cherry-pick", "REVERT_HEAD": "a revert", "BISECT_LOG": "a bisect"}
        return next((what for name, what in marks.items() if (self._own_git_dir / name).exists()), None)

    # -- settings and identity: one `git var -l` per command ---------------------------
    def _load_settings(self) -> dict[str, str]:
        if self._settings is None:
            done = self.git.run("var", "-l", check=False)
            if done.status != 0:  # an identity git refuses to guess: the settings alone
                done = self.git.run("config", "--list", check=False)
            self._settings, self._idents = parse_var_list(done.text)
        return self._settings

    def config(self, key: str) -> str | None:
        return self._load_settings().get(normal_key(key)) or None

    def identity(self) -> Identity:
        name = os.environ.get("GIT_AUTHOR_NAME") or self.config("user.name")
        email = os.environ.get("GIT_AUTHOR_EMAIL") or self.config("user.email")
        if not name or not email:
            raise UnusableError(
                "no git identity: run `git config user.name \"Your Name\"` and "
                "`git config user.email you@example.org` (add --global for every "
                "repository), then repeat the command"
            )
        return Identity(name, email)

    # -- HEAD, the branch and the work tree: one `git status` per step -------------------
    def changed_paths(self, pathspec: str) -> list[str]:
        """Paths under `pathspec` that differ from HEAD: staged, unstaged or untracked.

        The same process tells HEAD's commit and branch, kept for the rest of the command.
        """
        try:
            # --no-optional-locks: reading the status must not take index.lock from another git.
            done = self.git.run("--no-optional-locks", "status", "--porcelain=v2", "--branch", "-z",
                                "--untracked-files=all", "--", pathspec)
        except GitError as error:
            raise fail(error, "reading the status of the work tree") from None
        entries = done.text.split("\0")
        head: str | None = None
        branch: str | None = None
        paths: list[str] = []
        skip = False
        for entry in entries:
            if skip or not entry:  # the source path of a rename
                skip = False
                continue
            if entry.startswith("# branch.oid "):
                oid = entry.removeprefix("# branch.oid ")
                head = None if oid == "(initial)" else oid
            elif entry.startswith("# branch.head "):
                name = entry.removeprefix("# branch.head ")
                branch = None if name == "(detached)" else name
            elif entry[0] in "?!":
                paths.append(entry[2:])
            elif entry[0] in "1u":
                paths.append(entry.split(" ", 8 if entry[0] == "1" else 10)[-1])
            elif entry[0] == "2":
                paths.append(entry.split(" ", 9)[-1])
                skip = True
        self._head = (head, branch)
        return paths

    def _state(self) -> tuple[str | None, str | None]:
        if self._head is None:
            done = self.git.run("rev-parse", "--verify", "-q", "HEAD", check=False)
            head = done.text.strip() or None if done.status == 0 else None
            ref = self.git.run("symbolic-ref", "-q", "HEAD", check=False)
            branch = ref.text.strip().removeprefix("refs/heads/") if ref.status == 0 else None
            self._head = (head, branch)
        return self._head

    def on_branch(self) -> bool:
        return self._state()[1] is not None

    def head(self) -> str | None:
        return self._state()[0]

    def forget_head(self) -> None:
        """HEAD may have moved (a git command run here): read it again when next asked."""
        self._head = None

    # -- committing ----------------------------------------------------------------------
    def commit(self, message: str, paths: list[str]) -> str:
        """Stage exactly `paths` and commit only them (the store's first commit); other staged work is left alone."""
        try:
            self.git.locked("add", "-A", "--", *paths)
            self.git.locked("commit", "-q", "-m", message, "--only", "--", *paths)
        except GitError as error:
            raise fail(error, "committing") from None
        self.forget_head()
        head = self.head()
        assert head is not None
        return head

    def commit_step(self, message: str, paths: list[str], sign: bool = False) -> str:
        """Commit exactly `paths` as the work tree holds them on top of HEAD, whatever else is staged.

        The commit is made from HEAD's tree, not from the index, so that a `git status`
        that an editor or a shell prompt runs meanwhile (it takes index.lock for a moment)
        cannot make the step fail, and others' staged work stays out of it.  Git hooks do
        not run for these commits; every step checks its own case, and `reviewctl
        validate` is the check for CI.  The branch moves only if it is still at the HEAD
        the step started from: a commit someone made meanwhile is never lost.

        Once the branch has moved the step is done: the real index is brought up to date
        after, and if another git holds it for too long, the paths are noted for the
        next step (or `doctor`) to bring up to date instead of failing the step.
        """
        self.catch_up_index()
        head, branch = self._state()
        if branch is None:
            raise UnusableError("git failed while committing: HEAD is not on a branch")
        self._load_settings()
        try:
            if sign:  # fast-import cannot sign: -S signs with the user's git settings (gpg.format=ssh)
                commit = plumbing_commit(self.git, self.git_dir, head, paths, message, sign=True)
                self.git.locked("update-ref", "-m", f"reviewctl: {message.splitlines()[0]}", "HEAD", commit,
                                head or NO_COMMIT)
            else:
                commit = fast_import(self.git, self.root, f"refs/heads/{branch}", head, paths, message,
                                     self._idents, filemode=self.config("core.filemode") != "false")
        except GitError as error:
            if "Not updating" in error.stderr or "but expected" in error.stderr:
                raise BusyError("the branch moved while the step ran (a commit was made meanwhile), so the "
                                "step's commit was not added to it; repeat the step") from None
            raise fail(error, "committing") from None
        self._head = (commit, branch)
        self._refresh_index(paths)
        return commit

    def _refresh_index(self, paths: list[str]) -> None:
        """Bring the index entries of `paths` up to the work tree, on a copy renamed in under git's lock."""
        real = self.index_file
        private = self.git_dir / f"reviewctl-index-{os.getpid()}"
        try:
            seen = gitlocks.signature(real)
            copied = seen is not None and gitlocks.copy_file(real, private)  # copy2 keeps the mtime git compares
            if copied:
                self.git.run("add", "-A", "--", *paths, env={"GIT_INDEX_FILE": str(private)})
            if not (copied and gitlocks.replace_if_unchanged(private, real, seen)):
                self.stage(paths)
        except (ReviewctlError, GitError):
            gitlocks.note_unrefreshed(self.git_dir, paths)
        finally:
            private.unlink(missing_ok=True)

    def catch_up_index(self) -> list[str]:
        """Bring the index entries a step could not refresh after its commit up to HEAD."""
        paths = gitlocks.unrefreshed(self.git_dir)
        if paths:
            self.unstage(paths)
            gitlocks.note_unrefreshed(self.git_dir, [])
        return paths

    def commit_to_branch(self, name: str, message: str, contents: dict[str, str | bytes | None],
                         sign: bool) -> tuple[str, str]:
        """Commit `contents` (path -> text or bytes, None: deleted) on HEAD to a new branch; (branch, commit).

        Only objects and a ref are written: the work tree, the index and the current
        branch stay exactly as they were.
        """
        head = self.head()
        branch = name
        counter = 1
        # Taken here, or already pushed by someone: a second proposal must not push over it.
        while self.git.run("for-each-ref", "--count=1", f"refs/heads/{branch}", f"refs/remotes/*/{branch}").out:
            counter += 1
            branch = f"{name}-{counter}"
        self._load_settings()
        try:
            if sign:
                commit = plumbing_commit(self.git, self.git_dir, head, list(contents), message, sign=True,
                                         contents=contents)
                self.git.run("update-ref", f"refs/heads/{branch}", commit, NO_COMMIT)
            else:
                commit = fast_import(self.git, self.root, f"refs/heads/{branch}", head, list(contents), message,
                                     self._idents, contents=contents)
        except GitError as error:
            raise fail(error, "committing to a new branch") from None
        return branch, commit

    def stage(self, paths: list[str]) -> None:
        """Bring the index entries of `paths` up to the work tree."""
        try:
            self.git.locked("add", "-A", "--", *paths)
        except GitError as error:
            raise fail(error, "updating the index") from None

    def unstage(self, paths: list[str]) -> None:
        """Put the index entries of `paths` back to HEAD (or drop them if HEAD lacks them)."""
        if not paths:
            return
        try:
            if self.head() is None:
                self.git.locked("rm", "-q", "--cached", "--ignore-unmatch", "-r", "--", *paths)
            else:
                self.git.locked("reset", "-q", "HEAD", "--", *paths)
        except GitError as error:
            raise fail(error, "restoring the index") from None

    # -- reading history -------------------------------------------------------------------
    def _records(self, *args: str, fields: int) -> list[list[str]]:
        """`git log` (or rev-list) records of `fields` fields, formatted with %x1f between and %x1e after."""
        try:
            out = self.git.run(*args).text
        except GitError:
            return []
        return [record.strip("\n").split("\x1f", fields - 1) for record in out.split("\x1e") if record.strip("\n")]

    def commits_since(self, since: str | None, limit: int = 10000) -> list[tuple[str, str]]:
        """(commit, message) of each commit on HEAD's history after `since`, newest first."""
        return [(c, body) for c, body in self._records(
            "log", f"--max-count={limit}", "--format=%H%x1f%B%x1e", f"{since}..HEAD" if since else "HEAD",
            fields=2)]

    def commits_with(self, pattern: str) -> list[tuple[str, list[str], str]]:
        """(commit, parents, message) of every commit in HEAD's history whose message matches `pattern`.

        Only HEAD's history: a commit that lives on another branch is no part of the
        branch under review.
        """
        return [(c, parents.split(), body) for c, parents, body in self._records(
            "log", "HEAD", "--fixed-strings", f"--grep={pattern}", "--format=%H%x1f%P%x1f%B%x1e", fields=3)]

    def verify_commits(self, commits: list[str], allowed_signers: Path) -> dict[str, tuple[str, str | None]]:
        """The state of each commit's signature, and the signer's principal when it is good, in one `git log`.

        'good'; 'unknown-key' (a good signature by a key not in the file); 'tampered'
        (the commit changed after it was signed); 'unsigned'.  The allowed-signers file
        is always passed: without it, git reports an SSH signature as if there were none.
        """
        if not commits:
            return {}
        records = self._records("-c", f"gpg.ssh.allowedSignersFile={allowed_signers}", "log", "--no-walk=unsorted",
                                "--format=%H%x1f%G?%x1f%GS%x1f%GG%x1e", *commits, fields=4)
        states: dict[str, tuple[str, str | None]] = {c: ("tampered", None) for c in commits}
        for commit, mark, signer, said in records:
            if mark == "G" and signer:
                states[commit] = ("good", signer)
            elif "No principal matched" in said or (mark in ("U", "E") and "Good" in said):
                states[commit] = ("unknown-key", None)
            elif mark == "N":
                states[commit] = ("unsigned", None)
            else:
                states[commit] = ("tampered", None)
        return states

    def verify_commit(self, commit: str, allowed_signers: Path) -> tuple[str, str | None]:
        return self.verify_commits([commit], allowed_signers)[commit]

    def log(self, pathspec: str) -> list[dict[str, str]]:
        """Commits touching `pathspec`, newest first: hash, date, author, subject."""
        try:
            out = self.git.out("log", "--format=%H%x1f%aI%x1f%an%x1f%s", "--", pathspec)
        except GitError as error:
            raise fail(error, "reading the log") from None
        keys = ("commit", "date", "author", "subject")
        return [dict(zip(keys, line.split("\x1f", 3), strict=True)) for line in out.splitlines()]

    def commit_date(self, commit: str) -> date:
        """The day `commit` was committed, in its own time zone."""
        try:
            return datetime.fromisoformat(self.git.out("log", "-1", "--format=%cI", commit).strip()).date()
        except (GitError, ValueError) as error:
            raise UnusableError(f"git failed while reading the date of {commit[:10]}: {error}") from None

    def is_ancestor(self, older: str, newer: str) -> bool:
        return self.git.ok("merge-base", "--is-ancestor", older, newer)

    def changed_between(self, base: str, head: str, pathspec: str) -> list[str]:
        try:
            out = self.git.out("diff", "--name-only", f"{base}...{head}", "--", pathspec)
        except GitError as error:
            raise fail(error, "comparing with the base") from None
        return [line for line in out.splitlines() if line]

    def tracked(self, paths: list[str]) -> set[str]:
        if not paths:
            return set()
        try:
            return set(self.git.run("ls-files", "-z", "--", *paths).text.split("\0")) - {""}
        except GitError as error:
            raise fail(error, "listing tracked files") from None

    # -- reading objects ---------------------------------------------------------------------
    def show_file(self, ref: str, path: str) -> str | None:
        """The text of `path` at `ref`, or None where it does not exist there."""
        done = self.git.run("show", f"{ref}:{path}", check=False)
        return done.text if done.status == 0 else None

    def texts_at(self, commit: str, paths: list[str]) -> dict[str, str | None]:
        """The text of each of `paths` at `commit` (None where absent, or a folder), through one cat-file process."""
        if self.resolve(commit) is None:
            raise UnusableError(f"git failed while reading {commit[:10]}: no such commit")
        asked = "".join(f"{commit}:{path}\n" for path in paths).encode("utf-8")
        try:
            out = self.git.run("cat-file", "--batch", stdin=asked).out
        except GitError as error:
            raise fail(error, f"reading {commit[:10]}") from None
        found: dict[str, str | None] = {}
        at = 0
        for path in paths:
            end = out.index(b"\n", at)
            header = out[at:end].split()
            at = end + 1
            if len(header) == 3:  # <object> <type> <size>, then the content and a newline
                size = int(header[2])
                data = out[at:at + size]
                at += size + 1
                found[path] = data.decode("utf-8", errors="replace") if header[1] == b"blob" else None
            else:  # <name> missing
                found[path] = None
        return found

    def resolve(self, ref: str) -> str | None:
        done = self.git.run("rev-parse", "--verify", "-q", f"{ref}^{{commit}}", check=False)
        return done.text.strip() or None if done.status == 0 else None

    def exact_ref(self, ref: str) -> str | None:
        """The commit the full ref name `ref` points at, with none of rev-parse's guessing.

        `git rev-parse refs/heads/x` falls back to refs/tags/refs/heads/x when the branch
        is missing, and a tag of that name is as easy to push as a branch: show-ref reads
        only the ref named.  A remote's HEAD counts only as what it is in a clone, a
        symbolic ref to one of that remote's branches (a branch pushed as HEAD is not).
        """
        if ref.startswith("refs/remotes/") and ref.endswith("/HEAD"):
            done = self.git.run("symbolic-ref", "-q", ref, check=False)
            target = done.text.strip()
            if done.status != 0 or not target.startswith(ref.removesuffix("HEAD")) or target == ref:
                return None
            ref = target
        done = self.git.run("show-ref", "--verify", "--", ref, check=False)
        if done.status != 0 or not done.text.strip():
            return None
        return self.resolve(done.text.split()[0])

    def refs_named(self, name: str) -> list[tuple[str, str]]:
        """(full ref, commit) of every branch, remote-tracking branch and tag called `name`;
        a full ref name or a commit id given as such is itself."""
        if name.startswith("refs/"):
            candidates = [name]
        elif re.fullmatch(r"[0-9a-f]{40}", name):
            found = self.resolve(name)
            return [(name, found)] if found is not None else []
        else:
            candidates = [f"refs/heads/{name}", f"refs/remotes/{name}", f"refs/tags/{name}"]
        return [(ref, commit) for ref in candidates if (commit := self.exact_ref(ref)) is not None]

    # -- sharing ---------------------------------------------------------------------------
    def integrate(self) -> tuple[str, list[str]]:
        """Take in the upstream's commits: ('rebase', 'merge' or 'none', the paths in conflict).

        Local commits are rebased onto the upstream, unless one of them is signed: a
        rebase makes new commits, and a signature (an approval) would not survive it.
        Then the upstream is merged in, and every signed commit stays as it was made.
        """
        done = self.git.run("fetch", "-q", check=False)
        if done.status != 0:
            raise UnusableError(f"git fetch failed: {reason(done.err)}")
        if self.resolve("@{upstream}") is None:
            raise UnusableError("the current branch has no upstream to sync with; push it once with "
                                "`git push -u origin BRANCH`, then sync")
        # %G? would check each signature; whether there is one at all is in the raw commits' headers.
        local = self.git.run("rev-list", "@{upstream}..HEAD", check=False).out
        raw = self.git.run("cat-file", "--batch", stdin=local, check=False).out if local.strip() else b""
        signed = re.search(rb"^gpgsig(-sha256)? ", raw, re.MULTILINE) is not None
        self.forget_head()
        if self.resolve("@{upstream}") == self.resolve("HEAD") or self.is_ancestor("@{upstream}", "HEAD"):
            return "none", []  # nothing to take in
        mode = "merge" if signed else "rebase"
        command = ["merge", "-q", "--no-edit", "@{upstream}"] if signed else ["rebase", "-q", "@{upstream}"]
        done = self.git.run(*command, check=False)
        if done.status == 0:
            return mode, []
        conflicted = self.git.run("diff", "--name-only", "--diff-filter=U", check=False).text.split()
        if conflicted:
            return mode, conflicted
        raise UnusableError(f"git {mode} failed: {reason(done.err)}")

    def push(self) -> list[str]:
        done = self.git.run("push", "-q", check=False)
        if done.status != 0:
            raise UnusableError(f"git push failed: {reason(done.err)}; sync again to take in others' work")
        return ["pushed"]
