"""Fixtures: real git repositories in temporary folders, with a pinned identity.

No test may write outside its temporary folder: HOME and git's global config point
into the session's temporary folder, and the system config is ignored.  Under
pytest-xdist each worker is its own session, with its own temporary folder and HOME.

Stores are made once per test run by the real commands (`init_store`, `approvers add`,
`recipients add`) and copied for each test, whole (the work tree and its .git): a copy is
the same repository, for a fraction of the cost of making it again.  SSH keys are made once
per run too.  "Once per run": the first pytest-xdist worker to need one makes it in the
run's folder (helpers.made_for_run), and the other waits for it and uses the same one; so
both workers' stores start from the same commits, and a case one worker took to a stage
(helpers.to_in_review and the like) is copied by the other too.  Safe to share: no test
writes to a template or a key; a test gets a copy of a store, and only reads the keys (git
never changes an object file, so a copy's objects are hard links to the template's).

The temporary folders are on tmpfs (/dev/shm) when it is there with room to spare and
TMPDIR is not set: the same real git and the same fsync calls, but no disk to wait for
(on this machine, whose disk is shared, most of the wall time the suite lost was that
wait).  TMPDIR=/tmp keeps them on disk.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from browser import Browser
from helpers import PEOPLE, RUN_DIR, TODAY, Cli, become, copy_store, git, made_for_run

from reviewctl.cli.app import main
from reviewctl.core.store.create import init_store

# A whole run over two workers holds about 40 MB there at its peak (a passed test's folder
# goes when it ends); 1 GiB free leaves room for far more.  A container's 64 MB is not used.
_TMPFS, _TMPFS_ROOM = Path("/dev/shm"), 2**30


_EXEMPLARS = "BENCH_EXEMPLARS_DIR"  # benchmarks/generate.py keeps its exemplar cases there


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    # Before the first temporary folder is made; xdist's workers inherit the setting.
    if "TMPDIR" not in os.environ and _TMPFS.is_dir() and os.access(_TMPFS, os.W_OK) \
            and shutil.disk_usage(_TMPFS).free >= _TMPFS_ROOM:
        os.environ["TMPDIR"] = str(_TMPFS)
        tempfile.tempdir = None  # pytest's capture already asked: ask again
    # One folder for the benchmark's exemplar cases, made by the first worker that needs them
    # and used by the others (the smoke runs and the browser test's long tracker): set before
    # the workers start, so they inherit it; removed when the run ends.
    if not hasattr(config, "workerinput") and _EXEMPLARS not in os.environ:
        os.environ[_EXEMPLARS] = tempfile.mkdtemp(prefix="reviewctl-exemplars-")
        config.add_cleanup(lambda: shutil.rmtree(os.environ.pop(_EXEMPLARS), ignore_errors=True))
    # The same for what the workers share: the template stores, the keys and the cases taken to
    # a stage (tests/helpers.py, made_for_run).
    if not hasattr(config, "workerinput") and RUN_DIR not in os.environ:
        os.environ[RUN_DIR] = tempfile.mkdtemp(prefix="reviewctl-tests-")
        config.add_cleanup(lambda: shutil.rmtree(os.environ.pop(RUN_DIR), ignore_errors=True))


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # The longest tests first: the benchmark smoke runs (a minute of processes each under load),
    # then the browser's.  Started last, one of them would keep a worker busy after the other
    # had finished; started first, the other worker takes the short tests meanwhile.
    def weight(item: pytest.Item) -> int:
        return 0 if item.get_closest_marker("bench") else 1 if "_browser.py" in item.nodeid else 2
    items.sort(key=weight)  # stable: the rest keep their order


@pytest.fixture(autouse=True, scope="session")
def _isolated_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    home = tmp_path_factory.mktemp("home")
    gitconfig = home / ".gitconfig"
    gitconfig.write_text(
        "[user]\n\tname = Test Business Unit\n\temail = test@example.invalid\n"
        "[init]\n\tdefaultBranch = main\n[commit]\n\tgpgsign = false\n"
    )
    saved = dict(os.environ)
    for key in list(os.environ):
        if key.startswith(("REVIEWCTL_", "GIT_")):
            del os.environ[key]
    # The private folders of `confidential --edit` too: a test that kills one leaves its folder
    # here, where only this session's commands look for it (never the machine's /dev/shm).
    runtime = tmp_path_factory.mktemp("runtime")
    runtime.chmod(0o700)
    os.environ.update({
        "HOME": str(home), "GIT_CONFIG_GLOBAL": str(gitconfig), "GIT_CONFIG_NOSYSTEM": "1",
        "TMPDIR": str(tmp_path_factory.mktemp("tmp")), "XDG_RUNTIME_DIR": str(runtime),
    })
    # Python's own temporary files too (tempfile asked once and kept the answer): in the
    # session's folder, removed with it, not left in /tmp.
    saved_tempdir, tempfile.tempdir = tempfile.tempdir, None
    yield
    tempfile.tempdir = saved_tempdir
    os.environ.clear()
    os.environ.update(saved)


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> Cli:
    return Cli(capsys)


def _copy(template: Path, root: Path) -> Path:
    copy_store(template, root)
    return root


@pytest.fixture(scope="session")
def _plain_store(_isolated_home: None) -> Path:
    def make(folder: Path) -> None:
        root = init_store(folder / "store", "Fictional Test Partnership", "TST")
        # Most tests approve without SSH keys; test_signing.py uses a signed store.
        config = root / "reviewctl.yaml"
        config.write_text(config.read_text().replace("signed_approvals: true", "signed_approvals: false"))
        git(root, "commit", "-qam", "plain approvals for tests")
    return made_for_run("plain", make) / "store"


@pytest.fixture
def store(_plain_store: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = _copy(_plain_store, tmp_path / "store")
    monkeypatch.chdir(root)
    monkeypatch.setenv("REVIEWCTL_TODAY", TODAY)
    return root


@pytest.fixture(scope="session")
def ssh_key() -> Path:
    """One real ssh-ed25519 key pair per test run."""
    def make(folder: Path) -> None:
        subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "alex@example.invalid",
                        "-f", str(folder / "id_ed25519")], check=True)
    return made_for_run("sshkey", make) / "id_ed25519"


@pytest.fixture(scope="session")
def _team_store(_plain_store: Path, ssh_key: Path) -> Path:
    # `recipients add` commits to the store and writes nothing to the key store.
    def make(folder: Path) -> None:
        root = folder / "store"
        copy_store(_plain_store, root)
        with pytest.MonkeyPatch.context() as patch:
            patch.chdir(root)
            patch.setenv("REVIEWCTL_TODAY", TODAY)
            patch.setenv("REVIEWCTL_KEYSTORE", str(folder / "keystore"))
            patch.setenv("REVIEWCTL_IDENTITY", str(ssh_key))
            assert main(["recipients", "add", "alex", "--key", f"{ssh_key}.pub"]) == 0
    return made_for_run("team", make) / "store"


@pytest.fixture
def team(_team_store: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, ssh_key: Path) -> Path:
    """A store whose one recipient (alex, an ssh key) is you; the key store outside the repo."""
    root = _copy(_team_store, tmp_path / "store")
    monkeypatch.chdir(root)
    monkeypatch.setenv("REVIEWCTL_TODAY", TODAY)
    monkeypatch.setenv("REVIEWCTL_KEYSTORE", str(tmp_path / "keystore"))
    monkeypatch.setenv("REVIEWCTL_IDENTITY", str(ssh_key))
    return root


@pytest.fixture(scope="session")
def keys() -> dict[str, Path]:
    """Real ssh-ed25519 keys of alice, bob, carol and mallory, made once per test run."""
    def make(folder: Path) -> None:
        for name, email in PEOPLE.items():
            subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", email, "-f", str(folder / name)],
                           check=True)
    folder = made_for_run("keys", make)
    return {name: folder / name for name in PEOPLE}


@pytest.fixture(scope="session")
def _signed_store(_isolated_home: None, keys: dict[str, Path]) -> Path:
    def make(folder: Path) -> None:
        root = init_store(folder / "signed", "Fictional Signed Partnership", "SIG")
        git(root, "branch", "-M", "main")
        become(root, "alice", keys)
        with pytest.MonkeyPatch.context() as patch:
            patch.chdir(root)
            patch.setenv("REVIEWCTL_TODAY", TODAY)
            for role, name in (("sscp", "alice"), ("sscp", "bob"), ("independent-chair", "carol")):
                assert main(["approvers", "add", role, PEOPLE[name], "--key", f"{keys[name]}.pub"]) == 0
    return made_for_run("signed", make) / "signed"


@pytest.fixture
def signed(_signed_store: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A store that requires signed approvals; alice and bob approve, carol chairs."""
    root = _copy(_signed_store, tmp_path / "signed")
    monkeypatch.chdir(root)
    monkeypatch.setenv("REVIEWCTL_TODAY", TODAY)
    return root


@pytest.fixture(scope="session")
def office_profile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """LibreOffice's user folder for this session's conversions (tests/office.py): made once, in the
    session's temporary folder, never the user's own."""
    return tmp_path_factory.mktemp("libreoffice-profile")


@pytest.fixture(scope="session")
def chromium_session() -> Iterator[Callable[[str], Browser]]:
    """One headless Chromium per session (tests/browser.py), opened when first asked for: the
    browser tests of the site and of `serve` each open their pages in tabs of their own, closed
    after, so one browser serves both modules (its start costs about half a second of CPU)."""
    opened: dict[str, Browser] = {}

    def browser(binary: str) -> Browser:
        if binary not in opened:
            opened[binary] = Browser(binary)
        return opened[binary]
    yield browser
    for each in opened.values():
        each.close()
