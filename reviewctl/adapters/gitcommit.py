"""Writing a commit of some paths on top of a commit, without the index or the work tree.

`fast_import` writes the files' blobs, the tree, the commit and the branch's update in
one `git fast-import` process.  The tree is HEAD's with the paths replaced, so others'
staged work stays out of the commit; the branch is updated only if it still holds the
commit the step started from (fast-import compares and swaps, and refuses a commit that
does not contain the branch's tip), so a commit made meanwhile is never lost.

fast-import cannot sign: a signed commit (an approval) is built with `plumbing_commit`,
on a private index, and `git commit-tree -S`.
"""

from __future__ import annotations

import os
from pathlib import Path

from reviewctl.adapters.gitrun import Git


def _quoted(path: str) -> str:
    """A path as fast-import reads it: C-style quoted when it could be misread."""
    if not any(c in path for c in '"\\\n') and not path.startswith('"'):
        return path
    return '"' + path.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _data(payload: bytes) -> bytes:
    return b"data %d\n" % len(payload) + payload + b"\n"


def fast_import(git: Git, root: Path, ref: str, parent: str | None, paths: list[str], message: str,
                idents: dict[str, str], contents: dict[str, str | bytes | None] | None = None,
                filemode: bool = True) -> str:
    """Commit `paths` (as the work tree holds them, or as `contents` gives them; absent: deleted) on `parent`."""
    author, committer = idents.get("GIT_AUTHOR_IDENT"), idents.get("GIT_COMMITTER_IDENT")
    if not author or not committer:
        from reviewctl.errors import UnusableError

        raise UnusableError("git failed while committing: git gave no identity to commit with; set "
                            "`git config user.name` and `git config user.email`, then repeat the step")
    stream = [f"commit {ref}\nmark :1\nauthor {author}\ncommitter {committer}\n".encode(),
              _data(message.rstrip("\n").encode("utf-8") + b"\n")]  # as commit-tree -m ends it
    if parent is not None:
        stream.append(f"from {parent}\n".encode())
    for path in paths:
        if contents is not None:
            given = contents.get(path)
            data = None if given is None else given.encode("utf-8") if isinstance(given, str) else given
            mode = "100644"
        else:
            file = root / path
            data = file.read_bytes() if file.is_file() else None
            mode = "100755" if filemode and data is not None and os.access(file, os.X_OK) else "100644"
        if data is None:
            stream.append(f"D {_quoted(path)}\n".encode())
        else:
            stream += [f"M {mode} inline {_quoted(path)}\n".encode(), _data(data)]
    stream.append(b"\nget-mark :1\ndone\n")
    done = git.run("fast-import", "--quiet", "--done", "--date-format=raw", "--cat-blob-fd=1",
                   stdin=b"".join(stream))
    return done.text.split()[-1]


def plumbing_commit(git: Git, git_dir: Path, parent: str | None, paths: list[str], message: str, sign: bool,
                    contents: dict[str, str | bytes | None] | None = None) -> str:
    """Commit `paths` on `parent` through a private index, and commit-tree (-S: signed with the user's settings)."""
    index = git_dir / f"reviewctl-index-{os.getpid()}"
    env = {"GIT_INDEX_FILE": str(index)}
    try:
        if parent is not None:
            git.run("read-tree", parent, env=env)
        if contents is None:
            git.run("add", "-A", "--", *paths, env=env)
        else:
            for path, text in contents.items():
                if text is None:
                    git.run("update-index", "--force-remove", "--", path, env=env)
                    continue
                data = text.encode("utf-8") if isinstance(text, str) else text
                blob = git.run("hash-object", "-w", "--stdin", stdin=data).text.strip()
                git.run("update-index", "--add", "--cacheinfo", f"100644,{blob},{path}", env=env)
        tree = git.out("write-tree", env=env).strip()
        parents = ["-p", parent] if parent else []
        signing = ["-S"] if sign else []
        return git.out("commit-tree", tree, *parents, *signing, "-m", message).strip()
    finally:
        index.unlink(missing_ok=True)
