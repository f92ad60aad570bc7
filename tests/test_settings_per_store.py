"""A store's settings are its own (issue 18): the settings files as parsed are kept by the
store that read them, and every problem of reviewctl.yaml names its file, line and key, also
those found only once the workflow or the calendar takes the settings in."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest
from helpers import INVALID, Cli, copy_store, refer, refused_cleanly

from reviewctl.core.store.folder import Store

SETTINGS_FILE = "reviewctl-settings.pickle"  # under .git


def _kept(root: Path) -> bytes:
    """The settings the store keeps as parsed under its .git, as one text to search."""
    cache = root / ".git" / SETTINGS_FILE
    return b"".join(pickle.loads(cache.read_bytes())["parsed"].values()) if cache.is_file() else b""


def test_two_stores_in_one_process_keep_their_own_settings(store: Path, tmp_path: Path) -> None:
    other = tmp_path / "other"
    copy_store(store, other)
    for root, town in ((store, "Firsttown"), (other, "Secondtown")):
        (root / ".git" / SETTINGS_FILE).unlink(missing_ok=True)
        config = root / "reviewctl.yaml"
        kept = [line for line in config.read_text().splitlines(keepends=True) if not line.startswith("address:")]
        config.write_text("".join(kept) + f"address: [1 Example Street, {town}]\n")
    # As `serve` or a script over the API holds them: both open, then each reads its settings.
    first, second = Store(store), Store(other)
    first.use_local_caches()
    second.use_local_caches()
    assert first.config.address[-1] == "Firsttown"
    assert second.config.address[-1] == "Secondtown"
    assert b"Firsttown" in _kept(store) and b"Secondtown" not in _kept(store)
    assert b"Secondtown" in _kept(other) and b"Firsttown" not in _kept(other)
    # A third store in the same process starts with nothing another has parsed.
    third = Store(other)
    assert third.settings_cache is not second.settings_cache
    assert third.config.address[-1] == "Secondtown"


BAD_LATER = {
    "type_labels": ("type_labels:\n  xyz: Extra review\n", "type_labels.xyz", "not a review type"),
    "clock_starts": ("clock_starts:\n  rapid-review: case.decided\n", "clock_starts.rapid-review",
                     "'case.decided' is not a start of this clock"),
    "clocks": ("clocks:\n  agency-reply: {working_days: 10}\n  no-such-clock: {working_days: 3}\n",
               "clocks.no-such-clock", "not a clock of the workflow"),
    "workflow": ("workflow: flows/missing.yaml\n", "workflow", "flows/missing.yaml does not exist"),
}


@pytest.mark.parametrize("name", sorted(BAD_LATER))
def test_a_setting_the_workflow_refuses_is_named_by_line_and_key(cli: Cli, store: Path, name: str) -> None:
    case_id = refer(cli)
    config = store / "reviewctl.yaml"
    text, key, message = BAD_LATER[name]
    kept = [line for line in config.read_text().splitlines(keepends=True) if not line.startswith("clocks:")
            and not line.startswith("  agency-reply")]
    edited = "".join(kept) + "# a hand edit\n" + text
    config.write_text(edited)
    bad = len(edited.splitlines())  # each bad value is on the edit's last line
    found = cli("validate")
    assert found.code == INVALID
    assert f"reviewctl.yaml:{bad}: {key}: {message}" in found.out + found.err
    err = refused_cleanly(cli, store, INVALID, "show", case_id)
    assert f"reviewctl.yaml:{bad}: {key}: {message}" in err
