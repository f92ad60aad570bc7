"""`reviewctl serve` as a business manager reads it (issue 20): what a newcomer tripped over
in the browser, each on a real server over a real store.

- a value from a list is a list, in words ("Local Child Safeguarding Practice Review (lcspr)"),
  and two switches the command takes one of are one choice, not two boxes to tick;
- a form's label leaves out what only the shell needs ("(YYYY-MM-DD)" beside a date picker,
  "(repeat)" beside several entries), and a value with parts says how to write it;
- what a step still needs links to the field that records it, never to a shell command in
  backticks; the history names stages as the page does; a step done says what it did in
  words; a form that only records something is folded; an empty tracker says where to start.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from helpers import NAME, Cli, copy_store, git, refer, snapshot, stage, to_setup
from webclient import DEMO_TODAY, demo_store, serving

from reviewctl.cli.common import Globals
from reviewctl.core.reports.live_pages import LiveSite
from reviewctl.web.forms import CHOICES, form_for
from reviewctl.web.pages import form_view
from reviewctl.web.steps import REFER

SCOPING_LCSPR = "SSCP-2026-KZNNCP"  # a demo case in setup (an lcspr)


@pytest.fixture(scope="module")
def _demo(_isolated_home: None, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return demo_store(tmp_path_factory.mktemp("demo"))


def test_the_referral_form_lists_the_review_types_in_words(store: Path, cli: Cli, tmp_path: Path) -> None:
    shell = tmp_path / "shell"
    copy_store(store, shell)
    with serving(store) as web:
        page = web.get("/new").text
        chosen = re.search(r'<select id="refer-type" name="type">(.*?)</select>', page, re.S)
        assert chosen is not None, "the review type is a list"
        assert '<option value="lcspr">Local Child Safeguarding Practice Review (lcspr)</option>' in chosen.group(1)
        assert re.findall(r'<option value="([^"]*)"', chosen.group(1)) == ["", "lcspr", "sar", "dhr", "unknown"]
        assert '<label for="refer-type">The review type. (required)</label>' in page
        assert "lcspr, sar, dhr or unknown" not in page  # the list is the list, not a sentence
        posted = web.post("/refer", [("type", "dhr"), ("subject", "Adult C"), ("referrer", "Fictional Police"),
                                     ("received", "2026-11-02")])
        assert posted.status == 303, posted.text
        case_id = posted.headers["location"].removeprefix("/case/")
        done = web.get(posted.headers["location"]).text
    assert f"<strong>Done:</strong> the referral is recorded as {case_id}, in one commit." in done
    letter = next(p for p in (store / "cases" / case_id / "documents").iterdir())
    assert f'<a href="/case/{case_id}/doc/documents/{letter.name}">Acknowledgement letter, 2 November 2026</a>' in done
    theirs = cli.ok("--store", str(shell), "refer", "--type", "dhr", "--subject", "Adult C", "--referrer",
                    "Fictional Police", "--received", "2026-11-02").out.strip()
    assert git(store, "show", "--name-only", "--format=").replace(case_id, "ID") == \
        git(shell, "show", "--name-only", "--format=").replace(theirs, "ID")


def test_triage_is_one_choice_and_makes_the_shells_commit(store: Path, cli: Cli, tmp_path: Path) -> None:
    case_id = refer(cli)
    shell = tmp_path / "shell"
    copy_store(store, shell)
    with serving(store) as web:
        page = web.get(f"/case/{case_id}").text
        assert 'type="checkbox" id="triage-accept"' not in page and 'id="triage-no-further-action" name="accept"' \
            in page  # two radio buttons of one field, never two boxes that may both be ticked
        assert "<legend>Outcome of the triage (required)</legend>" in page
        posted = web.post(f"/case/{case_id}/triage", [("accept", "no-further-action"), ("reason", "Single agency")])
        assert posted.status == 303, posted.text
        done = web.get(f"/case/{case_id}").text
    assert "The case moved from “Referral received” to “No further or alternative action”." in done
    cli.ok("--store", str(shell), "triage", case_id, "--no-further-action", "--reason", "Single agency")
    for root in (store, shell):
        assert stage(root, case_id) == "no-further-action"
    assert git(store, "rev-parse", "HEAD^{tree}") == git(shell, "rev-parse", "HEAD^{tree}")
    assert git(store, "log", "-1", "--format=%B") == git(shell, "log", "-1", "--format=%B")


def test_a_choice_from_a_vocabulary_is_a_list_of_it(_demo: Path) -> None:
    """Each option that CHOICES lists is offered as the store's own values, and a value from
    the list is one the command takes."""
    live = LiveSite(Globals(_demo, DEMO_TODAY, None).store(), date.fromisoformat(DEMO_TODAY))
    vocab = live.vocabularies("dhr")
    # The roles that sign a dhr's report (the Home Office's QA outcome is recorded, not signed).
    assert vocab["role"] == [("sscp", "sscp"), ("independent-chair", "independent-chair")]
    assert ("methodology", "Methodology") in vocab["checklist"] and ("Neglect", "Neglect") in vocab["theme"]
    for (where, flag), listed in CHOICES.items():
        path = tuple(where.split())
        view = form_view(form_for(path), "/x", "reviewctl x", [], None, "", vocab)
        field = next(f for f in view["fields"] if f["flag"] == flag)
        assert field["kind"] == "choice" and field["choices"] == vocab[listed], (where, flag)
        assert not re.search(r": [\w-]+(, [\w-]+)* or [\w-]+", field["words"]), field["words"]
    refer_form = form_view(form_for(REFER), "/refer", "reviewctl refer", [], None, "", vocab)
    assert next(f for f in refer_form["fields"] if f["name"] == "type")["words"] == "The review type."


def test_a_listed_value_is_taken_by_its_command(_demo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = tmp_path / "store"
    copy_store(_demo, store)
    monkeypatch.setenv("REVIEWCTL_TODAY", DEMO_TODAY)
    with serving(store) as web:
        page = web.get(f"/case/{SCOPING_LCSPR}").text
        kinds = re.search(r'<select id="parallel-add-kind" name="kind">(.*?)</select>', page, re.S)
        assert kinds is not None and '<option value="inquest">inquest</option>' in kinds.group(1)
        themes = re.search(r'<select id="themes-add-1" name="add".*?>(.*?)</select>', page, re.S)
        assert themes is not None and '<option value="Neglect">Neglect</option>' in themes.group(1)
        assert web.post(f"/case/{SCOPING_LCSPR}/parallel-add", [("kind", "inquest"), ("ref", "Fictional Coroner")]) \
            .status == 303
        assert web.post(f"/case/{SCOPING_LCSPR}/themes", [("add", "Neglect"), ("add", "")]).status == 303
        # A value the list does not have (a hand-made post) is the command's to refuse; the field it names is marked.
        refused = web.post(f"/case/{SCOPING_LCSPR}/parallel-add", [("kind", "hamster"), ("ref", "R")])
        assert refused.status == 422 and "--kind" in refused.text and "hamster" not in refused.text
        assert '<select id="parallel-add-kind" name="kind" aria-invalid="true"' in refused.text
    assert "+  - Neglect" in git(store, "show", "HEAD", "--format=")  # the theme chosen from the list


def test_labels_say_only_what_a_browser_needs(_demo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REVIEWCTL_TODAY", DEMO_TODAY)
    ids = [p.name for p in sorted((_demo / "cases").iterdir())]
    with serving(_demo) as web:
        pages = {i: web.get(f"/case/{i}").text for i in ids}
        pages["new"] = web.get("/new").text
    for name, page in pages.items():
        assert "YYYY-MM-DD" not in page and "(repeat" not in page and "repeat for each" not in page, name
        # A date picker is not typed into: how the shell reads a typed date is no help beside it.
        for label in re.findall(r'<label for="[^"]+">((?:(?!</label>).)*)</label>\s*<input type="date"', page, re.S):
            assert "day first" not in label and "2/11/2026" not in label, (name, label)
        assert "`" not in page, f"{name}: backticks are code, not text"
    assert '<label for="refer-date">When it happened; default today.</label>' in pages["new"]
    decide = pages["SSCP-2026-0TVWS8"]  # a dhr at its decision meeting
    assert re.search(r'<p class="hint" id="decide-partner-hint">Write each as <code class="flag">'
                     r'PARTNER=NAME; ROLE</code></p>', decide)
    assert 'id="decide-partner-1" name="partner" value="" aria-describedby="decide-partner-hint">' in decide
    # Each way the form moves the case is told by the choice that takes it (here both go to the chair).
    assert re.findall(r"<li>([^<:]*): moves the case to “Written recommendation with the Independent Chair”", decide) \
        == ["Decide (or recommend) to conduct a review", "Decide (or recommend) not to"]


def test_what_is_still_missing_links_to_its_field(store: Path, cli: Cli) -> None:
    case_id = refer(cli)
    cli.ok("triage", case_id, "--accept", "--reason", "Meets the criteria", "--date", "2026-11-03")
    with serving(store) as web:
        page = web.get(f"/case/{case_id}").text
    missing = re.search(r'<li>Scoping is complete: move to the decision meeting: moves the case to “Decision making '
                        r'meeting”: still missing: (.*?)</li>', page)
    assert missing is not None, "the scope form says what its step still needs"
    assert '<a href="#scope-notified">date the National Panel was notified</a>' in missing.group(1)
    assert '<a href="#scope-rapid-review-sent">date the rapid review went to the Panel</a>' in missing.group(1)
    assert 'id="scope-notified"' in page and "reviewctl scope" not in missing.group(1)


def test_the_history_names_stages_in_words(store: Path, cli: Cli) -> None:
    case_id = refer(cli)
    cli.ok("triage", case_id, "--accept", "--reason", "Meets the criteria", "--date", "2026-11-03")
    with serving(store) as web:
        page = web.get(f"/case/{case_id}").text
    rows = re.findall(r'<td data-label="From">(.*?)</td><td data-label="To">(.*?)</td>', page)
    assert rows == [("", "Referral received"),
                    ("Referral received", "Triage accepted; initial scoping and information sharing")]


def test_a_proposed_step_says_the_case_waits_for_its_branch(store: Path, cli: Cli) -> None:
    case_id = refer(cli)
    before = git(store, "rev-parse", "HEAD")
    with serving(store) as web:
        posted = web.post(f"/case/{case_id}/triage", [("accept", "accept"), ("reason", "Meets"), ("propose", "yes")])
        assert posted.status == 303, posted.text
        page = web.get(f"/case/{case_id}").text
    branch = f"review/{case_id}/triage-accept"
    assert f"“Triage” is proposed on the branch <code>{branch}</code>" in page
    assert "this case changes when that branch is merged" in page and "The case moved" not in page
    assert git(store, "rev-parse", "HEAD") == before and stage(store, case_id) == "referred"
    assert case_id in git(store, "log", "-1", "--format=%s", branch)


def test_forms_that_only_record_are_folded(store: Path, cli: Cli) -> None:
    case_id = refer(cli)
    before = snapshot(store)
    with serving(store) as web:
        page = web.get(f"/case/{case_id}").text
        folds = dict(re.findall(r'<section class="step" aria-labelledby="step-([a-z-]+)-title".*?<details class="form"'
                                r'( open)?>', page, re.S))
        # `scope` records the Ofsted and DfE notice of a looked-after child's case from the referral on.
        assert folds == {"triage": " open", "withdraw": "", "parallel-add": "", "parallel-event": "",
                         "subject": "", "themes": "", "link": "", "scope": ""}
        refused = web.post(f"/case/{case_id}/link", [("other", "TST-2026-NOSUCH"), ("kind", "joint")])
        assert refused.status == 422
        assert re.search(r'id="step-link">.*?<details class="form" open>', refused.text, re.S)  # shown with its error
    assert snapshot(store) == before


def test_an_empty_tracker_says_where_to_start(store: Path) -> None:
    with serving(store) as web:
        assert 'No cases yet. <a href="/new">Record a new referral</a> to open the first.' in web.get("/").text


def test_a_setup_case_offers_what_setup_needs(store: Path, cli: Cli) -> None:
    """The forms of set-up (notices, chronologies, commissioning) are there, folded or open, each once."""
    case_id = to_setup(cli, "lcspr")
    with serving(store) as web:
        page = web.get(f"/case/{case_id}").text
    for step in ("commission", "notify", "chronology-request", "chronology-import", "panel-add"):
        assert page.count(f'id="step-{step}"') == 1, step


def test_text_refused_for_an_identifier_is_not_sent_back(team: Path, cli: Cli) -> None:
    """A real name typed where a pseudonym belongs: refused, and the page does not carry it back
    (the command's error never repeats it; a browser keeps pages and fills forms from them)."""
    case_id = refer(cli, "lcspr", "--name", NAME)
    before = snapshot(team)
    with serving(team) as web:
        answer = web.post(f"/case/{case_id}/triage", [("accept", "accept"), ("reason", f"Spoke to {NAME} at home"),
                                                      ("date", "2026-11-03")])
    assert answer.status == 422 and "confidential identifier" in answer.text
    assert NAME not in answer.text and NAME.split()[0] not in answer.text
    assert 'id="triage-reason" name="reason" value="" aria-invalid="true"' in answer.text  # named, emptied, focused
    assert 'value="2026-11-03"' in answer.text  # what the error does not name is kept
    assert snapshot(team) == before


def test_a_step_no_longer_allowed_says_why(store: Path, cli: Cli) -> None:
    """A form sent from a page opened before the case moved on (another tab, the Back button)."""
    case_id = refer(cli)
    cli.ok("triage", case_id, "--accept", "--reason", "Meets the criteria")
    before = snapshot(store)
    with serving(store) as web:
        answer = web.post(f"/case/{case_id}/triage", [("accept", "accept"), ("reason", "Again")])
        assert answer.status == 422
        notice = re.search(r'<div class="notice refused" role="alert">(.*?)</div>', answer.text, re.S)
        assert notice is not None, "the refusal is said even though the step has no form now"
        assert "the Triage form was refused, and nothing changed: error: " in notice.group(1)
        assert "it is not a step of this case now" in notice.group(1)
        # Its address, opened again, is its case.
        again = web.get(f"/case/{case_id}/triage")
        assert again.status == 302 and again.headers["location"] == f"/case/{case_id}#step-triage"
        assert web.get(f"/case/{case_id}/confidential").status == 404  # only a step's address
    assert snapshot(store) == before
