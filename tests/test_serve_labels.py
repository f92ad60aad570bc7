"""The forms of `reviewctl serve` in a business manager's words (issue 20): no label says
`--date`, `--allow` or "commit"; the options a step seldom needs are under "More options" in
every form; a field for other review types says which, and is folded too; and the fields
still post the options' own names, so a step is the command line's own.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from helpers import Cli, git, refer, snapshot
from webclient import DEMO_TODAY, demo_store, serving

from reviewctl.web.forms import form_for
from reviewctl.web.steps import STEP_COMMANDS
from reviewctl.web.words import MORE, PLAIN


@pytest.fixture(scope="module")
def _demo(_isolated_home: None, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return demo_store(tmp_path_factory.mktemp("demo"))


class Forms(HTMLParser):
    """Each step form's labels and legends (their text), and the names of its fields inside and
    outside its "More options", by the form's section id."""

    def __init__(self, page: str) -> None:
        super().__init__(convert_charrefs=True)
        self.labels: dict[str, list[str]] = {}
        self.outside: dict[str, set[str]] = {}
        self.inside: dict[str, set[str]] = {}
        self.more: dict[str, int] = {}
        self.summaries: dict[str, list[str]] = {}
        self._section, self._text, self._in_more, self._in_summary = "", None, False, False
        self.feed(page)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "section" and "step" in a.get("class", ""):
            self._section = a["id"]
        elif not self._section:
            return
        elif tag in ("label", "legend"):
            self._text = []
        elif tag == "details" and a.get("class") == "more":
            self._in_more = True
            self.more[self._section] = self.more.get(self._section, 0) + 1
        elif tag == "summary":
            self._in_summary = True
        elif tag in ("input", "select") and a.get("name") not in (None, "", "csrf"):
            (self.inside if self._in_more else self.outside).setdefault(self._section, set()).add(a["name"])

    def handle_endtag(self, tag: str) -> None:
        if tag in ("label", "legend") and self._text is not None:
            self.labels.setdefault(self._section, []).append("".join(self._text).strip())
            self._text = None
        elif tag == "details" and self._in_more:
            self._in_more = False
        elif tag == "summary":
            self._in_summary = False
        elif tag == "section":
            self._section = ""

    def handle_data(self, data: str) -> None:
        if self._text is not None:
            self._text.append(data)
        if self._in_summary and self._section:
            self.summaries.setdefault(self._section, []).append(data.strip())


def test_no_label_speaks_the_shell(_demo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REVIEWCTL_TODAY", DEMO_TODAY)
    with serving(_demo) as web:
        pages = {"new": web.get("/new").text} | {p.name: web.get(f"/case/{p.name}").text
                                                  for p in sorted((_demo / "cases").iterdir())}
    seen = 0
    for name, page in pages.items():
        forms = Forms(page)
        for section, labels in forms.labels.items():
            for label in labels:
                seen += 1
                assert not re.search(r"--[a-z]", label), (name, section, label)  # no option syntax
                assert "commit" not in label and "shell" not in label and "branch review/" not in label, label
                assert not re.search(r"\b(lcspr|sar|dhr)\b", label), (name, label)  # LCSPR, SAR, DHR
                assert "DATE" not in label and "PARTNER" not in label, label
        # Every form folds what a step seldom needs, once; the same step at the command line with them.
        for section in forms.labels:
            assert forms.more[section] == 1 and {"allow", "allow-reason", "propose"} <= forms.inside[section]
            assert not {"allow", "allow-reason", "propose"} & forms.outside.get(section, set()), section
        # A form's summary is in words: the command line is under "More options" (and in the
        # approval's note, which says how to approve at the command line instead).
        for summary in re.findall(r'</h3>\n<p>(.*?)</p>', _forms_of(page)):
            assert "reviewctl " not in summary and "<code>" not in summary, (name, summary)
    assert seen > 300
    new = Forms(pages["new"])
    assert "Propose it for a colleague to check first" in " ".join(new.labels["step-refer"])
    assert "Date received; if empty, the same as “When it happened”." in new.labels["step-refer"]


def _forms_of(page: str) -> str:
    return "".join(re.findall(r'<section class="step".*?</section>', page, re.S))


def test_fields_for_other_types_are_folded_and_say_so(store: Path, cli: Cli) -> None:
    child, adult = refer(cli, "lcspr"), refer(cli, "sar")
    cli.ok("triage", child, "--accept", "--reason", "r", "--date", "2026-11-03")
    cli.ok("scope", child, "--notified", "2026-11-04", "--rapid-review-sent", "2026-11-10", "--done",
           "--date", "2026-11-10")
    cli.ok("triage", adult, "--accept", "--reason", "r", "--date", "2026-11-03")
    cli.ok("scope", adult, "--done", "--date", "2026-11-10")
    with serving(store) as web:
        child_page, adult_page = Forms(web.get(f"/case/{child}").text), Forms(web.get(f"/case/{adult}").text)
    # The partners' agreement is an LCSPR's: in the child's form, as its help says it without the type.
    assert "partner" in child_page.outside["step-decide"] and "basis" in child_page.inside["step-decide"]
    assert "A safeguarding partner's agreement (local-authority, icb, police)." in child_page.labels["step-decide"]
    # In an adult's, folded, and saying whose it is; the SAR's basis is the adult's, out in the form.
    assert "partner" in adult_page.inside["step-decide"] and "basis" in adult_page.outside["step-decide"]
    assert "LCSPR only: a safeguarding partner's agreement (local-authority, icb, police)." in \
        adult_page.labels["step-decide"]
    assert any(label.startswith("Mandatory (Care Act 2014 s.44(1)-(3))") for label in adult_page.labels["step-decide"])
    assert "SAR/DHR: recommendation to the chair" not in adult_page.labels["step-decide"]  # the summary, not a label


def test_the_fields_still_post_the_options_names(store: Path, cli: Cli) -> None:
    """A field under "More options" is the option's own (`allow`, `propose`): a proposal from the
    browser is the command line's, and a refused one opens "More options" to show why."""
    case_id = refer(cli)
    before = snapshot(store)
    with serving(store) as web:
        refused = web.post(f"/case/{case_id}/triage", [("accept", "accept"), ("reason", "Meets"),
                                                       ("allow", "hamster")])
        assert refused.status == 422
        more = re.search(r'id="step-triage".*?<details class="more"( open)?>', refused.text, re.S)
        assert more is not None and more.group(1) == " open"
        assert 'id="triage-allow-1" name="allow" value="" aria-invalid="true"' in refused.text
        assert snapshot(store) == before
        posted = web.post(f"/case/{case_id}/triage", [("accept", "accept"), ("reason", "Meets"), ("propose", "yes")])
        assert posted.status == 303
    assert case_id in git(store, "log", "-1", "--format=%s", f"review/{case_id}/triage-accept")


def test_the_words_tables_name_only_what_forms_have() -> None:
    """Each option with words of its own (PLAIN) or folded (MORE) is an option of a form."""
    flags = {f.flag for path in STEP_COMMANDS.values() for f in form_for(path).fields}
    assert set(PLAIN) <= flags and {flag for _, flag in MORE} <= flags
