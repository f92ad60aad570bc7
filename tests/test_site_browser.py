"""The site in a real browser (issue 12): headless Chromium opens the pages from file://,
runs their script, and the DOM it ends with is checked against `reviewctl list`; the
filters and sorting are driven through the address, as a bookmark would; screenshots
are checked not to be blank, at desktop width, at 320 px and on paper.

One browser serves the module, the session's (conftest.py; tests/browser.py's `Browser`): each page opens in a new
tab whose viewport is set to the width asked for, and its DOM is read once its load event
has fired, as `--dump-dom` does.

Skipped only when Chromium is missing and REVIEWCTL_REQUIRE_BROWSER is unset; CI
(.ci/run) sets it, so there these tests never skip.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from browser import Browser, find_chromium, png_pixels
from helpers import Cli, git

from reviewctl.cli.app import main

REPO = Path(__file__).resolve().parent.parent
DEMO_TODAY = "2026-11-27"
# Read when the tests are collected: conftest clears every REVIEWCTL_ variable before they run.
CHROMIUM = find_chromium()
REQUIRE = bool(os.environ.get("REVIEWCTL_REQUIRE_BROWSER"))
UPDATE_SCREENSHOT = bool(os.environ.get("REVIEWCTL_UPDATE_SCREENSHOT"))


@pytest.fixture(scope="module")
def browser(chromium_session: Callable[[str], Browser]) -> Iterator[Browser]:
    """The session's browser for the module: each page opens in a new tab of the size asked for."""
    if CHROMIUM is None:
        if REQUIRE:
            pytest.fail("REVIEWCTL_REQUIRE_BROWSER is set but no chromium was found: apt-get install chromium "
                        "(or set REVIEWCTL_CHROMIUM to the browser)")
        pytest.skip("no chromium on PATH (apt-get install chromium); set REVIEWCTL_REQUIRE_BROWSER=1 to fail instead")
    yield chromium_session(CHROMIUM)  # the session's (conftest.py), closed when the session ends


@pytest.fixture(scope="module")
def _demo_site(_isolated_home: None, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    # Made once for the module: the tests only read the store and the site (the 320 px test
    # writes its probes into a copy of the site).
    folder = tmp_path_factory.mktemp("demo")
    store = folder / "store"
    store.mkdir()
    shutil.copy(REPO / "reviewctl.yaml", store)
    shutil.copytree(REPO / "cases", store / "cases")
    git(store, "init", "-q", "-b", "main")
    git(store, "add", "-A")
    git(store, "commit", "-qm", "demo store")
    out = folder / "site"
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(store)
        patch.setenv("REVIEWCTL_TODAY", DEMO_TODAY)
        assert main(["site", str(out)]) == 0
    return store, out


@pytest.fixture
def demo(_demo_site: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Path, Path]]:
    """A copy of this repository's fictional demo store, and its site."""
    store, _ = _demo_site
    monkeypatch.chdir(store)
    monkeypatch.setenv("REVIEWCTL_TODAY", DEMO_TODAY)
    yield _demo_site


def rows(dom: str) -> list[tuple[str, bool]]:
    """Each tracker row's case id, and whether it is shown, in page order."""
    return [(m.group(1), "hidden" not in m.group(2))
            for m in re.finditer(r'<tr data-case="([^"]+)"([^>]*)>', dom)]


def listed(cli: Cli, *filters: str) -> list[str]:
    return [r["id"] for r in json.loads(cli.ok("list", "--format", "json", *filters).out)]


def test_tracker_in_chromium_matches_list(browser: Browser, demo: tuple[Path, Path], cli: Cli) -> None:
    _, out = demo
    dom = browser.dump_dom((out / "index.html").as_uri())
    assert re.search(r'<html[^>]*data-ready-ms="\d+"', dom), "the page's script did not run"
    assert '<form class="filters" data-filter-for="tracker">' in dom  # shown once the script runs
    assert [case for case, _ in rows(dom)] == listed(cli)
    assert all(shown for _, shown in rows(dom))
    assert dom.count('<button type="button" class="sort">') == 9
    assert f"Showing {len(listed(cli))} of {len(listed(cli))} cases." in dom


@pytest.mark.parametrize(("address", "filters"), [
    ("#type=sar", ["--type", "sar"]),
    ("?stage=in-review", ["--stage", "in-review"]),
    ("#type=lcspr&stage=monitoring", ["--type", "lcspr", "--stage", "monitoring"]),
])
def test_tracker_filters_from_the_address(browser: Browser, demo: tuple[Path, Path], cli: Cli, address: str,
                                          filters: list[str]) -> None:
    _, out = demo
    dom = browser.dump_dom((out / "index.html").as_uri() + address)
    shown = [case for case, visible in rows(dom) if visible]
    assert shown == listed(cli, *filters) and shown
    assert f"Showing {len(shown)} of {len(shown)} cases that match ({len(rows(dom))} in all)." in dom


def test_tracker_filters_by_rag_and_sorts(browser: Browser, demo: tuple[Path, Path], cli: Cli) -> None:
    _, out = demo
    red = [r["id"] for r in json.loads(cli.ok("list", "--format", "json").out) if r["rag"] == "red"]
    dom = browser.dump_dom((out / "index.html").as_uri() + "#rag=red")
    assert [case for case, visible in rows(dom) if visible] == red and red
    dom = browser.dump_dom((out / "index.html").as_uri() + "#sort=id&order=desc")
    assert [case for case, _ in rows(dom)] == sorted(listed(cli), reverse=True)
    assert 'data-key="id" aria-sort="descending"' in dom


def shown_rows(dom: str) -> list[str]:
    """The rows on screen: neither filtered out (hidden) nor waiting for "Show all" (later)."""
    return [m.group(1) for m in re.finditer(r'<tr data-case="([^"]+)"([^>]*)>', dom)
            if "hidden" not in m.group(2) and "later" not in m.group(2)]


def test_a_long_tracker_shows_its_first_page_until_show_all(browser: Browser, tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch, cli: Cli) -> None:
    """150 cases: the first 100 are laid out, the rest wait for "Show all" (#all=1); filters
    and sorting still work over every case."""
    import sys

    sys.path.insert(0, str(REPO / "benchmarks"))
    from generate import generate

    store = tmp_path / "store"
    generate(store, 150, quick=True)
    monkeypatch.chdir(store)
    out = tmp_path / "site"
    cli.ok("site", str(out))
    every = listed(cli)
    dom = browser.dump_dom((out / "index.html").as_uri())
    assert shown_rows(dom) == every[:100] and [case for case, _ in rows(dom)] == every
    assert "Showing 100 of 150 cases." in dom and '<button type="button" class="more">Show all 150</button>' in dom
    dom = browser.dump_dom((out / "index.html").as_uri() + "#all=1")
    assert shown_rows(dom) == every and '<button type="button" class="more" hidden="">' in dom
    dom = browser.dump_dom((out / "index.html").as_uri() + "#sort=id&order=desc")
    assert shown_rows(dom) == sorted(every, reverse=True)[:100]
    sar = listed(cli, "--type", "sar")
    dom = browser.dump_dom((out / "index.html").as_uri() + "#type=sar")
    assert shown_rows(dom) == sar[:100] and f"Showing {min(len(sar), 100)} of {len(sar)} cases that match" in dom


def test_case_page_opens_with_its_timeline(browser: Browser, demo: tuple[Path, Path], cli: Cli) -> None:
    _, out = demo
    tracker = browser.dump_dom((out / "index.html").as_uri())
    link = re.search(r'<a href="(cases/[^"]+\.html)">([^<]+)</a>', tracker)
    assert link is not None
    shown = json.loads(cli.ok("show", link.group(2), "--format", "json").out)
    dom = browser.dump_dom((out / link.group(1)).as_uri())
    assert f"<h1>{link.group(2)}: {shown['subject']}</h1>" in dom
    assert '<svg viewBox="0 0 800' in dom and 'class="stage stage-0' in dom
    assert dom.count('<g class="clock clock-') == len(shown["deadlines"])


def not_blank(path: Path, width: int) -> None:
    got_width, _, colours = png_pixels(path)
    assert got_width == width
    assert len(colours) > 20, f"{path} looks blank: {len(colours)} colours"


def test_screenshots_are_not_blank(browser: Browser, demo: tuple[Path, Path], tmp_path: Path) -> None:
    _, out = demo
    tracker = browser.screenshot((out / "index.html").as_uri(), tmp_path / "tracker.png", 1280, 900)
    not_blank(tracker, 1280)
    case = next(p for p in sorted((out / "cases").glob("*.html")) if "<svg" in p.read_text())
    not_blank(browser.screenshot(case.as_uri(), tmp_path / "case.png", 1024, 900), 1024)
    not_blank(browser.screenshot((out / "figures.html").as_uri(), tmp_path / "figures.png", 800, 900), 800)
    if UPDATE_SCREENSHOT:  # docs/analyst.md's picture, made by this test
        shutil.copy(tracker, REPO / "docs" / "dashboard.png")


def test_pages_reflow_at_320_px(browser: Browser, demo: tuple[Path, Path], tmp_path: Path) -> None:
    """WCAG 1.4.10: at 320 px nothing scrolls sideways (the tables become cards)."""
    out = tmp_path / "site"  # the probes go into a copy: the other tests read the site as written
    shutil.copytree(demo[1], out)
    # A probe script beside the site's own (the pages allow scripts from the site only).
    (out / "assets" / "probe.js").write_text(
        "document.documentElement.setAttribute('data-overflow', "
        "String(document.documentElement.scrollWidth - window.innerWidth));\n")
    pages = ["index.html", "due.html", "figures.html", "actions.html",
             *(f"cases/{p.name}" for p in sorted((out / "cases").glob("*.html"))[:3])]
    for name in pages:
        text = (out / name).read_text()
        script = "../assets/probe.js" if name.startswith("cases/") else "assets/probe.js"
        probe = out / name.replace(".html", "-probe.html")
        probe.write_text(text.replace("</body>", f'<script src="{script}"></script></body>'))
        dom = browser.dump_dom(probe.as_uri(), 320, 800)
        found = re.search(r'data-overflow="(-?\d+)"', dom)
        assert found is not None and int(found.group(1)) <= 0, f"{name} scrolls sideways at 320 px"
    not_blank(browser.screenshot((out / "index.html").as_uri(), tmp_path / "narrow.png", 320, 800), 320)


def test_case_page_prints(browser: Browser, demo: tuple[Path, Path], tmp_path: Path) -> None:
    _, out = demo
    case = sorted((out / "cases").glob("*.html"))[0]
    pdf = tmp_path / "case.pdf"
    browser.print_to_pdf(case.as_uri(), pdf)
    assert pdf.read_bytes().startswith(b"%PDF") and pdf.stat().st_size > 5000
