"""A big store's case pages are rendered over the machine's cores (issue 22): the same
pages, byte for byte, as one process writes, and a page of a case gone is still removed."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from helpers import Cli, refer

from reviewctl.core.reports import static_site


def pages(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="one core: the pages are always rendered in one process")
def test_pages_rendered_by_workers_are_the_pages_one_process_renders(cli: Cli, store: Path, tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    ids = [refer(cli, t) for t in ("lcspr", "sar", "dhr", "sar", "lcspr")]
    cli.ok("site", str(tmp_path / "one"))
    monkeypatch.setattr(static_site, "PARALLEL_FROM", 2)
    cli.ok("site", str(tmp_path / "many"))
    one, many = pages(tmp_path / "one"), pages(tmp_path / "many")
    assert one == many and sum(name.startswith("cases/") for name in many) == len(ids)
    # A case that leaves the store loses its page when the site is written again by the workers.
    shutil.rmtree(store / "cases" / ids[0])
    cli.ok("site", str(tmp_path / "many"))
    assert sum(name.startswith("cases/") for name in pages(tmp_path / "many")) == len(ids) - 1
