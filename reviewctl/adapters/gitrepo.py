"""The repository as reviewctl uses it: find it, read its state, commit one step, sync.

Every git process goes through gitrun.Git.  What a command needs of git is looked up
once per command: the git folders from the file system (gitdir.py), every setting and
the identity from one `git var -l`, HEAD, the branch and the case's changes from one
`git status`; a step is then committed by one `git fast-import` (objects, commit and
branch update together, gitcommit.py) and one `git add` that brings the index up to
date.  Reading history, signatures, objects and refs is GitReader's (gitread.py),
which GitRepo extends, so callers ask one object for both.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from reviewctl.adapters import gitdir, gitlocks
from reviewctl.adapters.files import write_atomic
from reviewctl.adapters.gitcommit import fast_import, plumbing_commit
from reviewctl.adapters.gitread import GitReader
from reviewctl.adapters.gitrun import Done, Git, GitError, Pending, fail, normal_key, parse_var_list, reason
from reviewctl.adapters.gitstatus import Changes, Status
from reviewctl.errors import BusyError, ReviewctlError, UnusableError

NO_COMMIT = "0" * 40
_ROOTS_SEEN = "reviewctl-roots-seen"  # (first commit, a commit whose history holds it), per line


@dataclass(frozen=True)
class Identity:
    name: str
    email: str


class GitRepo(GitReader):
    """One git repository, addressed by its work tree: its state, and one commit per step."""

    def __init__(self, layout: gitdir.Layout) -> None:
        self.root = layout.root.resolve()
        super().__init__(Git(self.root))
        # The common dir is shared by linked worktrees, so one lock covers them all.
        self.git_dir = layout.common
        self._own_git_dir = layout.own  # this worktree's: HEAD, the index, merges, rebases
        self._settings: dict[str, str] | None = None
        self._settings_read: Pending | None = None  # a `git var -l` started beside other work
        self._idents: dict[str, str] = {}
        self._head: tuple[str | None, str | None] | None = None  # (HEAD's commit, its branch), once read
        self._roots_held: dict[tuple[str, frozenset[str]], bool] = {}

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

    def holds_roots(self, roots: set[str]) -> bool:
        """Whether HEAD's history begins at one of `roots`.

        Finding a history's first commits walks all of it (half a second for 100,000
        commits), so a commit once found to hold one is remembered in the git folder: any
        later HEAD that descends from it holds it too, which git tells in a few commits.
        """
        head = self.resolve("HEAD")
        if head is None or not roots:
            return False
        asked = (head, frozenset(roots))
        if asked not in self._roots_held:
            self._roots_held[asked] = self._holds_roots(head, roots)
        return self._roots_held[asked]

    def _holds_roots(self, head: str, roots: set[str]) -> bool:
        cache = self.git_dir / _ROOTS_SEEN
        seen = [line.split() for line in cache.read_text(encoding="ascii", errors="replace").splitlines()] \
            if cache.is_file() else []
        seen = [pair for pair in seen if len(pair) == 2]
        if any(root in roots and (commit == head or self.is_ancestor(commit, head)) for root, commit in seen):
            return True
        found = roots & self.root_commits(head)
        if found:
            kept = [f"{root} {commit}" for root, commit in seen[-7:]] + [f"{min(found)} {head}"]
            write_atomic(cache, "\n".join(kept) + "\n")
        return bool(found)

    def is_shallow(self) -> bool:
        """A clone with only part of the history (`git clone --depth`)."""
        return (self.git_dir / "shallow").is_file()

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
    def read_settings_later(self) -> None:
        """Start the `git var -l` that `_load_settings` reads, so that it runs beside the step's
        own checks and its `git status` (one git process less to wait for in turn)."""
        if self._settings is None and self._settings_read is None:
            self._settings_read = self.git.start("var", "-l")

    def drop_settings_read(self) -> None:
        """Stop a `git var -l` started and not read (the step ended before its commit)."""
        if self._settings_read is not None:
            self._settings_read.cancel()
            self._settings_read = None

    def _load_settings(self) -> dict[str, str]:
        if self._settings is None:
            started, self._settings_read = self._settings_read, None
            done: Done | None = None
            try:
                done = started.wait() if started is not None else self.git.run("var", "-l")
            except GitError:  # an identity git refuses to guess: the settings alone
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
        return self.changed_paths_later(pathspec).paths()

    def changed_paths_later(self, pathspec: str) -> Status:
        """`changed_paths`, started now and read by `Status.paths()`: in a work tree of
        10,000 case folders, git's look for new files takes a tenth of a second."""
        # --no-optional-locks: reading the status must not take index.lock from another git.
        return Status(self, self.git.start("--no-optional-locks", "status", "--porcelain=v2", "--branch", "-z",
                                           "--untracked-files=all", "--", pathspec))

    def changes_later(self, pathspec: str) -> Changes:
        """The paths under `pathspec` that differ from HEAD (staged or not) or are untracked,
        started now and read by `Changes.paths()`: for a pull request's check, which needs
        only the paths. Two plumbing commands run at once (`diff-index` against HEAD, and
        `ls-files --others`), where `git status` of a work tree of 164,000 files took 0.6 s."""
        return Changes(self, pathspec, [
            self.git.start("--no-optional-locks", "diff-index", "-z", "--name-only", "HEAD", "--", pathspec),
            self.git.start("--no-optional-locks", "ls-files", "-z", "--others", "--exclude-standard", "--",
                           pathspec)])

    def _status_paths(self, text: str) -> list[str]:
        entries = text.split("\0")
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
            head = self.resolve("HEAD")
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
