"""`reviewctl serve` in a real browser (issue 20): Debian's headless Chromium, driven by
keys alone, fills and sends a triage form and the step's commit is there; every page
reflows at 320 px; and axe-core, run in each page, finds no violation of WCAG 2.2 A or AA.

One browser serves the module, the session's (conftest.py, tests/browser.py).  Skipped only when Chromium (or, for the
axe test, axe-core: `make axe`) is missing and REVIEWCTL_REQUIRE_BROWSER is unset; CI
(.ci/run) sets it and installs both, so there these tests never skip.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from browser import Browser, Tab, find_chromium
from helpers import git, stage
from webclient import DEMO_TODAY, REPO, demo_store, serving

CHROMIUM = find_chromium()
REQUIRE = bool(os.environ.get("REVIEWCTL_REQUIRE_BROWSER"))
AXE = Path(os.environ.get("REVIEWCTL_AXE") or REPO / ".axe" / "node_modules" / "axe-core" / "axe.min.js")
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
REFERRED, SCOPING = "SSCP-2026-CT8667", "SSCP-2026-9EWK2F"  # demo cases in those stages
# A name for the element that has the focus: its id, or what it is and where it leads.
WHO = ("(e => e === document.body ? 'body' : e.id || e.tagName.toLowerCase() + ':' + "
       "(e.getAttribute('href') || e.name || e.textContent.trim().slice(0, 40)))")


@pytest.fixture(scope="module")
def browser(chromium_session: Callable[[str], Browser]) -> Iterator[Browser]:
    if CHROMIUM is None:
        if REQUIRE:
            pytest.fail("REVIEWCTL_REQUIRE_BROWSER is set but no chromium was found: apt-get install chromium")
        pytest.skip("no chromium on PATH (apt-get install chromium); set REVIEWCTL_REQUIRE_BROWSER=1 to fail instead")
    yield chromium_session(CHROMIUM)  # the session's (conftest.py), closed when the session ends


@pytest.fixture
def served(browser: Browser, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[str, Path]]:
    """The demo store served: its address and its folder; the browser has opened the address
    serve prints, whose key gives it its session."""
    store = demo_store(tmp_path)
    monkeypatch.setenv("REVIEWCTL_TODAY", DEMO_TODAY)
    with serving(store) as web:
        browser.dump_dom(web.server.entry)
        yield web.server.url, store


def opened(browser: Browser, url: str, width: int = 1280) -> Tab:
    return browser.open(url, width, 900)


def test_a_triage_form_by_keyboard_alone_makes_its_commit(browser: Browser, served: tuple[str, Path]) -> None:
    url, store = served
    assert stage(store, REFERRED) == "referred"
    tab = opened(browser, f"{url}case/{REFERRED}")
    try:
        assert tab.evaluate("[...document.querySelectorAll('[tabindex]')].every(e => e.tabIndex <= 0)")
        # The order Tab visits is the page's own order, through every field of the form.
        # (A choice of radio buttons is one stop: its checked one, or its first while none is.)
        expected = tab.evaluate(
            "[...document.querySelectorAll('a[href], button, input, select, textarea, summary, [tabindex]')]"
            ".filter(e => e.tabIndex >= 0 && !e.disabled && e.type !== 'hidden' && e.checkVisibility())"
            ".filter(e => e.type !== 'radio' || (e.form.querySelector(`input[name='${e.name}']:checked`) ?"
            " e.checked : e.form.querySelector(`input[name='${e.name}']`) === e))"
            f".map({WHO})")
        visited: list[str] = []
        for _ in range(4 * len(expected)):  # a date field takes a Tab for each of its day, month and year
            tab.press("Tab")
            now = tab.evaluate(f"{WHO}(document.activeElement)")
            if not visited or visited[-1] != now:
                visited.append(now)
            if len(visited) == len(expected):
                break
        assert visited == expected
        triage = tab.evaluate("[...document.querySelectorAll('#step-triage form [name]')]"
                              ".filter(e => e.type !== 'hidden' && e.checkVisibility()).map(e => e.id)")
        assert triage[:3] == ["triage-accept", "triage-no-further-action", "triage-reason"]  # one choice, then why
        assert [v for v in visited if v in triage] == [t for t in triage if t != "triage-no-further-action"]
        # What a step seldom needs is folded under "More options", one stop before the button.
        assert "triage-propose" not in triage and "summary:More options" in visited
        # Back to the top, then forward to the form, as a person would.
        tab.evaluate("document.activeElement.blur(), window.scrollTo(0, 0)")
        while tab.evaluate(f"{WHO}(document.activeElement)") != "triage-accept":
            tab.press("Tab")
        tab.press(" ")  # chooses "Accept for scoping"
        assert tab.evaluate("document.getElementById('triage-accept').checked")
        tab.press("Tab")
        assert tab.evaluate(f"{WHO}(document.activeElement)") == "triage-reason"
        tab.type("Meets the criteria for scoping")
        while tab.evaluate("document.activeElement.type") != "submit":
            tab.press("Tab")
        assert tab.evaluate("document.activeElement.closest('section').id") == "step-triage"
        tab.press_and_wait("Enter")
        assert tab.evaluate("location.pathname") == f"/case/{REFERRED}", tab.evaluate(
            "document.title + ' ' + (document.querySelector('.error') || {}).textContent")
        # What was done, in words, and the focus on it (a screen reader reads it first).
        done = tab.evaluate("document.querySelector('.notice.done').textContent")
        assert "Done: “Triage” is recorded, in one commit (" in done
        assert "The case moved from “Referral received” to “Triage accepted; initial scoping" in done
        assert tab.evaluate("document.activeElement.id") == "done"
    finally:
        tab.close()
    assert stage(store, REFERRED) == "scoping"
    assert f"{REFERRED}" in git(store, "log", "-1", "--format=%s") and git(store, "status", "--porcelain") == ""


def test_a_refused_form_says_why_beside_its_fields(browser: Browser, served: tuple[str, Path]) -> None:
    url, store = served
    before = git(store, "rev-parse", "HEAD")
    tab = opened(browser, f"{url}case/{REFERRED}")
    try:
        tab.run_and_wait("document.getElementById('triage-reason').value = 'Neither chosen', "
                         "document.querySelector('#step-triage form').requestSubmit()")
        assert tab.evaluate("document.title").startswith("Not done: ")
        # The first field the error names has the focus, and is described by the error line.
        assert tab.evaluate("document.activeElement.id") == "triage-accept"
        said = tab.evaluate("document.getElementById(document.activeElement.getAttribute('aria-describedby'))"
                            ".textContent")
        assert "give exactly one of --accept or --no-further-action" in said
    finally:
        tab.close()
    assert git(store, "rev-parse", "HEAD") == before


UNFOLD = "document.querySelectorAll('details').forEach(d => d.open = true)"


def test_a_link_to_a_folded_form_opens_it(browser: Browser, served: tuple[str, Path]) -> None:
    """"Steps allowed now" leads to a step whose form is folded: the page opens it (serve.js)."""
    url, _ = served
    tab = opened(browser, f"{url}case/{REFERRED}")
    try:
        folded = "document.querySelector('#step-subject details.form').open"
        assert tab.evaluate("document.querySelector('#step-triage details.form').open") and not tab.evaluate(folded)
        tab.evaluate("document.querySelector('.steps-now a[href=\"#step-subject\"]').click()")
        assert tab.evaluate(folded)
        # A field a hint links to is opened and given the focus.
        tab.evaluate("location.hash = '#link-other'")
        assert tab.evaluate("document.querySelector('#step-link details.form').open")
        assert tab.evaluate("new Promise(r => setTimeout(() => r(document.activeElement.id), 50))", wait=True) == \
            "link-other"
    finally:
        tab.close()


PAGES = ["", "due", "figures", "actions", "new", f"case/{REFERRED}", f"case/{SCOPING}",
         "case/SSCP-2026-CEG2MQ", "case/SSCP-2026-99MQ51",
         "case/SSCP-2026-99MQ51/doc/documents/2026-06-24-decision-record.md",  # a letter as a page
         "case/SSCP-2026-99MQ51/doc/documents/2026-10-07-improvement-action-plan.md"]


def test_every_page_reflows_at_320_px(browser: Browser, served: tuple[str, Path]) -> None:
    """WCAG 1.4.10: at 320 px nothing scrolls sideways, forms included."""
    url, _ = served
    for page in PAGES:
        tab = opened(browser, url + page, 320)
        try:
            tab.evaluate(UNFOLD)  # the folded forms too
            overflow = tab.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 0, f"/{page} scrolls sideways at 320 px by {overflow} px"
        finally:
            tab.close()


def test_axe_finds_no_wcag_violations(browser: Browser, served: tuple[str, Path]) -> None:
    if not AXE.is_file():
        if REQUIRE:
            pytest.fail(f"REVIEWCTL_REQUIRE_BROWSER is set but axe-core is not at {AXE}: run `make axe`")
        pytest.skip(f"no axe-core at {AXE} (`make axe` installs it); set REVIEWCTL_REQUIRE_BROWSER=1 to fail instead")
    url, _ = served
    source = AXE.read_text(encoding="utf-8")
    run = ("axe.run(document, {runOnly: {type: 'tag', values: " + json.dumps(WCAG) + "}})"
           ".then(r => r.violations.map(v => v.id + ' (' + v.impact + '): ' + v.nodes.map(n => n.target.join(' '))"
           ".slice(0, 5).join(', ')))")
    found = {}
    for page in [*PAGES, "refused"]:
        tab = opened(browser, url + (f"case/{REFERRED}" if page == "refused" else page))
        try:
            if page == "refused":  # the page of a refusal, with its error tied to the fields
                tab.run_and_wait("document.querySelector('#step-triage form').requestSubmit()")
            tab.evaluate(UNFOLD)  # axe checks what is shown: every form, folded or not
            tab.evaluate(source)
            violations = tab.evaluate(run, wait=True)
            if violations:
                found[page] = violations
        finally:
            tab.close()
    assert found == {}
