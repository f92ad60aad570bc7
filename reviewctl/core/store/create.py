"""`reviewctl init`: a new store, committed."""

from __future__ import annotations

import shutil
from pathlib import Path

from reviewctl.adapters import yamlio
from reviewctl.adapters.files import write_atomic
from reviewctl.adapters.gitrepo import GitRepo
from reviewctl.core.store.folder import CASES_DIR, CONFIG_FILE, TEMPLATES_DIR
from reviewctl.core.store.json_schema import SETTINGS_FILE, default_vocabulary, store_files
from reviewctl.core.store.settings import PREFIX_SHAPE
from reviewctl.errors import RefusedError, UsageError

CONFIG_TEMPLATE = """\
# reviewctl store settings; docs/administrator.md ("Settings") explains each one.
{partnership}# Case ids are PREFIX-YEAR-XXXXXX, e.g. {prefix}-2026-7KQ4MX.
prefix: {prefix}
# A deadline shows as due-soon this many working days before it falls due.
due_soon_working_days: 3
# Seconds a command waits while another reviewctl command changes the store.
lock_timeout_seconds: 10
# The integrated chronology flags a gap between events longer than this.
chronology_gap_days: 90
# Change a clock's limit (working_days or months); the clocks are in the workflow.
clocks:
  agency-reply: {{working_days: 10}}
# A workflow of your own, relative to this file (the default is built in):
# workflow: workflow.yaml
# Approvals are SSH-signed commits, checked against .reviewctl/allowed_signers on
# the base branch. Manage approvers with `reviewctl approvers add|remove|list`.
signed_approvals: true
base_branch: main
# Forge teams by role, for `reviewctl codeowners`, e.g. sscp: "@partnership/sscp".
teams: {{}}
# Letters and documents as markdown, and as Word files too with [md, docx]
# (on templates/reference.docx, your letterhead, when there is one).
documents: [md]
# The partnership's postal address at the head of every letter, one line each, and who
# signs them (a role; the partnership's name follows), e.g.
#   address: [Fictional House, 1 Example Street, Exampletown, EX1 1AA]
#   signature: [Business Unit Manager]
address: []
"""

TEMPLATES_README = """\
# Templates

Letters and documents are rendered from Jinja2 templates. A file here with the same
name as one of reviewctl's own templates replaces it for this store. `reviewctl
template` lists them; `reviewctl template NAME > templates/NAME` starts your own.
"""


GITATTRIBUTES = """\
# Approvals proposed in parallel (one pull request per role) each add one line to the
# case's approvals.yaml: git keeps both lines when it merges them, where it would
# otherwise stop on a conflict. `reviewctl validate` checks the result.
cases/*/approvals.yaml merge=union
"""


def enclosing_repository(path: Path) -> Path | None:
    """The top folder of the git repository that already holds `path`, where `init` would
    commit the new store (a folder of that repository); None where `init` makes its own."""
    root = path.expanduser().resolve()
    repo = GitRepo.find(next(p for p in (root, *root.parents) if p.exists()))
    return repo.root if repo is not None else None


def init_store(path: Path, partnership: str, prefix: str) -> Path:
    if not PREFIX_SHAPE.match(prefix):
        raise UsageError(
            f"--prefix {prefix!r} must be 2 to 10 capital letters or digits, starting with a "
            "letter (e.g. SSCP)"
        )
    if not partnership.strip() or "\n" in partnership:
        raise UsageError("--partnership must be the partnership's name, on one line")
    root = path.expanduser().resolve()
    if root.exists() and not root.is_dir():
        raise UsageError(f"{path} is a file; give a folder for the store")
    if (root / CONFIG_FILE).exists():
        raise RefusedError(f"{path}: already a reviewctl store ({CONFIG_FILE} exists)")
    made_root = not root.exists()
    repo: GitRepo | None
    existing_parent = next(p for p in (root, *root.parents) if p.exists())
    repo = GitRepo.find(existing_parent)
    made_repo = repo is None
    files = {
        # Dumped, not pasted: a name with ':' or '#' must stay one quoted value.
        root / CONFIG_FILE: CONFIG_TEMPLATE.format(
            partnership=yamlio.dump({"partnership": partnership.strip()}), prefix=prefix),
        root / CASES_DIR / ".gitkeep": "",
        root / TEMPLATES_DIR / "README.md": TEMPLATES_README,
    }
    if not (root / ".gitattributes").exists():  # an existing repository's own is left alone
        files[root / ".gitattributes"] = GITATTRIBUTES
    # JSON Schemas of the files, and VS Code told which is whose: a hand edit is checked as typed.

    files.update({p: t for p, t in store_files(root, default_vocabulary(prefix)).items()
                  if p != root / SETTINGS_FILE or not p.exists()})
    existing = [p for p in files if p.exists()]
    if existing:
        raise RefusedError(f"{existing[0]} already exists; choose an empty folder")
    try:
        root.mkdir(parents=True, exist_ok=True)
        if repo is None:
            repo = GitRepo.init(root)
        repo.identity()
        for file, text in files.items():
            write_atomic(file, text)
        rel = [p.relative_to(repo.root).as_posix() for p in files]
        repo.commit("reviewctl: create store", rel)
    except BaseException:
        if repo is not None and not made_repo and repo.head() is not None:
            repo.unstage([p.relative_to(repo.root).as_posix() for p in files])
        for file in files:
            file.unlink(missing_ok=True)
        for folder in (root / CASES_DIR, root / TEMPLATES_DIR, root / ".reviewctl" / "schema", root / ".reviewctl",
                       root / ".vscode"):
            if folder.is_dir() and not any(folder.iterdir()):
                folder.rmdir()
        if made_repo and (root / ".git").is_dir():
            shutil.rmtree(root / ".git")
        if made_root and root.is_dir() and not any(root.iterdir()):
            root.rmdir()
        raise
    return root
