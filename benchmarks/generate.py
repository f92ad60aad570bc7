"""Make a synthetic store of N plainly fictional cases that looks like a caseload, committed.

    python benchmarks/generate.py PATH N [--seed S]

The store holds cases at every stage of the default workflow, in the shares a
partnership's caseload has after some years (MIX below): most referrals end at triage
or with a decision not to conduct, a review in progress has its scoping, decision,
chronologies, commission, terms of reference, report versions, JCRG actions, approvals
and publication records, and every step has rendered its letters as markdown and Word
(`documents: [md, docx]`).  Half the cases keep their subject's identifiers encrypted
(`identifiers.age`, with the case's key in a key store beside the store, PATH.keys).

How: the real commands take one exemplar case of each type through the whole process
(and to each side exit), and the folder is kept as it stands at the end of each stage.
Each of the N cases is a copy of one of those folders under its own id and pseudonym,
with every date moved by the same number of days (so each history still follows the
workflow, and open cases are recent); approval commits are made for the copies as
`approve` makes them (this store records plain approvals).  Word files, which are
never read by a bulk report, are hard links to the exemplar's.  Every case passes
`reviewctl validate`.
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import hashlib
import io
import json
import os
import random
import re
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from reviewctl.adapters import agecrypt
from reviewctl.cli.app import main as reviewctl
from reviewctl.core.store.create import init_store

TODAY = date(2026, 11, 27)  # the benchmark's REVIEWCTL_TODAY
# The share of each (stage, type) in a caseload a few years old.  A partnership screens many
# referrals and conducts few reviews: a review runs a year or more, then its actions are
# monitored; closed reviews accumulate.
STAGE_SHARES = {
    "referred": 0.03, "scoping": 0.04, "decision": 0.02, "awaiting-chair": 0.01, "setup": 0.02,
    "commissioned": 0.02, "in-review": 0.05, "report": 0.02, "jcrg-agreed": 0.01, "approved": 0.01,
    "published": 0.01, "monitoring": 0.04, "closed": 0.12, "no-further-action": 0.40, "not-conducted": 0.20,
}
TYPE_SHARES = {"lcspr": 0.40, "sar": 0.40, "dhr": 0.15, "unknown": 0.05}
UNKNOWN_STAGES = {"referred", "scoping", "decision", "no-further-action"}  # a type is settled by the decision
IDENTIFIERS_SHARE = 0.5
# How far back from today a copy's last step lies: open cases are recent, ended ones spread over years.
RECENT_DAYS, ENDED_DAYS = 120, 1300
ENDED = {"closed", "no-further-action", "not-conducted"}

PARTNERS = ["--partner", "local-authority=Fictional Director; Director of Children's Services",
            "--partner", "icb=Fictional Nurse; Designated Nurse for Safeguarding",
            "--partner", "police=Fictional Superintendent; Head of Public Protection"]
REFERRED = date(2025, 1, 6)  # every exemplar's referral
SUBJECT = "Exemplar Subject"  # each copy gets a pseudonym of its own in its place
IDENTITY = {"GIT_AUTHOR_NAME": "Benchmark Business Unit", "GIT_AUTHOR_EMAIL": "bench@example.invalid",
            "GIT_COMMITTER_NAME": "Benchmark Business Unit", "GIT_COMMITTER_EMAIL": "bench@example.invalid"}
REPORT = """# Review report (fictional)

## Findings

Agencies held pieces of the picture, but no one agency saw the whole of it. Records of
who else lived in the household were incomplete, and concerns raised by carers and by the
school were not escalated beyond the first agency that heard them.

## Recommendations

1. The partnership should publish a shared escalation protocol.
2. Agencies should record who else is involved at every contact.
3. Practitioners should be trained in professional curiosity.
"""
CHRONOLOGY = """date,time,event,source,significance
2025-03-02,22:10,Officers attended after a neighbour heard shouting,Incident log,high
2025-05-14,10:30,GP review of bruising,GP record,high
2025-07-01,,Missed appointment followed up by letter,Clinic record,medium
2025-09-19,,Referral to early help declined by the family,Early help log,medium
"""


@dataclass
class Exemplar:
    """One case folder as it stands at the end of a stage."""

    case_id: str
    stage: str
    case_type: str
    folder: Path  # a copy of the case folder
    last: date  # the date of its last step
    identifiers: bool


def _day(text: str) -> date:
    return date.fromisoformat(text)


class _Builder:
    """Runs reviewctl's own commands in this process on the exemplar store."""

    def __init__(self, root: Path, work: Path) -> None:
        self.root, self.work = root, work
        self.kept_by_stage: dict[tuple[str, str], Exemplar] = {}

    def run(self, day: str, *args: str, dated: bool = True) -> str:
        os.environ["REVIEWCTL_TODAY"] = day
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = reviewctl(["--store", str(self.root), *args, *(["--date", day] if dated else [])])
        if code != 0:
            raise SystemExit(f"generate: reviewctl {' '.join(args)} exited {code}: {err.getvalue().strip()}")
        return out.getvalue().strip()

    def keep(self, case_id: str, case_type: str, day: str) -> None:
        """The case folder as it stands now, as the exemplar of its stage (a later step of
        the same stage replaces it: the end of a stage holds the most)."""
        text = (self.root / "cases" / case_id / "case.yaml").read_text()
        stage = re.search(r"^stage: (\S+)$", text, re.MULTILINE).group(1)  # type: ignore[union-attr]
        target = self.work / "exemplars" / f"{case_type}-{stage}"
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(self.root / "cases" / case_id, target)
        self.kept_by_stage[(case_type, stage)] = Exemplar(case_id, stage, case_type, target, _day(day), True)

    def refer(self, case_type: str, day: str, extra: tuple[str, ...] = ()) -> str:
        case_id = self.run(day, "refer", "--type", case_type, "--subject", SUBJECT,
                           "--referrer", "Fictional Agency DSL", "--received", day, "--incident-date", day,
                           "--summary", "A fictional referral for the benchmark; nothing in it is real.",
                           "--agency", "Fictional Shire Police", "--agency", "Fictional Shire ICB", *extra)
        if not extra:  # the donor of identifiers is no exemplar
            self.keep(case_id, case_type, day)
        return case_id

    def step(self, case_id: str, case_type: str, day: str, *args: str) -> None:
        self.run(day, *args)
        self.keep(case_id, case_type, day)

    def whole_review(self, case_type: str) -> None:
        """Referral to closure, as tests/helpers.py and the demo take a case."""
        case_id = self.refer(case_type, REFERRED.isoformat())
        s = lambda day, *args: self.step(case_id, case_type, day, *args)  # noqa: E731
        s("2025-01-08", "triage", case_id, "--accept", "--reason", "The criteria for a review may be met.")
        s("2025-01-09", "scope", case_id, "--request", "Fictional Shire Police")
        if case_type == "lcspr":
            s("2025-01-24", "scope", case_id, "--notified", "2025-01-10", "--rapid-review-sent", "2025-01-24")
        s("2025-01-24", "scope", case_id, "--done")
        # The partners decide an lcspr; a sar's decision says its basis in the Care Act.
        partners = PARTNERS if case_type == "lcspr" else ["--basis", "mandatory"] if case_type == "sar" else []
        s("2025-01-27", "decide", case_id, "--conduct", "--rationale", "The criteria are met.", *partners,
          "--attendee", "Partnership chair", "--parallel", "Inquest")
        if case_type != "lcspr":
            s("2025-01-29", "decide", case_id, "--chair", "--conduct", "--rationale", "I agree.")
        s("2025-01-30", "notify", case_id, "--family")
        if case_type != "sar":
            s("2025-01-30", "notify", case_id, "--national")
        s("2025-01-31", "chronology", "request", case_id, "--agency", "Fictional Shire Police",
          "--agency", "Fictional Shire ICB")
        csv = self.work / "chronology.csv"
        csv.write_text(CHRONOLOGY)
        s("2025-02-14", "chronology", "import", case_id, str(csv), "--agency", "Fictional Shire Police")
        s("2025-02-17", "commission", case_id, "--lead-reviewer", "A. Reviewer (fictional)", "--organisation",
          "Fictional Independent Reviews Ltd", "--declare-independent")
        s("2025-02-18", "panel", "add", case_id, "--name", "C. Panellist (fictional)", "--agency",
          "Fictional Shire Police", "--role", "Detective inspector")
        tor = self.work / "tor.md"
        tor.write_text("# Terms of reference (fictional)\n\nAgency contact over the two years before.\n")
        s("2025-02-24", "tor", case_id, "--file", str(tor), "--milestone", "Panel meeting=2025-03-24",
          "--milestone", "Draft report=2025-06-30")
        if case_type == "dhr":
            s("2025-03-03", "clock", "pause", case_id, "dhr-submission", "--reason", "Waiting for the trial")
            s("2025-04-07", "clock", "resume", case_id, "dhr-submission")
        if case_type == "lcspr":
            s("2025-03-03", "clock", "extend", case_id, "review-publication", "--to", "2025-12-31",
              "--reason", "Agency interviews were delayed", "--agreed-by", "National Panel")
        s("2025-03-24", "milestone", case_id, "Panel meeting")
        s("2025-04-14", "engage", case_id, "--with", "mother", "--note", "Met at home with an advocate.")
        s("2025-06-02", "checklist", case_id, "--tick", "purpose-and-principles", "--tick", "methodology",
          "--tick", "guidance", "--tick", "family-engagement", "--tick", "analysis", "--tick", "learning")
        report = self.work / "report.md"
        report.write_text(REPORT)
        s("2025-06-30", "report", case_id, "--file", str(report))
        s("2025-07-07", "report", case_id, "--agreed")
        s("2025-07-14", "present", case_id)
        plan = self.work / "comms.md"
        plan.write_text("# Communications plan (fictional)\n\nFamily briefed before publication.\n")
        s("2025-07-21", "jcrg", case_id, "--final-report", "1", "--comms-plan", str(plan),
          "--action", "Publish a shared escalation protocol", "--owner", "Fictional Shire Council",
          "--due", "2025-10-31", "--measure", "Protocol published and briefed",
          "--action", "Audit recording of household members", "--owner", "Fictional Shire ICB",
          "--due", "2026-01-30", "--measure", "Audit of 50 records reported to the JCRG")
        if case_type == "dhr":
            letter = self.work / "qa-letter.md"
            letter.write_text("# Home Office Quality Assurance Panel (fictional)\n\nApproved for publication.\n")
            s("2025-07-28", "home-office", "submit", case_id)
            s("2025-08-18", "home-office", "qa", case_id, "--outcome", "approved", "--letter", str(letter))
        for role in ["sscp", "independent-chair"]:  # a dhr's Home Office QA is its outcome above, not a role
            s("2025-08-25", "approve", case_id, "--role", role)
        publish = ["--notified-on", "2025-08-26", "--embargo-until", "2025-09-08"] if case_type == "lcspr" else []
        s("2025-09-08", "publish", case_id, "--where", "https://example.invalid/reviews", *publish)
        s("2025-09-15", "monitor", case_id)
        s("2025-10-13", "actions", "update", case_id, "A1", "--progress", "Protocol drafted", "--status",
          "on-track")
        s("2025-10-31", "actions", "sign-off", case_id, "A1")
        s("2026-01-30", "actions", "sign-off", case_id, "A2")
        s("2026-02-09", "impact", case_id, "--note", "Referral audit: concerns escalated in 9 of 10 cases.")
        s("2026-02-16", "close", case_id)

    def side_exits(self, case_type: str) -> None:
        """No further action at triage, and a decision not to conduct."""
        case_id = self.refer(case_type, REFERRED.isoformat())
        self.step(case_id, case_type, "2025-01-08", "triage", case_id, "--no-further-action",
                  "--reason", "No death or serious harm: the criteria are not met.")
        if case_type == "unknown":
            case_id = self.refer(case_type, REFERRED.isoformat())
            self.step(case_id, case_type, "2025-01-08", "triage", case_id, "--accept",
                      "--reason", "Scoping will settle the type.")
            self.step(case_id, case_type, "2025-01-24", "scope", case_id, "--done")
            return
        case_id = self.refer(case_type, REFERRED.isoformat())
        s = lambda day, *args: self.step(case_id, case_type, day, *args)  # noqa: E731
        s("2025-01-08", "triage", case_id, "--accept", "--reason", "The criteria for a review may be met.")
        if case_type == "lcspr":
            s("2025-01-24", "scope", case_id, "--notified", "2025-01-10", "--rapid-review-sent", "2025-01-24")
        s("2025-01-24", "scope", case_id, "--done")
        partners = PARTNERS if case_type == "lcspr" else []
        s("2025-01-27", "decide", case_id, "--not-conduct", "--rationale", "The criteria are not met.", *partners,
          "--learning-to", "Learning and Development Group")
        if case_type != "lcspr":
            s("2025-01-29", "decide", case_id, "--chair", "--not-conduct", "--rationale", "I agree.",
              "--learning-to", "Learning and Development Group")
        if case_type == "dhr":
            s("2025-01-30", "notify", case_id, "--national")


def build_exemplars(work: Path, types: tuple[str, ...]) -> tuple[Path, dict[tuple[str, str, bool], Exemplar], Path]:
    """The exemplar store (its settings are the benchmark store's), its exemplars and its key store.

    The exemplars are made without identifiers, and each has a copy with them: the encrypted
    identifiers of one referral made with `--name` and `--dob`, and its key in the key store
    under the exemplar's id (nothing else of a case says it has them; every step on a case
    with identifiers checks what it writes against them, which doubled the time)."""
    root = init_store(work / "exemplar-store", "Fictional Benchmark Partnership", "BENCH")
    config = root / "reviewctl.yaml"
    text = config.read_text().replace("signed_approvals: true", "signed_approvals: false")
    config.write_text(re.sub(r"^documents:.*$", "documents: [md, docx]", text, flags=re.MULTILINE))
    subprocess.run(["git", "commit", "-qam", "benchmark settings"], cwd=root, check=True)
    secret, public = agecrypt.new_secret()
    identity = work / "identity.key"
    identity.write_text(f"# benchmark\n{secret}\n")
    keystore = work / "keystore"
    names = ("REVIEWCTL_TODAY", "REVIEWCTL_KEYSTORE", "REVIEWCTL_IDENTITY", *IDENTITY)
    saved = {k: os.environ.get(k) for k in names}
    os.environ.update({"REVIEWCTL_KEYSTORE": str(keystore), "REVIEWCTL_IDENTITY": str(identity), **IDENTITY})
    builder = _Builder(root, work)
    try:
        builder.run("2025-01-02", "recipients", "add", "business-unit", "--key", public.key, dated=False)
        for case_type in types:
            builder.whole_review(case_type)
        for case_type in (*types, "unknown"):
            builder.side_exits(case_type)
        donor = builder.refer("lcspr", REFERRED.isoformat(), ("--name", "Zoë Quillfeather-Imaginary",
                                                              "--dob", "2019-03-14"))
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    kept = {}
    store_keys = next(p for p in keystore.iterdir() if p.is_dir())
    for (case_type, stage), exemplar in builder.kept_by_stage.items():
        secret = exemplar.folder.with_name(exemplar.folder.name + "-identifiers")
        shutil.copytree(exemplar.folder, secret)
        shutil.copyfile(root / "cases" / donor / "identifiers.age", secret / "identifiers.age")
        shutil.copyfile(store_keys / f"{donor}.age", store_keys / f"{exemplar.case_id}.age")
        kept[(case_type, stage, True)] = Exemplar(exemplar.case_id, stage, case_type, secret, exemplar.last, True)
        kept[(case_type, stage, False)] = Exemplar(exemplar.case_id, stage, case_type, exemplar.folder,
                                                   exemplar.last, False)
    return root, kept, keystore


_DATE = re.compile(r"\b(20\d\d)-(\d\d)-(\d\d)\b")


def _shifted(text: str, days: int) -> str:
    return _DATE.sub(lambda m: (date(*map(int, m.groups())) + timedelta(days=days)).isoformat(), text)


# Files whose bytes are recorded (a report's content hash) or that are not text: copied as they are.
_AS_IS = re.compile(r"^(report-v\d+\.\w+|.*\.docx|identifiers\.age|terms-of-reference\.md|communications-plan\.md)$")


def copy_case(exemplar: Exemplar, target: Path, case_id: str, subject: str, days: int) -> None:
    """The exemplar's folder under another id and pseudonym, every date moved by `days`."""
    for folder, _, files in os.walk(exemplar.folder):
        into = target / os.path.relpath(folder, exemplar.folder)
        into.mkdir(parents=True, exist_ok=True)
        for name in files:
            source = os.path.join(folder, name)
            moved = _shifted(name, days)
            if name.endswith(".docx"):
                os.link(source, into / moved)  # never read by a report; a real store has one per letter
            elif _AS_IS.match(name):
                shutil.copyfile(source, into / moved)
            else:
                with open(source, encoding="utf-8") as handle:
                    text = handle.read()
                text = _shifted(text.replace(exemplar.case_id, case_id).replace(SUBJECT, subject), days)
                with open(into / moved, "w", encoding="utf-8") as handle:
                    handle.write(text)
    _checked_again(target)


# A line of publication.yaml's `checked`: a file's path in the case and the sha256 publish saw.
_CHECKED_LINE = re.compile(r"^(  (\S+): )([0-9a-f]{64})$", re.MULTILINE)


def _checked_again(folder: Path) -> None:
    """publish's record of the files it checked (publication.yaml `checked`), made again for
    a copy as publish makes it: a copy's files have their dates moved and another pseudonym,
    so their digests are the copy's own, not the exemplar's."""
    record = folder / "publication.yaml"
    if record.is_file():
        text = record.read_text(encoding="utf-8")
        record.write_text(_CHECKED_LINE.sub(
            lambda m: m.group(1) + hashlib.sha256((folder / m.group(2)).read_bytes()).hexdigest(), text),
            encoding="utf-8")


def _approval_messages(root: Path) -> dict[str, list[str]]:
    """Each exemplar's approval commit messages, oldest first."""
    out = subprocess.run(["git", "log", "--reverse", "--format=%B%x1e", "--grep=Reviewctl-Step: approve"],
                         cwd=root, check=True, capture_output=True, text=True).stdout
    found: dict[str, list[str]] = {}
    for message in filter(str.strip, out.split("\x1e")):
        case = re.search(r"^Reviewctl-Case: (\S+)$", message, re.MULTILINE)
        if case:
            found.setdefault(case.group(1), []).append(message.strip("\n") + "\n")
    return found


def _letters(n: int) -> str:
    """The n-th id's last part, in six letters as a real id may be: an id of digits alone
    ("2025-000197") reads as an NHS number to the pattern guard of every letter it is in."""
    return "".join(chr(ord("A") + n // 26**k % 26) for k in range(5, -1, -1))


def _pick(rng: random.Random, shares: dict[str, float]) -> str:
    return rng.choices(list(shares), list(shares.values()))[0]


@dataclass
class Exemplars:
    """The exemplar cases, their approval commits' messages and their keys: made once, copied
    into any number of stores."""

    root: Path
    cases: dict[tuple[str, str, bool], Exemplar]
    approvals: dict[str, list[str]]
    keys: Path  # the exemplar store's folder in its key store
    type_shares: dict[str, float]


REPO = Path(__file__).resolve().parent.parent
EXEMPLARS_ENV = "BENCH_EXEMPLARS_DIR"  # where the exemplars are kept (the test suite shares one folder)


def _version_of_exemplars(quick: bool) -> str:
    """What the exemplars depend on: this script and reviewctl's code, workflow and templates."""
    digest = hashlib.sha256(b"quick" if quick else b"full")
    for path in sorted([Path(__file__).resolve(), *(REPO / "reviewctl").rglob("*"), *(REPO / "templates").rglob("*")]):
        if path.is_file() and path.suffix in (".py", ".yaml", ".j2", ".md", ".docx", ".csv"):
            digest.update(str(path.relative_to(REPO)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


@contextlib.contextmanager
def exemplars(quick: bool = False) -> Iterator[Exemplars]:
    """The exemplar cases (`quick`: of lcspr only, and unknown, every settled case an lcspr: a
    smoke run's stores).  Made by the real commands once for each version of reviewctl and of
    this script, and kept in the temporary folder (`reviewctl-exemplars-VERSION`) for the next
    run (or in $BENCH_EXEMPLARS_DIR): a benchmark, its smoke run and the browser test's store
    all start from them."""
    type_shares = {"lcspr": 0.95, "unknown": 0.05} if quick else TYPE_SHARES
    where = Path(os.environ.get(EXEMPLARS_ENV) or tempfile.gettempdir())
    kept = where / f"reviewctl-exemplars-{_version_of_exemplars(quick)}"
    with open(f"{kept}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # another process making them: wait, then use them
        if not (kept / "manifest.json").is_file():
            work = Path(tempfile.mkdtemp(prefix=f"{kept.name}.", dir=kept.parent))
            _, cases, keystore = build_exemplars(work, tuple(t for t in type_shares if t != "unknown"))
            manifest = {"keys": str(next(p for p in keystore.iterdir() if p.is_dir()).relative_to(work)),
                        "cases": [[t, st, i, e.case_id, str(e.folder.relative_to(work)), e.last.isoformat()]
                                  for (t, st, i), e in cases.items()]}
            (work / "manifest.json").write_text(json.dumps(manifest))
            shutil.rmtree(kept, ignore_errors=True)
            work.rename(kept)
    manifest = json.loads((kept / "manifest.json").read_text())
    cases = {(t, st, i): Exemplar(case_id, st, t, kept / folder, date.fromisoformat(last), i)
             for t, st, i, case_id, folder, last in manifest["cases"]}
    root = kept / "exemplar-store"
    yield Exemplars(root, cases, _approval_messages(root), kept / manifest["keys"], type_shares)


def generate(root: Path, count: int, seed: int = 7, quick: bool = False, made: Exemplars | None = None) -> list[str]:
    """The store at `root` (its key store at `root`.keys); the ids of its cases.  `made`: exemplars
    made before.  `quick`: lcspr exemplars, every stage in turn (a smoke run's tiny store)."""
    if made is None:
        with exemplars(quick) as made:
            return generate(root, count, seed, quick, made)
    rng = random.Random(seed)
    type_shares = made.type_shares
    # The store: the exemplar store's settings and recipients, without its cases.
    shutil.copytree(made.root, root, ignore=shutil.ignore_patterns("cases"))
    (root / "cases").mkdir()
    subprocess.run(["git", "rm", "-rq", "--cached", "--ignore-unmatch", "cases"], cwd=root, check=True)
    (root / "cases" / ".gitkeep").touch()
    keys = Path(f"{root}.keys") / made.keys.name
    keys.mkdir(parents=True, exist_ok=True)
    ids, messages = [], []
    stages = list(STAGE_SHARES)
    for n in range(count):
        case_type = _pick(rng, type_shares)
        # A smoke run's tiny store has every stage, in turn; a benchmark's, the shares of a caseload.
        stage = stages[n % len(stages)] if quick else _pick(rng, STAGE_SHARES)
        if case_type == "unknown" and stage not in UNKNOWN_STAGES:
            case_type = _pick(rng, {t: s for t, s in type_shares.items() if t != "unknown"})
        if case_type == "lcspr" and stage == "awaiting-chair":
            stage = "decision"  # the partners decide an lcspr: no chair
        identifiers = rng.random() < IDENTIFIERS_SHARE
        exemplar = made.cases[(case_type, stage, identifiers)]
        back = rng.randrange(RECENT_DAYS if stage not in ENDED else ENDED_DAYS)
        days = (TODAY - exemplar.last).days - back
        received = REFERRED + timedelta(days=days)
        case_id = f"BENCH-{received.year}-{_letters(n)}"
        subject = f"{'Child' if case_type == 'lcspr' else 'Adult'} {n}"
        copy_case(exemplar, root / "cases" / case_id, case_id, subject, days)
        if identifiers:
            shutil.copyfile(made.keys / f"{exemplar.case_id}.age", keys / f"{case_id}.age")
        if stage in ("approved", "published", "monitoring", "closed"):
            messages += [m.replace(exemplar.case_id, case_id) for m in made.approvals.get(exemplar.case_id, [])]
        ids.append(case_id)
    # A real store's files are older than its index. Files written in the same second
    # as the index would stay "racily clean" to git, which then re-reads them on every
    # command, so the benchmark would measure an artefact of making the store.
    time.sleep(1.1)
    subprocess.run(["git", "add", "-A", "cases"], cwd=root, check=True)
    subprocess.run(["git", "commit", "-qm", f"benchmark: {count} synthetic cases"], cwd=root, check=True)
    _commit_approvals(root, messages)
    return ids


def _commit_approvals(root: Path, messages: list[str]) -> None:
    """An empty commit with each approval's message on top of the store's branch, in one
    `git fast-import`: the trailers are what `validate` looks for."""
    if not messages:
        return
    git = ["git", "-C", str(root)]
    branch = subprocess.run([*git, "symbolic-ref", "HEAD"], check=True, capture_output=True, text=True).stdout.strip()
    head = subprocess.run([*git, "rev-parse", "HEAD"], check=True, capture_output=True, text=True).stdout.strip()
    stream = io.BytesIO()
    when = int(time.time())
    for i, message in enumerate(messages):
        data = message.encode()
        stream.write(f"commit {branch}\ncommitter Benchmark <bench@example.invalid> {when} +0000\n"
                     f"data {len(data)}\n".encode() + data + b"\n")
        if i == 0:
            stream.write(f"from {head}\n".encode())
        stream.write(b"\n")
    subprocess.run([*git, "fast-import", "--quiet"], input=stream.getvalue(), check=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("path", type=Path)
    parser.add_argument("count", type=int)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--quick", action="store_true", help="exemplars of lcspr only: a smoke run's store")
    args = parser.parse_args()
    generate(args.path, args.count, args.seed, args.quick)
    print(f"{args.count} cases in {args.path} (key store {args.path}.keys)")


if __name__ == "__main__":
    main()
