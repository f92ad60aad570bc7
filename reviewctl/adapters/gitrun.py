"""The one way into git: run it as a process (as pre-commit does), and read what it says.

Every git command reviewctl runs goes through `Git.run`, so there is one place that
knows how git is started, how its errors read, and how a lock file another git holds
is waited for.
"""

from __future__ import annotations

import os
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from reviewctl.adapters import gitlocks
from reviewctl.errors import UnusableError


class GitError(Exception):
    """git exited non-zero; `stderr` says why."""

    def __init__(self, args: list[str], status: int, stderr: str) -> None:
        super().__init__(f"git {' '.join(args[:2])} exited {status}: {stderr.strip()}")
        self.status = status
        self.stderr = stderr


@dataclass(frozen=True)
class Done:
    status: int
    out: bytes
    err: str

    @property
    def text(self) -> str:
        return self.out.decode("utf-8", errors="replace")


def reason(stderr: str) -> str:
    """git's own reason: its first fatal:/error: line (hints after it help less), else its last line."""
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    return next((line for line in lines if line.startswith(("fatal:", "error:"))), lines[-1] if lines else "")


def fail(error: GitError, doing: str) -> UnusableError:
    said = reason(error.stderr)
    if said.startswith(("fatal:", "error:")):  # the message says "git failed" already
        said = said.removeprefix("fatal:").removeprefix("error:").strip()
    else:
        said = said or f"exit status {error.status}"
        if doing == "committing":
            said = f"a git hook or setting refused the commit ({said})"
    return UnusableError(f"git failed while {doing}: {said}")


class Pending:
    """A git process started and not yet waited for."""

    def __init__(self, proc: subprocess.Popen[bytes], args: list[str]) -> None:
        self.proc, self.args = proc, args
        self.read = False

    def wait(self) -> Done:
        self.read = True
        out, err = self.proc.communicate()
        result = Done(self.proc.returncode, out, err.decode("utf-8", errors="replace"))
        if result.status != 0:
            raise GitError(self.args, result.status, result.err)
        return result

    def cancel(self) -> None:
        """Stop it, where the command fails before it needs the result: no git left running."""
        if self.read:
            return
        self.read = True
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.communicate()


class Git:
    """git, run in one work tree."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.lock_timeout = 10.0  # seconds to wait for a lock file another git holds

    def run(self, *args: str, env: dict[str, str] | None = None, stdin: bytes | None = None,
            check: bool = True) -> Done:
        try:
            done = subprocess.run(["git", *args], cwd=self.root, input=stdin, capture_output=True, check=False,
                                  env={**os.environ, **env} if env else None)
        except OSError as error:
            raise UnusableError(f"cannot run git ({error.strerror}); install git and make sure it is on "
                                "the PATH, then repeat the command") from None
        result = Done(done.returncode, done.stdout, done.stderr.decode("utf-8", errors="replace"))
        if check and result.status != 0:
            raise GitError(list(args), result.status, result.err)
        return result

    def start(self, *args: str) -> Pending:
        """Start git and go on; `Pending.wait` reads its result (checked as `run` is). For a
        long read (the status of a big work tree) that can overlap the command's own work."""
        try:
            proc = subprocess.Popen(["git", *args], cwd=self.root, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        except OSError as error:
            raise UnusableError(f"cannot run git ({error.strerror}); install git and make sure it is on "
                                "the PATH, then repeat the command") from None
        return Pending(proc, list(args))

    def out(self, *args: str, env: dict[str, str] | None = None) -> str:
        """git's output, without the trailing newline."""
        return self.run(*args, env=env).text.rstrip("\n")

    def ok(self, *args: str) -> bool:
        return self.run(*args, check=False).status == 0

    def locked(self, *args: str, env: dict[str, str] | None = None) -> Done:
        """Run git, again while it fails only because another git holds a lock."""
        deadline = time.monotonic() + self.lock_timeout
        while True:
            try:
                return self.run(*args, env=env)
            except GitError as error:
                lock = gitlocks.held_lock(error.stderr)
                if lock is None:
                    raise
                if time.monotonic() >= deadline:
                    raise gitlocks.busy(lock, self.lock_timeout) from None
                time.sleep(gitlocks.POLL_SECONDS)


def parse_var_list(text: str) -> tuple[dict[str, str], dict[str, str]]:
    """`git var -l`: (every setting, last value wins; the idents git would commit with)."""
    settings: dict[str, str] = {}
    idents: dict[str, str] = {}
    for line in text.splitlines():
        key, sep, value = line.partition("=")
        if key in ("GIT_AUTHOR_IDENT", "GIT_COMMITTER_IDENT"):
            idents[key] = value
        elif key and not key.startswith("GIT_"):
            settings[normal_key(key)] = value if sep else "true"  # a bare key is a true boolean
    return settings, idents


def normal_key(key: str) -> str:
    """A setting's name as git compares it: section and name ignore case, a subsection does not."""
    section, _, rest = key.partition(".")
    middle, dot, name = rest.rpartition(".")
    return f"{section.lower()}.{middle}{dot}{name.lower()}" if rest else key.lower()
