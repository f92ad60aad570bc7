"""The store: a folder with reviewctl.yaml and cases/, inside a git repository."""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from reviewctl import __version__
from reviewctl.adapters.calendar import Calendar, MonthEnd
from reviewctl.adapters.gitdir import find_git_dir
from reviewctl.core.case.problems import Problem
from reviewctl.core.store.confinement import link_problem
from reviewctl.errors import InvalidDataError, UnusableError, UsageError, shown_id

if TYPE_CHECKING:  # the models load only when a command needs them: a warm report does not
    from reviewctl.adapters.gitrepo import GitRepo
    from reviewctl.adapters.yamlio import SettingsCache
    from reviewctl.core.case.files import CaseFiles
    from reviewctl.core.case.views import Node
    from reviewctl.core.store.settings import Config
    from reviewctl.core.workflow.load import Workflow

CONFIG_FILE = "reviewctl.yaml"
CASES_DIR = "cases"
TEMPLATES_DIR = "templates"
HOLIDAYS_FILE = "reviewctl-holidays.pickle"  # under .git: the bank holidays worked out, for the next command
SETTINGS_FILE = "reviewctl-settings.pickle"  # under .git: the settings files as parsed, for the next command
DEFAULT_WORKFLOW = Path(__file__).resolve().parents[2] / "workflows" / "default.yaml"


@dataclass
class Store:
    root: Path
    identity_file: Path | None = None  # --identity: the private key that reads identifiers
    # Whether what the calendar and the settings' parser work out is kept under .git (the command line).
    local_caches: bool = False

    @classmethod
    def find(cls, explicit: Path | None = None, cwd: Path | None = None) -> Store:
        """`--store`/REVIEWCTL_STORE if given, else the nearest folder up with reviewctl.yaml."""
        if explicit is not None:
            root = explicit.expanduser().resolve()
            if not (root / CONFIG_FILE).is_file():
                raise UnusableError(
                    f"{explicit}: not a reviewctl store (no {CONFIG_FILE}); "
                    "create one with `reviewctl init PATH`"
                )
            return cls(root)
        start = (cwd or Path.cwd()).resolve()
        for folder in (start, *start.parents):
            if (folder / CONFIG_FILE).is_file():
                return cls(folder)
        raise UnusableError(
            f"no reviewctl store here: no {CONFIG_FILE} in {start} or any folder above it; "
            "cd into a store, pass --store PATH (or set REVIEWCTL_STORE), "
            "or create one with `reviewctl init`"
        )

    def use_local_caches(self) -> None:
        """Let the calendar and the settings' parser keep what they work out under .git, for the next command."""
        self.local_caches = True
        git_dir = find_git_dir(self.root)
        self.settings_cache.use_file(git_dir / SETTINGS_FILE if git_dir else None, __version__)

    @cached_property
    def settings_cache(self) -> SettingsCache:
        """The settings files as parsed: this store's own, never another's in the same process."""
        from reviewctl.adapters.yamlio import SettingsCache  # lazy: loads 4 more modules

        return SettingsCache()

    @cached_property
    def calendar(self) -> Calendar:
        """The store's working-day calendar, from its settings (its closure days, its `month_end`)."""
        config, flow = self.config, self.workflow
        return self.calendar_with(config.bank_holidays, flow.statute.month_end)

    def calendar_with(self, closed: list[date], month_end: MonthEnd = "leave") -> Calendar:
        """The store's calendar with these settings (a report takes them from its cache, not the settings)."""
        git_dir = find_git_dir(self.root) if self.local_caches else None
        found = Calendar(frozenset(closed), month_end, cache_file=git_dir / HOLIDAYS_FILE if git_dir else None,
                         tag=__version__)
        found.load_cache()
        return found

    # -- paths ------------------------------------------------------------------
    @property
    def cases_dir(self) -> Path:
        return self.root / CASES_DIR

    def case_dir(self, case_id: str) -> Path:
        from reviewctl.core.case.models import check_id  # lazy: loads pydantic

        return self.cases_dir / check_id(case_id)  # an id can never leave cases/

    def shown(self, path: Path) -> str:
        """A path as messages show it: relative to the current folder where possible."""
        try:
            return os.path.relpath(path)
        except ValueError:
            return str(path)

    # -- configuration ----------------------------------------------------------
    @cached_property
    def settings(self) -> tuple[Config | None, Workflow | None, list[Problem]]:
        """The settings and the workflow, each None when it has problems, and the problems."""
        from reviewctl.adapters import yamlio  # lazy: loads 4 more modules
        from reviewctl.core.case.schema_errors import errors_of  # lazy: loads pydantic, difflib
        from reviewctl.core.store.settings import Config  # lazy: loads pydantic, difflib
        from reviewctl.core.workflow.load import apply_limits, load_workflow  # lazy: loads pydantic, difflib

        path = self.root / CONFIG_FILE
        shown = self.shown(path)
        raw: object = None

        def check(data: object) -> tuple[Config | None, list[Problem]]:
            nonlocal raw
            raw = data
            if not isinstance(data, dict):
                return None, [Problem(shown, "must be a mapping of settings", 1)]
            return errors_of(Config, data, shown)

        try:
            config, problems = yamlio.read_checked(path, shown, check, self.settings_cache)
        except InvalidDataError as error:
            return None, None, [Problem.of(error)]
        if config is None:
            return None, None, problems
        try:
            flow_path = self._workflow_path(config)
        except InvalidDataError as error:  # its line: from the round-trip parse, as below
            return config, None, [replace(Problem.of(error), line=yamlio.line_of(yamlio.read_roundtrip(path, shown),
                                                                                  ("workflow",)))]
        flow, problems = load_workflow(flow_path, self.shown(flow_path), self.settings_cache)
        if flow is None:
            return config, None, problems
        from reviewctl.core.workflow.statute import apply_settings  # lazy: loads pydantic

        problems = apply_limits(flow, config.clocks, raw, shown) + apply_settings(flow, config, raw, shown)
        if problems and not yamlio.has_lines(raw):
            # Found once the workflow takes the settings in, from the data parsed fast (no lines):
            # as read_checked does, parse again only now, so each problem names its line too.
            # Taking a setting in twice is harmless: the workflow is refused either way.
            raw = yamlio.read_roundtrip(path, shown)
            problems = apply_limits(flow, config.clocks, raw, shown) + apply_settings(flow, config, raw, shown)
        return config, (None if problems else flow), problems

    @property
    def config(self) -> Config:
        config, _, problems = self.settings
        if config is None:
            raise problems[0].error()
        return config

    @property
    def workflow_file(self) -> Path:
        return self._workflow_path(self.config)

    @property
    def workflow(self) -> Workflow:
        _, flow, problems = self.settings
        if flow is None:
            raise problems[0].error()
        return flow

    def _workflow_path(self, config: Config) -> Path:
        name = config.workflow
        if not name:
            return DEFAULT_WORKFLOW
        given = self.root / name
        path = given.resolve()
        shown = self.shown(self.root / CONFIG_FILE)
        # The workflow decides what every step needs: like a template, a real file in the store.
        if given.is_symlink() or not path.is_relative_to(self.root.resolve()):
            raise InvalidDataError(f"{name} is a link or lies outside the store; give the path of a regular "
                                   "file inside the store, relative to it", path=shown, key="workflow")
        if not path.is_file():
            raise InvalidDataError(f"{name} does not exist; give a workflow file's path relative to the store, "
                                   "or remove the key", path=shown, key="workflow")
        return path

    @cached_property
    def repo(self) -> GitRepo:
        from reviewctl.adapters.gitrepo import GitRepo  # lazy: loads tempfile

        repo = GitRepo.find(self.root)
        if repo is None:
            raise UnusableError(
                f"{self.root}: the store is not in a git repository; run `git init` there "
                "and commit the store, or create a new one with `reviewctl init`"
            )
        return repo

    def repo_path(self, path: Path) -> str:
        """`path` relative to the repository root, as git wants it."""
        return path.resolve().relative_to(self.repo.root).as_posix()

    def templates_search(self) -> list[Path]:
        from reviewctl.adapters.render import default_templates_dir  # lazy: loads jinja2, signal

        own = self.root / TEMPLATES_DIR
        default = default_templates_dir()
        search = [own] if own.is_dir() or own.is_symlink() else []  # a link is refused when read
        if default.resolve() != own.resolve():
            search.append(default)
        return search

    # -- cases ------------------------------------------------------------------
    @cached_property
    def _cases_linked(self) -> bool:
        return os.path.islink(self.cases_dir)

    def case_ids(self) -> list[str]:
        if not self.cases_dir.is_dir():
            return []
        return sorted(p.name for p in self.cases_dir.iterdir() if (p / "case.yaml").is_file())

    def existing_case_dir(self, case_id: str) -> Path:
        folder = self.case_dir(case_id)
        if self._cases_linked or os.path.islink(folder):  # a linked case (or cases/) is never read
            from reviewctl.core.store.confinement import refuse_links  # lazy: only where it is needed

            refuse_links(self, folder)
        if not (folder / "case.yaml").is_file():
            from reviewctl.core.workflow.suggest import canonical, did_you_mean  # lazy: only where it is needed

            ids = self.case_ids()
            same = canonical(case_id, ids)  # typed in small letters: say so, rather than guess on
            # Ids are random: only a slip of a character or two is worth naming, never another case
            # that merely shares the prefix and year (a step on it would change the wrong case).
            hint = f" (did you mean '{same}'?)" if same else did_you_mean(case_id, ids, cutoff=0.85)
            raise UsageError(
                f"no case {shown_id(case_id)} in {self.shown(self.cases_dir)}{hint}; `reviewctl list` shows the ids"
            )
        return folder

    def case(self, case_id: str, roundtrip: bool = False, fast: bool = False,
             only: frozenset[str] | None = None) -> CaseFiles:
        """One case: its checked id, its folder and typed views over its files.

        `roundtrip`: the maps a step edits in place (comments and key order survive);
        otherwise plain maps for reading (`fast`: the quickest loader, for bulk reads).
        `only`: just these documents (by name), for a reader that needs no others.
        An id of the wrong shape, or of no case here, is refused as `existing_case_dir` says.
        """
        from reviewctl.core.case.files import CaseFiles  # lazy: loads 7 more modules

        docs = read_documents(self, case_id, roundtrip, fast, only)
        return CaseFiles(case_id, self.case_dir(case_id), docs)


def read_documents(store: Store, case_id: str, roundtrip: bool, fast: bool = False,
                   only: frozenset[str] | None = None) -> dict[str, Node]:
    """The raw mappings of a case's files by document name; a missing file is absent (and so is
    any document not in `only`, when it is given)."""
    from reviewctl.adapters import yamlio  # lazy: loads 4 more modules

    docs: dict[str, Node] = {}
    for name, (text, shown) in read_texts(store, case_id, only).items():
        if roundtrip:
            data = yamlio.parse_roundtrip(text, shown)
        else:
            data = yamlio.parse_fast(text, shown) if fast else yamlio.parse_safe(text, shown)
        checked = checked_document(name, data, shown)
        docs[name] = checked if checked is not None else yamlio.new_map() if roundtrip else {}
    return docs


def read_texts(store: Store, case_id: str, only: frozenset[str] | None = None) -> dict[str, tuple[str, str]]:
    """The texts of a case's files by document name, each with its path as messages show it."""
    from reviewctl.adapters import yamlio  # lazy: loads 4 more modules
    from reviewctl.core.case.documents import DOCUMENT_FILES  # lazy: loads pydantic

    folder = store.existing_case_dir(case_id)
    with os.scandir(folder) as entries:  # one look at the folder, not one stat per document
        listed = [(entry.name, entry.is_symlink()) for entry in entries]
    linked = sorted(name for name, link in listed if link)
    if linked:  # a linked case.yaml, documents/ or chronology/ could lead out of the store
        raise link_problem(store, folder / linked[0]).error()
    present = {name for name, _ in listed}
    where = store.shown(folder)
    texts: dict[str, tuple[str, str]] = {}
    for name, filename in DOCUMENT_FILES.items():
        if filename not in present or (only is not None and name not in only):
            continue
        shown = f"{where}/{filename}"
        texts[name] = (yamlio.read_text(folder / filename, shown), shown)
    return texts


def checked_document(name: str, data: object, shown: str) -> Node | None:
    """A document as parsed, refused unless it is a mapping; None: empty, as any but the case may be."""
    if data is None:
        if name == "case":  # every other document may start empty; the case cannot
            raise InvalidDataError("is empty (no keys at all); bring back the last committed version with "
                                   "`git restore`, then repeat", path=shown)
        return None
    if not isinstance(data, dict):
        raise InvalidDataError("must be a mapping of keys", path=shown, line=1)
    return data
