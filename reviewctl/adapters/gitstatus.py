"""A look at the work tree started beside the command, read when it is needed: `git status`
(a step's, which also tells HEAD and the branch) or, for a pull request's check, which needs
only the paths, `diff-index` and `ls-files --others` at once."""

from __future__ import annotations

from typing import TYPE_CHECKING

from reviewctl.adapters.gitrun import GitError, Pending, fail

if TYPE_CHECKING:
    from reviewctl.adapters.gitrepo import GitRepo


class Changes:
    """`diff-index` and `ls-files --others` running beside the command (GitRepo.changes_later)."""

    def __init__(self, repo: GitRepo, pathspec: str, pending: list[Pending]) -> None:
        self.repo, self.pathspec, self.pending = repo, pathspec, pending

    def paths(self) -> list[str]:
        found: list[str] = []
        try:
            for pending in self.pending:
                found += [p for p in pending.wait().out.decode("utf-8", "surrogateescape").split("\0") if p]
        except GitError:
            self.cancel()
            return self.repo.changed_paths(self.pathspec)  # no HEAD yet, say: git status tells it
        return found

    def cancel(self) -> None:
        for pending in self.pending:
            pending.cancel()


class Status:
    """A `git status` running beside the command (GitRepo.changed_paths_later)."""

    def __init__(self, repo: GitRepo, pending: Pending) -> None:
        self.repo, self.pending = repo, pending

    def paths(self) -> list[str]:
        try:
            done = self.pending.wait()
        except GitError as error:
            raise fail(error, "reading the status of the work tree") from None
        return self.repo._status_paths(done.text)

    def cancel(self) -> None:
        self.pending.cancel()
