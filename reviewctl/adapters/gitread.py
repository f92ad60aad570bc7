"""Reading a repository without changing it: history, signatures, objects and refs.

What the commands ask of git without changing anything (a case's history, validate
--base, verify, doctor): the commits since a point or with a trailer, the state of
their signatures (all in one `git log`), a file's text at a commit (many through one
`git cat-file --batch`), and what a name or ref points at.  GitRepo (gitrepo.py) adds
finding the repository, its state and committing on top of these; every process goes
through gitrun.Git.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path

from reviewctl.adapters.gitrun import Git, GitError, fail
from reviewctl.errors import UnusableError

# From this many paths in one folder, texts_at looks them up through their subtrees (see _object_names).
_SUBTREES_FROM = 64


class GitReader:
    """The reading half of a repository's adapter; it holds nothing but its git runner."""

    def __init__(self, git: Git) -> None:
        self.git = git

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

    def added_in(self, path: str) -> tuple[str, str] | None:
        """(commit, message) of the latest commit in HEAD's history that added `path`; None if none did."""
        found = self._records("log", "HEAD", "-1", "--diff-filter=A", "--format=%H%x1f%B%x1e", "--", path, fields=2)
        return (found[0][0], found[0][1]) if found and len(found[0]) == 2 else None

    def root_commits(self, ref: str = "HEAD") -> set[str]:
        """The commits without parents in `ref`'s history: where the repository began."""
        done = self.git.run("rev-list", "--max-parents=0", ref, "--", check=False)
        return set(done.text.split()) if done.status == 0 else set()

    def trailer_values(self, key: str, grep: str | None = None) -> set[str]:
        """Every value of the trailer `key` in the commits of every ref (every branch, remote
        branch and tag: all this clone can see), of the commits whose message holds `grep`."""
        args = ["log", "--all", f"--format=%(trailers:key={key},valueonly)"]
        if grep is not None:
            args[2:2] = ["--fixed-strings", f"--grep={grep}"]
        done = self.git.run(*args, check=False)
        return {line.strip() for line in done.text.splitlines() if line.strip()} if done.status == 0 else set()

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

    def clean_blobs(self, pathspec: str) -> dict[str, str]:
        """The blob id of each file under `pathspec` that git's index has and finds unchanged in
        the work tree, by its path from the repository's root: what a fresh clone has for every
        file, without reading one.  Two processes: the index's entries, less what `diff-files`
        finds changed (git's own stat and racy rules); an unreadable index gives nothing."""
        try:
            listed = self.git.run("ls-files", "-s", "-z", "--", pathspec).out
            dirty = set(self.git.run("diff-files", "--name-only", "-z", "--", pathspec).out.split(b"\0"))
        except GitError:
            return {}
        found = {}
        for record in listed.split(b"\0"):
            head, _, path = record.partition(b"\t")
            fields = head.split()
            # Regular files at stage 0 only: not a link, a submodule or one side of a conflict.
            if len(fields) == 3 and fields[0] in (b"100644", b"100755") and fields[2] == b"0" and path not in dirty:
                found[path.decode("utf-8", "surrogateescape")] = fields[1].decode()
        return found

    # -- reading objects ---------------------------------------------------------------------

    def show_file(self, ref: str, path: str) -> str | None:
        """The text of `path` at `ref`, or None where it does not exist there."""
        done = self.git.run("show", f"{ref}:{path}", check=False)
        return done.text if done.status == 0 else None

    def texts_at(self, commit: str, paths: list[str]) -> dict[str, str | None]:
        """The text of each of `paths` at `commit` (None where absent, or a folder), through one cat-file process."""
        if self.resolve(commit) is None:
            raise UnusableError(f"git failed while reading {commit[:10]}: no such commit")
        names = self._object_names(commit, paths)
        asked = [path for path in paths if names[path] is not None]
        read = self._batch([str(names[path]) for path in asked], f"reading {commit[:10]}")
        found: dict[str, str | None] = dict.fromkeys(paths)  # None: its folder is not in the commit
        for path, got in zip(asked, read, strict=True):
            found[path] = got[1].decode("utf-8", errors="replace") if got is not None and got[0] == b"blob" else None
        return found

    def blob_ids_at(self, commit: str, paths: list[str]) -> dict[str, str | None]:
        """The blob id of each of `paths` at `commit` (None where absent, or not a file), through
        one cat-file process: what is known by its id need not be read again."""
        if self.resolve(commit) is None:
            raise UnusableError(f"git failed while reading {commit[:10]}: no such commit")
        names = self._object_names(commit, paths)
        asked = [path for path in paths if names[path] is not None]
        stdin = "".join(f"{names[path]}\n" for path in asked).encode("utf-8")
        try:
            out = self.git.run("cat-file", "--batch-check=%(objecttype) %(objectname)", stdin=stdin).out \
                if asked else b""
        except GitError as error:
            raise fail(error, f"reading {commit[:10]}") from None
        found: dict[str, str | None] = dict.fromkeys(paths)
        lines = out.decode("utf-8", "surrogateescape").split("\n")[:len(asked)]  # not splitlines: U+2028 is no end
        for path, line in zip(asked, lines, strict=True):
            kind, _, oid = line.partition(" ")
            found[path] = oid if kind == "blob" else None  # "<name> missing" has no "blob"
        return found

    def blob_texts(self, blobs: list[str]) -> dict[str, str]:
        """The text of each blob id, through one cat-file process."""
        found = {}
        for blob, got in zip(blobs, self._batch(blobs, "reading blobs"), strict=True):
            if got is None:  # a partial clone, say
                raise UnusableError(f"git has no object {blob[:10]}; fetch the base branch again, then repeat")
            found[blob] = got[1].decode("utf-8", errors="replace")
        return found

    def _batch(self, names: list[str], doing: str) -> list[tuple[bytes, bytes] | None]:
        """(type, content) of each object `names` names, as `git cat-file --batch` gives them;
        None where git has none."""
        if not names:
            return []
        try:
            out = self.git.run("cat-file", "--batch", stdin="".join(f"{n}\n" for n in names).encode("utf-8")).out
        except GitError as error:
            raise fail(error, doing) from None
        found: list[tuple[bytes, bytes] | None] = []
        at = 0
        for _ in names:
            end = out.index(b"\n", at)
            header = out[at:end].rsplit(b" ", 2)
            at = end + 1
            if len(header) == 3 and header[2].isdigit():  # <object> <type> <size>, the content, a newline
                size = int(header[2])
                found.append((header[1], out[at:at + size]))
                at += size + 1
            else:  # <name> missing (or ambiguous)
                found.append(None)
        return found

    def _object_names(self, commit: str, paths: list[str]) -> dict[str, str | None]:
        """How cat-file is asked for each path: `commit:path`, or, for many paths in one big
        folder (`cases/<id>/case.yaml` for a thousand cases), `<subtree>:rest`. git looks a
        path up one folder at a time, scanning each folder's entries, so a thousand lookups
        through a folder of 10,000 cases cost seconds; one ls-tree of that folder costs 0.02 s.
        None: the path's folder is not in the commit."""
        groups: dict[str, list[str]] = {}
        for path in paths:
            if path.count("/") >= 2:
                groups.setdefault(path.rsplit("/", 2)[0], []).append(path)
        names: dict[str, str | None] = {path: f"{commit}:{path}" for path in paths}
        for folder, inside in groups.items():
            if len(inside) < _SUBTREES_FROM:
                continue
            done = self.git.run("ls-tree", "-z", commit, "--", folder + "/", check=False)
            if done.status != 0:
                continue  # asked path by path, as before
            trees = {}
            for record in done.out.split(b"\0"):
                head, _, name = record.partition(b"\t")
                fields = head.split()
                if len(fields) == 3 and fields[1] == b"tree":
                    trees[name.decode("utf-8", "surrogateescape")] = fields[2].decode()
            for path in inside:
                sub, rest = path[len(folder) + 1:].split("/", 1)
                tree = trees.get(f"{folder}/{sub}")
                names[path] = f"{tree}:{rest}" if tree is not None else None
        return names

    def files_in(self, commit: str, folder: str) -> list[str]:
        """The paths of the files directly in `folder` at `commit` (none where it is absent)."""
        done = self.git.run("ls-tree", "-z", "--name-only", commit, "--", folder.rstrip("/") + "/", check=False)
        return [p for p in done.text.split("\0") if p] if done.status == 0 else []

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
        if any(ref.endswith("/HEAD") for ref in candidates):  # a remote's HEAD: exact_ref's own rules
            return [(ref, commit) for ref in candidates if (commit := self.exact_ref(ref)) is not None]
        # One process for all the candidates: for-each-ref reads only refs (no guessing, as
        # show-ref), and peels an annotated tag to what it tags. Its patterns also match
        # refs below a name (refs/heads/main/x), so only exact names count.
        done = self.git.run("for-each-ref", "--format=%(refname)%00%(objecttype)%00%(objectname)%00"
                            "%(*objecttype)%00%(*objectname)", "--", *candidates, check=False)
        listed: dict[str, str] = {}
        for line in done.text.splitlines() if done.status == 0 else []:
            ref, kind, commit, peeled_kind, peeled = (line.split("\0") + [""] * 5)[:5]
            if ref in candidates:
                target = commit if kind == "commit" else peeled if peeled_kind == "commit" else None
                if peeled_kind == "tag":  # a tag of a tag: peeled all the way, as rev-parse does
                    target = self.resolve(ref)
                if target:
                    listed[ref] = target
        return [(ref, listed[ref]) for ref in candidates if ref in listed]
