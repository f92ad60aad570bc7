"""`due --format ics` as a calendar keeps it: no deadline leaves the feed once in it (issue 20).

Outlook's import of a feed (and RFC 5546's PUBLISH) updates an event by its UID, and keeps
one that a later feed leaves out: a deadline that dropped out of the feed would stay in the
calendar as open for ever.  So a deadline closed unmet (the case closed with an action
still open, a reopening), a report's year online after the case closed, and a publication
under embargo all stay, changed; and a reopened case's second round of a clock is an event
of its own, not a second event with the first one's UID.  The rest of the feed's tests are
in test_site.py.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from helpers import Cli, refer, to_closed
from icalendar import Calendar
from webclient import serving


def feed(cli: Cli, *args: str) -> dict[str, Any]:
    """The feed's events by UID; a UID twice in one feed fails here."""
    found: dict[str, Any] = {}
    for event in Calendar.from_ical(cli.ok(*args, "due", "--format", "ics").out).walk("VEVENT"):
        uid = str(event["uid"])
        assert uid not in found, f"two events share the UID {uid}"
        found[uid] = event
    return found


def said(event: Any) -> tuple[str, str, int, str]:
    return (event.decoded("dtstart").isoformat(), str(event["summary"]).rsplit(" [", 1)[1].rstrip("]"),
            int(event["sequence"]), str(event["status"]))


def test_an_action_closed_with_the_case_stays_in_the_feed_as_closed(cli: Cli, store: Path, tmp_path: Path) -> None:
    case_id = to_closed(cli, store, "lcspr", tmp_path)  # A1 signed off, A2 open (due 1 Apr 2027)
    a2 = f"{case_id}/action/A2@reviewctl"
    before = feed(cli)
    assert said(before[a2]) == ("2027-04-01", "open", 0, "CONFIRMED")
    assert said(before[f"{case_id}/action/A1@reviewctl"])[1:] == ("met on 20 Nov 2026", 1, "CONFIRMED")
    cli.ok("close", case_id, "--reason", "A2 superseded by the new plan", "--date", "2026-11-20")
    after = feed(cli)
    assert set(before) <= set(after)  # nothing that was in a calendar drops out of it
    # The same event, changed (one higher, as RFC 5546 asks of a new status), and said in words.
    assert said(after[a2]) == ("2027-04-01", "closed on 20 Nov 2026", 1, "CANCELLED")
    assert "closed" in after[a2].categories
    assert "Closed on 2026-11-20 before it was met" in str(after[a2]["description"])
    # In every feed, whatever the filters: a filtered feed may have had it while it was open.
    assert a2 in feed(cli, "--as-of", "2027-05-01") and a2 in cli.ok("due", "--format", "ics", "--overdue").out
    # `due` itself lists what is still to do, and a closed action is not.
    assert case_id not in cli.ok("due", "--format", "json").out


def test_a_published_report_stays_in_the_feed_after_its_case_closes(cli: Cli, store: Path, tmp_path: Path) -> None:
    # Published on 20 Nov 2026 under an embargo until 1 Dec 2026: online from then for a year.
    case_id = to_closed(cli, store, "lcspr", tmp_path)
    publication, online = f"{case_id}/review-publication@reviewctl", f"{case_id}/report-online@reviewctl"
    # Under the embargo the review is not published yet, though the case has moved on: still open.
    assert said(feed(cli)[publication]) == ("2027-05-11", "open", 0, "CONFIRMED")
    cli.ok("close", case_id, "--reason", "A2 superseded by the new plan", "--date", "2026-11-20")
    assert online not in feed(cli)  # not online yet: nothing to keep
    after_embargo = feed(cli, "--as-of", "2026-12-05")
    assert said(after_embargo[publication])[1] == "met on 1 Dec 2026"
    # The case is closed, but the report must stay online for a year: the earliest day to remove it.
    assert said(after_embargo[online]) == ("2027-12-01", "open", 0, "CONFIRMED")
    assert said(feed(cli, "--as-of", "2027-12-02")[online]) == ("2027-12-01", "met on 1 Dec 2027", 1, "CONFIRMED")


def test_a_reopened_case_gives_each_round_of_a_clock_its_own_event(cli: Cli, store: Path) -> None:
    case_id = refer(cli, "dhr")
    cli.ok("triage", case_id, "--accept", "--reason", "r", "--date", "2026-11-03")
    cli.ok("scope", case_id, "--done", "--date", "2026-11-04")
    not_to = ("--not-conduct", "--rationale", "Criteria not met")
    chair = ("--chair", *not_to, "--learning-to", "Learning and improvement group")
    cli.ok("decide", case_id, *not_to, "--date", "2026-11-05")
    cli.ok("decide", case_id, *chair, "--date", "2026-11-06")
    told = f"{case_id}/dhr-home-office-decision@reviewctl"
    before = feed(cli, "--as-of", "2026-11-09")
    assert said(before[told]) == ("2026-11-13", "open", 0, "CONFIRMED")
    cli.ok("reopen", case_id, "--to", "decision", "--reason", "New information from the police", "--date", "2026-11-10")
    cli.ok("decide", case_id, *not_to, "--date", "2026-11-11")
    cli.ok("decide", case_id, *chair, "--date", "2026-11-12")
    after = feed(cli)  # feed() fails on a UID given twice
    assert set(before) <= set(after)
    # The first round keeps its UID, closed by the reopening before it fell due; the second is new.
    assert said(after[told]) == ("2026-11-13", "closed on 10 Nov 2026", 1, "CANCELLED")
    assert said(after[f"{case_id}/dhr-home-office-decision/cycle-1@reviewctl"])[:2] == ("2026-11-19", "OVERDUE")
    decisions = {u: said(e) for u, e in after.items() if "/dhr-decision" in u}
    assert decisions == {f"{case_id}/dhr-decision@reviewctl": ("2026-12-02", "met on 6 Nov 2026", 1, "CONFIRMED"),
                         f"{case_id}/dhr-decision/cycle-1@reviewctl": ("2026-12-10", "met on 12 Nov 2026", 1,
                                                                        "CONFIRMED")}


def test_the_browser_s_due_page_gives_the_same_calendar(cli: Cli, store: Path, tmp_path: Path) -> None:
    """`serve`'s Due page links the feed, `due --format ics` as the command line writes it, to
    download and import in Outlook; the static site (no server to make it) has no such link."""
    case_id = refer(cli, "dhr")
    with serving(store) as web:
        page = web.get("/due").text
        assert '<a href="/due.ics" download>Download the deadlines for Outlook</a>' in page
        feed = web.get("/due.ics")
    assert feed.status == 200 and feed.headers["content-type"] == "text/calendar; charset=utf-8"
    assert feed.headers["content-disposition"] == 'attachment; filename="deadlines.ics"'
    assert feed.text == cli.ok("due", "--format", "ics").out and f"{case_id}/dhr-decision@reviewctl" in feed.text
    cli.ok("site", str(tmp_path / "site"))
    assert "due.ics" not in (tmp_path / "site" / "due.html").read_text()
