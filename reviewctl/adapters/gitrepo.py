"""The only user of GitPython: find the repository, check the tree, commit one step."""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TypeVar

import git
from git.exc import GitCommandError, InvalidGitRepositoryError, NoSuchPathError

from reviewctl.adapters import gitlocks
from reviewctl.errors import ReviewctlError, UnusableError

T = TypeVar("T")


def _fail(error: GitCommandError, doing: str) -> UnusableError:
    # GitPython indents its "stderr: '...'" line: strip first, or git's reason is missed.
    lines = [line.strip().removeprefix("stderr: ").strip(" '") for line in str(error.stderr or "").splitlines()]
    lines = [line for line in lines if line]
    # git's own reason is its first fatal:/error: line; hints after it are less useful.
    reason = next((line for line in lines if line.startswith(("fatal:", "error:"))), None)
    if reason is not None:  # the message says "git failed" already; a trailing '?' is GitPython's quoting
        reason = reason.removeprefix("fatal:").removeprefix("error:").strip().rstrip("?")
    else:
        reason = lines[-1] if lines else f"exit status {error.status}"
        if doing == "committing":
            reason = f"a git hook or setting refused the commit ({reason})"
    return UnusableError(f"git failed while {doing}: {reason}")


def _last_line(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return next((line for line in lines if line.startswith(("fatal:", "error:"))), lines[-1] if lines else "")


@dataclass(frozen=True)
class Identity:
    name: str
    email: str


class GitRepo:
    """One git repository, addressed by its work tree."""

    def __init__(self, repo: git.Repo) -> None:
        self._repo = repo
        self.root = Path(str(repo.working_tree_dir)).resolve()
        # The common dir is shared by linked worktrees, so one lock covers them all.
        self.git_dir = Path(repo.common_dir).resolve()
        self._own_git_dir = Path(repo.git_dir).resolve()  # this worktree's: merges, rebases
        # Seconds to wait for a lock file another git holds (transaction.py sets it).
        self.lock_timeout = 10.0

    @classmethod
    def find(cls, path: Path) -> GitRepo | None:
        try:
            repo = git.Repo(path, search_parent_directories=True)
        except (InvalidGitRepositoryError, NoSuchPathError):
            return None
        if repo.bare or repo.working_tree_dir is None:
            return None
        return cls(repo)

    @classmethod
    def init(cls, path: Path) -> GitRepo:
        try:
            # main, as base_branch defaults to it, whatever git's own default is here.
            return cls(git.Repo.init(path, initial_branch="main"))
        except GitCommandError as error:
            raise _fail(error, f"creating a repository in {path}") from None

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

    def _locked(self, run: Callable[[], T]) -> T:
        """Run a git command, again while it fails only because another git holds a lock."""
        deadline = time.monotonic() + self.lock_timeout
        while True:
            try:
                return run()
            except GitCommandError as error:
                lock = gitlocks.held_lock(str(error.stderr or ""))
                if lock is None:
                    raise
                if time.monotonic() >= deadline:
                    raise gitlocks.busy(lock, self.lock_timeout) from None
                time.sleep(gitlocks.POLL_SECONDS)

    def operation_in_progress(self) -> str | None:
        """A merge, rebase, cherry-pick, revert or bisect under way, if any."""
        marks = {"MERGE_HEAD": "a merge", "rebase-merge": "a rebase", "rebase-apply": "a rebase",
                 "CHERRY_PICK_HEAD": "a cherry-pick", "REVERT_HEAD": "a revert", "BISECT_LOG": "a bisect"}
        return next((what for name, what in marks.items() if (self._own_git_dir / name).exists()), None)

    def on_branch(self) -> bool:
        status, _, _ = self._repo.git.execute(["git", "symbolic-ref", "-q", "HEAD"], with_extended_output=True,
                                              with_exceptions=False)
        return status == 0

    def head(self) -> str | None:
        try:
            return str(self._repo.git.rev_parse("--verify", "-q", "HEAD"))
        except GitCommandError:
            return None

    def identity(self) -> Identity:
        name = os.environ.get("GIT_AUTHOR_NAME") or self._config("user.name")
        email = os.environ.get("GIT_AUTHOR_EMAIL") or self._config("user.email")
        if not name or not email:
            raise UnusableError(
                "no git identity: run `git config user.name \"Your Name\"` and "
                "`git config user.email you@example.org` (add --global for every "
                "repository), then repeat the command"
            )
        return Identity(name, email)

    def _config(self, key: str) -> str | None:
        try:
            value = str(self._repo.git.config("--get", key)).strip()
        except GitCommandError:
            return None
        return value or None

    def changed_paths(self, pathspec: str) -> list[str]:
        """Paths under `pathspec` that differ from HEAD: staged, unstaged or untracked."""
        try:
            out = str(
                self._repo.git.status("--porcelain=v1", "-z", "--untracked-files=all", "--", pathspec)
            )
        except GitCommandError as error:
            raise _fail(error, "reading the status of the work tree") from None
        entries = [e for e in out.split("\0") if e]
        paths: list[str] = []
        skip = False
        for entry in entries:
            if skip:  # the source path of a rename
                skip = False
                continue
            if entry[0] in "RC":
                skip = True
            paths.append(entry[3:])
        return paths

    def commits_since(self, since: str | None, limit: int = 10000) -> list[tuple[str, str]]:
        """(commit, message) of each commit on HEAD's history after `since`, newest first."""
        sep, end = "\x1f", "\x1e"
        try:
            out = str(self._repo.git.log(f"--max-count={limit}", f"--format=%H{sep}%B{end}",
                                         f"{since}..HEAD" if since else "HEAD"))
        except GitCommandError:
            return []
        found = []
        for record in out.split(end):
            commit, _, body = record.strip("\n").partition(sep)
            if commit:
                found.append((commit, body))
        return found

    def tracked(self, paths: list[str]) -> set[str]:
        if not paths:
            return set()
        try:
            return set(str(self._repo.git.ls_files("-z", "--", *paths)).split("\0")) - {""}
        except GitCommandError as error:
            raise _fail(error, "listing tracked files") from None

    def commit(self, message: str, paths: list[str]) -> str:
        """Stage exactly `paths` and commit only them; other staged work is left alone."""
        try:
            self._locked(lambda: self._repo.git.add("-A", "--", *paths))
            self._locked(lambda: self._repo.git.commit("-q", "-m", message, "--only", "--", *paths))
        except GitCommandError as error:
            raise _fail(error, "committing") from None
        head = self.head()
        assert head is not None
        return head

    def commit_step(self, message: str, paths: list[str], sign: bool = False) -> str:
        """Commit exactly `paths` on top of HEAD, whatever else is staged, and return it.

        Built from git's plumbing on a private index, so that a `git status` that an
        editor or a shell prompt runs meanwhile (it takes index.lock for a moment) cannot
        make the step fail: `git commit -- paths` would also refresh the whole index
        twice, which in a store of 10,000 cases costs more than the rest of the step.
        Git hooks do not run for these commits; every step checks its own case, and
        `reviewctl validate` is the check for CI.

        Once HEAD has moved the step is done: the real index is brought up to date
        after, and if another git holds it for too long, the paths are noted for the
        next step (or `doctor`) to bring up to date instead of failing the step.
        """
        self.catch_up_index()
        head = self.head()
        real = self.index_file
        private = self.git_dir / f"reviewctl-index-{os.getpid()}"
        env = {"GIT_INDEX_FILE": str(private)}
        try:
            # Usually nothing else is staged, and a copy of the index (with its stat
            # data and cached trees) serves; otherwise an index read from HEAD keeps
            # others' staged work out of the commit.  copy2 keeps the index's mtime,
            # which git compares with the files' to spot "racily clean" entries.
            seen = gitlocks.signature(real)
            own = head is not None and seen is not None and gitlocks.copy_file(real, private)
            if own:
                status, _, _ = self._repo.git.execute(["git", "diff", "--cached", "--quiet"], env=env,
                                                      with_extended_output=True, with_exceptions=False)
                own = status == 0
            if not own:
                private.unlink(missing_ok=True)
                if head is not None:
                    self._repo.git.read_tree(head, env=env)
            self._repo.git.add("-A", "--", *paths, env=env)
            tree = str(self._repo.git.write_tree(env=env)).strip()
            parents = ["-p", head] if head else []
            # -S signs with the user's own git settings (gpg.format=ssh, user.signingkey).
            signing = ["-S"] if sign else []
            commit = str(self._repo.git.commit_tree(tree, *parents, *signing, "-m", message)).strip()
            self._locked(lambda: self._repo.git.update_ref(
                "-m", f"reviewctl: {message.splitlines()[0]}", "HEAD", commit, head or "0" * 40))
        except GitCommandError as error:
            private.unlink(missing_ok=True)
            raise _fail(error, "committing") from None
        except BaseException:
            private.unlink(missing_ok=True)
            raise
        try:
            if not (own and gitlocks.replace_if_unchanged(private, real, seen)):
                self.stage(paths)
        except ReviewctlError:
            gitlocks.note_unrefreshed(self.git_dir, paths)
        finally:
            private.unlink(missing_ok=True)
        return commit

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
        remotes = [remote.name for remote in self._repo.remotes]
        while any(self.resolve(ref) is not None
                  for ref in (f"refs/heads/{branch}", *(f"refs/remotes/{r}/{branch}" for r in remotes))):
            counter += 1
            branch = f"{name}-{counter}"
        index = self.git_dir / f"reviewctl-index-{os.getpid()}"
        env = {"GIT_INDEX_FILE": str(index)}
        try:
            if head is not None:
                self._repo.git.read_tree(head, env=env)
            for path, text in contents.items():
                if text is None:
                    self._repo.git.update_index("--force-remove", "--", path, env=env)
                    continue
                blob = self._blob(text)
                self._repo.git.update_index("--add", "--cacheinfo", f"100644,{blob},{path}", env=env)
            tree = str(self._repo.git.write_tree(env=env)).strip()
            parents = ["-p", head] if head else []
            signing = ["-S"] if sign else []
            commit = str(self._repo.git.commit_tree(tree, *parents, *signing, "-m", message)).strip()
            self._repo.git.update_ref(f"refs/heads/{branch}", commit, "0" * 40)
        except GitCommandError as error:
            raise _fail(error, "committing to a new branch") from None
        finally:
            index.unlink(missing_ok=True)
        return branch, commit

    def _blob(self, text: str | bytes) -> str:
        import subprocess

        data = text.encode("utf-8") if isinstance(text, str) else text
        done = subprocess.run(["git", "hash-object", "-w", "--stdin"], cwd=self.root, input=data,
                              capture_output=True, check=False)
        if done.returncode != 0:
            raise UnusableError(f"git failed while storing a file: {done.stderr.decode(errors='replace').strip()}")
        return done.stdout.decode().strip()

    def stage(self, paths: list[str]) -> None:
        """Bring the index entries of `paths` up to the work tree."""
        try:
            self._locked(lambda: self._repo.git.add("-A", "--", *paths))
        except GitCommandError as error:
            raise _fail(error, "updating the index") from None

    def unstage(self, paths: list[str]) -> None:
        """Put the index entries of `paths` back to HEAD (or drop them if HEAD lacks them)."""
        if not paths:
            return
        try:
            if self.head() is None:
                self._locked(lambda: self._repo.git.rm("-q", "--cached", "--ignore-unmatch", "-r", "--", *paths))
            else:
                self._locked(lambda: self._repo.git.reset("-q", "HEAD", "--", *paths))
        except GitCommandError as error:
            raise _fail(error, "restoring the index") from None

    def config(self, key: str) -> str | None:
        return self._config(key)

    def show_file(self, ref: str, path: str) -> str | None:
        """The text of `path` at `ref`, or None where it does not exist there."""
        try:
            return str(self._repo.git.show(f"{ref}:{path}", strip_newline_in_stdout=False))
        except GitCommandError:
            return None

    def resolve(self, ref: str) -> str | None:
        try:
            return str(self._repo.git.rev_parse("--verify", "-q", f"{ref}^{{commit}}")).strip()
        except GitCommandError:
            return None

    def texts_at(self, commit: str, paths: list[str]) -> dict[str, str | None]:
        """The text of each of `paths` at `commit` (None where absent), through one cat-file process."""
        try:
            tree = self._repo.commit(commit).tree
        except (ValueError, GitCommandError) as error:
            raise UnusableError(f"git failed while reading {commit[:10]}: {error}") from None
        found: dict[str, str | None] = {}
        for path in paths:
            try:
                blob = tree / path
                found[path] = blob.data_stream.read().decode("utf-8", errors="replace")
            except (KeyError, AttributeError):  # absent, or a folder
                found[path] = None
        return found

    def exact_ref(self, ref: str) -> str | None:
        """The commit the full ref name `ref` points at, with none of rev-parse's guessing.

        `git rev-parse refs/heads/x` falls back to refs/tags/refs/heads/x when the branch
        is missing, and a tag of that name is as easy to push as a branch: show-ref reads
        only the ref named.  A remote's HEAD counts only as what it is in a clone, a
        symbolic ref to one of that remote's branches (a branch pushed as HEAD is not).
        """
        if ref.startswith("refs/remotes/") and ref.endswith("/HEAD"):
            status, target, _ = self._repo.git.execute(["git", "symbolic-ref", "-q", ref],
                                                       with_extended_output=True, with_exceptions=False)
            remote = ref.removesuffix("HEAD")
            if status != 0 or not str(target).strip().startswith(remote) or str(target).strip() == ref:
                return None
            ref = str(target).strip()
        status, out, _ = self._repo.git.execute(["git", "show-ref", "--verify", "--", ref],
                                                with_extended_output=True, with_exceptions=False)
        if status != 0 or not str(out).strip():
            return None
        return self.resolve(str(out).split()[0])

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

    def verify_commit(self, commit: str, allowed_signers: Path) -> tuple[str, str | None]:
        """The state of a commit's signature, and the signer's principal when it is good.

        'good'; 'unknown-key' (a good signature by a key not in the file); 'tampered'
        (the commit changed after it was signed); 'unsigned'.

        The allowed-signers file is always passed: without it, git reports an SSH
        signature as if there were none.
        """
        try:
            status, _, err = self._repo.git.execute(
                ["git", "-c", f"gpg.ssh.allowedSignersFile={allowed_signers}", "verify-commit", "--raw",
                 commit], with_extended_output=True, with_exceptions=False)
        except GitCommandError:  # pragma: no cover - execute() was told not to raise
            return "tampered", None
        text = str(err)
        good = re.search(r'Good "git" signature for (\S+) with', text)
        if status == 0 and good:
            return "good", good.group(1)
        if "No principal matched" in text:
            return "unknown-key", None
        if not text.strip() or "no signature" in text.lower():
            return "unsigned", None
        return "tampered", None

    def commits_with(self, pattern: str) -> list[tuple[str, list[str], str]]:
        """(commit, parents, message) of every commit in HEAD's history whose message matches `pattern`.

        Only HEAD's history: a commit that lives on another branch is no part of the
        branch under review.
        """
        sep, end = "\x1f", "\x1e"
        try:
            out = str(self._repo.git.log("HEAD", "--fixed-strings", f"--grep={pattern}",
                                         f"--format=%H{sep}%P{sep}%B{end}"))
        except GitCommandError:
            return []
        found = []
        for record in out.split(end):
            record = record.strip("\n")
            if record:
                commit, parents, body = record.split(sep, 2)
                found.append((commit, parents.split(), body))
        return found

    def changed_between(self, base: str, head: str, pathspec: str) -> list[str]:
        try:
            out = str(self._repo.git.diff("--name-only", f"{base}...{head}", "--", pathspec))
        except GitCommandError as error:
            raise _fail(error, "comparing with the base") from None
        return [line for line in out.splitlines() if line]

    def integrate(self) -> tuple[str, list[str]]:
        """Take in the upstream's commits: ('rebase', 'merge' or 'none', the paths in conflict).

        Local commits are rebased onto the upstream, unless one of them is signed: a
        rebase makes new commits, and a signature (an approval) would not survive it.
        Then the upstream is merged in, and every signed commit stays as it was made.
        """
        status, _, err = self._repo.git.execute(["git", "fetch", "-q"], with_extended_output=True,
                                                with_exceptions=False)
        if status != 0:
            raise UnusableError(f"git fetch failed: {_last_line(str(err))}")
        if self.resolve("@{upstream}") is None:
            raise UnusableError("the current branch has no upstream to sync with; push it once with "
                                "`git push -u origin BRANCH`, then sync")
        try:
            signed = any(c.gpgsig for c in self._repo.iter_commits("@{upstream}..HEAD"))
        except (GitCommandError, ValueError) as error:
            raise UnusableError(f"git failed while reading the local commits: {error}") from None
        if self.resolve("@{upstream}") == self.resolve("HEAD") or self.is_ancestor("@{upstream}", "HEAD"):
            return "none", []  # nothing to take in
        mode = "merge" if signed else "rebase"
        command = (["git", "merge", "-q", "--no-edit", "@{upstream}"] if signed
                   else ["git", "rebase", "-q", "@{upstream}"])
        status, _, err = self._repo.git.execute(command, with_extended_output=True, with_exceptions=False)
        if status == 0:
            return mode, []
        conflicted = str(self._repo.git.diff("--name-only", "--diff-filter=U")).split()
        if conflicted:
            return mode, conflicted
        raise UnusableError(f"git {mode} failed: {_last_line(str(err))}")

    def is_ancestor(self, older: str, newer: str) -> bool:
        status, _, _ = self._repo.git.execute(["git", "merge-base", "--is-ancestor", older, newer],
                                              with_extended_output=True, with_exceptions=False)
        return status == 0

    def commit_date(self, commit: str) -> date:
        """The day `commit` was committed, in its own time zone."""
        try:
            return datetime.fromisoformat(str(self._repo.git.log("-1", "--format=%cI", commit)).strip()).date()
        except (GitCommandError, ValueError) as error:
            raise UnusableError(f"git failed while reading the date of {commit[:10]}: {error}") from None

    def push(self) -> list[str]:
        status, _, err = self._repo.git.execute(["git", "push", "-q"], with_extended_output=True,
                                                with_exceptions=False)
        if status != 0:
            raise UnusableError(f"git push failed: {_last_line(str(err))}; sync again to take in others' work")
        return ["pushed"]

    def log(self, pathspec: str) -> list[dict[str, str]]:
        """Commits touching `pathspec`, newest first: hash, date, author, subject."""
        sep = "\x1f"
        try:
            out = str(
                self._repo.git.log(
                    f"--format=%H{sep}%aI{sep}%an{sep}%s", "--", pathspec
                )
            )
        except GitCommandError as error:
            raise _fail(error, "reading the log") from None
        rows = []
        for line in out.splitlines():
            commit, when, author, subject = line.split(sep, 3)
            rows.append({"commit": commit, "date": when, "author": author, "subject": subject})
        return rows
