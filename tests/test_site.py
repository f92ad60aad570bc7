"""`reviewctl site OUT/` (issue 12): the static site's pages, their HTML, escaping, privacy,
templates and the folder it owns; and `due --format ics`.  The browser tests are in
test_site_browser.py."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from helpers import ADDRESS, DOB, NAME, USAGE, Cli, git, refer, refused_cleanly, snapshot
from icalendar import Calendar

HTML_PAGES = ("index.html", "due.html", "figures.html", "actions.html")


class Page(HTMLParser):
    """What the checks need from one page: tags with their attributes, and the text."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.text: list[str] = []
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {k: v or "" for k, v in attrs}))

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    def all(self, tag: str) -> list[dict[str, str]]:
        return [a for t, a in self.tags if t == tag]


def clocked_cases(cli: Cli) -> dict[str, str]:
    """An lcspr whose first clock was paused and resumed, a dhr whose decision clock was
    extended, and a sar whose agency reply was missed."""
    lcspr, dhr, sar = refer(cli, "lcspr"), refer(cli, "dhr"), refer(cli, "sar")
    cli.ok("clock", "pause", lcspr, "si-notification", "--reason", "Waiting for the police", "--date", "2026-11-03")
    cli.ok("clock", "resume", lcspr, "si-notification", "--date", "2026-11-05")
    cli.ok("triage", sar, "--accept", "--reason", "Meets the criteria", "--date", "2026-11-03")
    cli.ok("scope", sar, "--request", "Police", "--date", "2026-11-04")
    cli.ok("scope", sar, "--done", "--date", "2026-11-19")
    cli.ok("clock", "extend", dhr, "dhr-decision", "--to", "2026-12-15", "--reason", "Agreed with the chair",
           "--date", "2026-11-10")
    return {"lcspr": lcspr, "dhr": dhr, "sar": sar}


def build(cli: Cli, out: Path, *before: str) -> str:
    result = cli.ok(*before, "site", str(out))
    assert "open file://" in result.err
    return result.err


def test_site_writes_every_page_with_its_clocks(cli: Cli, store: Path, tmp_path: Path) -> None:
    ids = clocked_cases(cli)
    out = tmp_path / "site"
    build(cli, out)
    listed = json.loads(cli.ok("list", "--format", "json").out)
    tracker = (out / "index.html").read_text()
    assert re.findall(r'<tr data-case="([^"]+)"', tracker) == [r["id"] for r in listed]
    for case_id in ids.values():
        assert (out / "cases" / f"{case_id}.html").is_file()
    lcspr = (out / "cases" / f"{ids['lcspr']}.html").read_text()
    assert 'class="pause"' in lcspr  # the paused week, hatched
    assert "paused 2026-11-03 to 2026-11-05" in lcspr  # why the due date moved, in the table too
    assert 'class="missed"' in (out / "cases" / f"{ids['sar']}.html").read_text()  # the reply never returned
    dhr = (out / "cases" / f"{ids['dhr']}.html").read_text()
    assert 'class="extended"' in dhr and "2026-12-15" in dhr
    due = (out / "due.html").read_text()
    rows = json.loads(cli.ok("due", "--format", "json").out)
    assert len(re.findall(r"<tr data-case=", due)) == len(rows)
    figures = (out / "figures.html").read_text()
    assert "<svg" in figures and "Referrals received, by review type" in figures
    assert (out / "assets" / "site.js").is_file() and (out / "assets" / "site.css").is_file()
    # A date is never broken over two lines ("2026-11-" above "02") in a narrow column.
    for page in [tracker, lcspr, dhr, due, (out / "actions.html").read_text()]:
        for cell in re.findall(r"<td[^>]*>\d{4}-\d\d-\d\d</td>", page):
            assert 'class="nowrap"' in cell, cell


def test_site_pages_are_accessible_and_self_contained(cli: Cli, store: Path, tmp_path: Path) -> None:
    clocked_cases(cli)
    out = tmp_path / "site"
    build(cli, out)
    pages = [out / p for p in HTML_PAGES] + sorted((out / "cases").glob("*.html"))
    for path in pages:
        page = Page(path.read_text())
        assert page.all("html")[0].get("lang") == "en-GB", path
        assert any(a.get("href") == "#main" and a.get("class") == "skip" for a in page.all("a")), path
        assert any(a.get("id") == "main" for a in page.all("main")), path
        assert len(page.all("h1")) == 1, path
        assert len(page.all("caption")) == len(page.all("table")), path
        assert page.all("table") or path.name == "actions.html", path  # none agreed yet
        assert all(a.get("scope") in ("col", "row") for a in page.all("th")), path
        for tag, attrs in page.tags:
            for key in ("src", "href", "action"):
                value = attrs.get(key, "")
                assert not re.match(r"^(?:[a-z]+:)?//", value), f"{path}: {tag} {key}={value} leaves the site"
                if value and not value.startswith("#"):
                    assert (path.parent / value.split("#")[0]).is_file(), f"{path}: {value} is not in the site"
        csp = next(a["content"] for a in page.all("meta") if a.get("http-equiv") == "Content-Security-Policy")
        assert "default-src 'none'" in csp
    css = (out / "assets" / "site.css").read_text()
    assert "@media (max-width: 40em)" in css and "@media print" in css and ":focus-visible" in css


def test_site_escapes_what_the_cases_say(cli: Cli, store: Path, tmp_path: Path) -> None:
    agency = '<script>alert("x")</script> & <b>Co</b>'
    refer(cli, "sar", "--agency", agency)
    out = tmp_path / "site"
    build(cli, out)
    for path in out.rglob("*.html"):
        text = path.read_text()
        assert "<script>alert" not in text and "<b>Co</b>" not in text
    case_page = next((out / "cases").glob("*.html")).read_text()
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; &lt;b&gt;Co&lt;/b&gt;" in case_page


def test_site_never_shows_a_cases_identifiers(cli: Cli, team: Path, tmp_path: Path) -> None:
    case_id = refer(cli, "lcspr", "--name", NAME, "--dob", DOB, "--address", ADDRESS)
    cli.ok("triage", case_id, "--accept", "--reason", "Meets the criteria", "--date", "2026-11-03")
    # and a case from before encryption, whose identifiers are still plain confidential.yaml
    old = refer(cli, "sar")
    (team / "cases" / old / "confidential.yaml").write_text(f"names: [{NAME}]\ndates_of_birth: [{DOB}]\n"
                                                             f"addresses: ['{ADDRESS}']\n")
    git(team, "add", "-A")
    git(team, "commit", "-qm", "a case from before encryption")
    out = tmp_path / "site"
    build(cli, out)
    assert (out / "cases" / f"{case_id}.html").is_file() and (out / "cases" / f"{old}.html").is_file()
    pieces = [NAME, "Quillfeather", "Zoë", "Zoe", DOB, "14/03/2019", "14 March 2019", "Imaginary Road", "ZZ9 9ZZ",
              "Nowhereton"]
    for path in out.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            for piece in pieces:
                assert piece.encode() not in data, f"{path.relative_to(out)} holds an identifier"


def test_site_uses_the_stores_own_templates(cli: Cli, store: Path, tmp_path: Path) -> None:
    refer(cli)
    own = store / "templates" / "site"
    own.mkdir(parents=True)
    (own / "tracker.html.j2").write_text('{% extends "site/base.html.j2" %}{% block main %}<h1>Our own tracker'
                                         '</h1><table><caption>{{ rows|length }} cases</caption></table>'
                                         '{% endblock %}')
    (own / "site.css").write_text("body { color: #000; }\n")
    out = tmp_path / "site"
    build(cli, out)
    assert "<h1>Our own tracker</h1>" in (out / "index.html").read_text()
    assert "Skip to the content" in (out / "index.html").read_text()  # the default frame, still
    assert (out / "assets" / "site.css").read_text() == "body { color: #000; }\n"


def test_site_refuses_a_folder_it_does_not_own(cli: Cli, store: Path, tmp_path: Path) -> None:
    refer(cli)
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("my own notes\n")
    before = snapshot(store)
    result = cli("site", str(out))
    assert result.code == USAGE and "did not write" in result.err
    assert [p.name for p in out.iterdir()] == ["notes.txt"]
    inside = cli("site", str(store / "cases" / "site"))
    assert inside.code == USAGE and "store's own folders" in inside.err
    assert snapshot(store) == before


def test_site_written_again_drops_pages_of_cases_gone(cli: Cli, store: Path, tmp_path: Path) -> None:
    first, second = refer(cli), refer(cli, "sar")
    out = tmp_path / "site"
    build(cli, out)
    git(store, "rm", "-rq", f"cases/{second}")
    git(store, "commit", "-qm", "remove a test case")
    assert "removed 1 page" in build(cli, out)
    assert sorted(p.name for p in (out / "cases").iterdir()) == [f"{first}.html"]


# -- due --format ics ---------------------------------------------------------------

def events(text: str) -> dict[str, dict[str, str]]:
    calendar = Calendar.from_ical(text)
    found = {}
    for event in calendar.walk("VEVENT"):
        start = event.decoded("dtstart")
        assert type(start).__name__ == "date"  # all day, not a time
        found[str(event["uid"])] = {"start": start.isoformat(), "end": event.decoded("dtend").isoformat(),
                                    "summary": str(event["summary"]), "sequence": int(event.get("sequence", 0))}
    return found


def test_due_ics_is_one_all_day_event_per_open_deadline(cli: Cli, store: Path) -> None:
    ids = clocked_cases(cli)
    text = cli.ok("due", "--format", "ics").out
    assert text.startswith("BEGIN:VCALENDAR\r\n")
    found = events(text)
    rows = json.loads(cli.ok("due", "--format", "json").out)
    still_open = {u: e for u, e in found.items() if not re.search(r"\[(met|MISSED)\b", e["summary"])}
    assert len(still_open) == len(rows) < len(found)  # and the deadlines met, marked so
    for row in rows:
        uid = next(u for u in found if u.startswith(f"{row['case']}/{row['clock']}"))
        assert found[uid]["start"] == row["due"] and row["label"] in found[uid]["summary"]
    overdue = events(cli.ok("due", "--format", "ics", "--overdue").out)
    overdue_open = [e for e in overdue.values() if e["summary"].endswith("[OVERDUE]")]
    assert len(overdue_open) == sum(r["status"] == "overdue" for r in rows)
    assert set(overdue) - {u for u, e in overdue.items() if e in overdue_open} == set(found) - set(still_open)
    assert f"{ids['dhr']}/dhr-decision@reviewctl" in found


def test_due_ics_uid_is_stable_so_a_reimport_updates(cli: Cli, store: Path) -> None:
    case_id = refer(cli, "dhr")
    before = events(cli.ok("due", "--format", "ics").out)
    uid = f"{case_id}/dhr-decision@reviewctl"
    cli.ok("clock", "extend", case_id, "dhr-decision", "--to", "2027-01-15", "--reason", "Agreed with the chair",
           "--date", "2026-11-10")
    after = events(cli.ok("--as-of", "2026-11-21", "due", "--format", "ics").out)
    assert set(after) == set(before)
    assert after[uid]["start"] == "2027-01-15" != before[uid]["start"]
    assert after[uid]["sequence"] > before[uid]["sequence"]


def test_a_met_deadline_stays_in_the_feed_as_done(cli: Cli, store: Path, tmp_path: Path) -> None:
    case_id = refer(cli, "lcspr")
    feed = tmp_path / "deadlines.ics"
    result = cli.ok("--as-of", "2026-11-03", "due", "--format", "ics", "--output", str(feed))
    assert result.out == "" and f"wrote {feed}" in result.err
    before = events(feed.read_text())
    uid = f"{case_id}/si-notification@reviewctl"
    assert before[uid]["summary"].endswith("[open]")
    cli.ok("triage", case_id, "--accept", "--reason", "r", "--date", "2026-11-03")
    cli.ok("scope", case_id, "--notified", "4/11/2026", "--date", "2026-11-04")
    assert not any(r["clock"] == "si-notification" for r in json.loads(cli.ok("due", "--format", "json").out))
    cli.ok("due", "--format", "ics", "--output", str(feed))  # replaced, as a calendar subscription reads it
    after = events(feed.read_text())
    assert set(before) <= set(after)  # nothing that was in a calendar drops out of it
    assert after[uid]["summary"] == (f"{case_id} (lcspr): Serious incident notified to the National Panel "
                                     "[met on 4 Nov 2026]")
    assert after[uid]["start"] == before[uid]["start"] and after[uid]["sequence"] == before[uid]["sequence"] + 1
    met = next(e for e in Calendar.from_ical(feed.read_text()).walk("VEVENT") if str(e["uid"]) == uid)
    assert "met" in met.categories and "Met on 2026-11-04." in str(met["description"])
    # A filtered feed keeps it too: an overdue deadline met late must not stay overdue in a calendar.
    assert uid in events(cli.ok("due", "--format", "ics", "--overdue").out)


@pytest.mark.parametrize(("args", "expected"), [
    (("--output", "x.ics"), "--output is for --format ics; redirect other formats with >"),
    (("--format", "ics", "--output", "."), "is a folder; give a file name in it"),
    (("--format", "ics", "--output", "nowhere/x.ics"), "the folder nowhere does not exist"),
])
def test_due_output_is_checked_before_anything_is_read(cli: Cli, store: Path, args: tuple[str, ...],
                                                        expected: str) -> None:
    err = refused_cleanly(cli, store, USAGE, "due", *args)
    assert expected in err


@pytest.mark.parametrize("fmt", ["ical", "xlsx"])
def test_due_refuses_an_unknown_format(cli: Cli, store: Path, fmt: str) -> None:
    result = cli("due", "--format", fmt)
    assert result.code == USAGE and "ics" in result.err


@pytest.mark.bench
def test_site_benchmark_quick_run() -> None:
    """The benchmark runs on a tiny store (its figures are printed, never asserted)."""
    import subprocess
    import sys

    script = Path(__file__).resolve().parent.parent / "benchmarks" / "site.py"
    result = subprocess.run([sys.executable, str(script), "--quick", "--repeat", "1"], capture_output=True,
                            text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    assert re.search(r"  1\. site, 100 cases .* warm \d+\.\d+ s", result.stdout)
    assert re.search(r"  2\. (tracker of 100 cases|no chromium)", result.stdout)


def test_template_prints_a_site_template_to_start_from(cli: Cli, store: Path) -> None:
    text = cli.ok("template", "site/case.html.j2").out
    assert '{% extends "site/base.html.j2" %}' in text and "<svg" in text
    assert cli("template", "site/../reviewctl.yaml").code != 0


def test_site_timeline_shows_moves_not_corrections(cli: Cli, store: Path, tmp_path: Path) -> None:
    """An amend is in the history but leaves the case where it was: no stage of its own."""
    case_id = refer(cli, "sar")
    cli.ok("triage", case_id, "--accept", "--reason", "Meets the criteria", "--date", "2026-11-03")
    cli.ok("amend", case_id, "case.subject", "Adult Y", "--reason", "Pseudonym mistyped", "--date", "2026-11-04")
    out = tmp_path / "site"
    build(cli, out)
    page = (out / "cases" / f"{case_id}.html").read_text()
    stages = page.split('<h2 id="stages">')[1].split("</table>")[0]
    assert re.findall(r'<tr><th scope="row">([^<]+)</th><td class="nowrap">([^<]+)</td>', stages) == [
        ("Referral received", "2026-11-02"), ("Triage accepted; initial scoping and information sharing", "2026-11-03")]
    assert f"<h1>{case_id}: Adult Y</h1>" in page
