"""Signed approvals with real SSH keys, and working as a team over a bare remote."""

from __future__ import annotations

import json
import subprocess
from datetime import date
from pathlib import Path

import pytest
from helpers import (
    PEOPLE,
    REFUSED,
    REPORT,
    USAGE,
    Cli,
    become,
    checks,
    git,
    refer,
    refused_cleanly,
    snapshot,
    stage,
    to_jcrg,
)


def test_approvers_are_managed_by_commands(cli: Cli, signed: Path) -> None:
    rows = json.loads(cli.ok("approvers", "list", "--format", "json").out)
    assert [(r["role"], r["principal"]) for r in rows] == [
        ("independent-chair", PEOPLE["carol"]), ("sscp", PEOPLE["alice"]), ("sscp", PEOPLE["bob"])]
    signers = (signed / ".reviewctl" / "allowed_signers").read_text()
    assert signers.count('namespaces="git" ssh-ed25519 ') == 3
    assert PEOPLE["alice"] not in git(signed, "log", "--format=%B")  # commits name the role only
    cli.ok("approvers", "remove", "sscp", PEOPLE["bob"])  # bob leaves: a former approver, key kept
    assert PEOPLE["bob"] in (signed / ".reviewctl" / "allowed_signers").read_text()
    rows = json.loads(cli.ok("approvers", "list", "--format", "json").out)
    assert {"role": "sscp", "principal": PEOPLE["bob"], "until": "2026-11-20"}.items() <= rows[-1].items()
    assert cli("approvers", "remove", "sscp", PEOPLE["bob"]).code == 1
    cli.ok("approvers", "remove", "sscp", PEOPLE["bob"], "--revoke")  # a lost key: it goes
    assert PEOPLE["bob"] not in (signed / ".reviewctl" / "allowed_signers").read_text()
    assert all(r["principal"] != PEOPLE["bob"] for r in json.loads(cli.ok("approvers", "list", "--format", "json").out))
    assert cli("approvers", "add", "sscp", "x@y", "--key", str(signed / "reviewctl.yaml")).code == 2


def test_signed_approval_by_the_right_role_is_accepted(cli: Cli, signed: Path, keys: dict[str, Path],
                                                       tmp_path: Path) -> None:
    case_id = to_jcrg(cli, signed, tmp_path)
    cli.ok("approve", case_id, "--role", "sscp")
    assert "Good" in subprocess.run(
        ["git", "-c", f"gpg.ssh.allowedSignersFile={signed / '.reviewctl' / 'allowed_signers'}",
         "verify-commit", "HEAD"], cwd=signed, capture_output=True, text=True).stderr
    become(signed, "carol", keys)
    cli.ok("approve", case_id, "--role", "independent-chair")
    assert stage(signed, case_id) == "approved"
    assert [(c["role"], c["status"]) for c in checks(cli, case_id)] == [
        ("sscp", "valid"), ("independent-chair", "valid")]
    assert cli.ok("validate").code == 0


def test_approve_without_a_signing_key_says_how(cli: Cli, signed: Path, tmp_path: Path) -> None:
    case_id = to_jcrg(cli, signed, tmp_path)
    git(signed, "config", "--unset", "user.signingkey")
    result = cli("approve", case_id, "--role", "sscp")
    assert result.code == 1 and "ssh-keygen" in result.err and "user.signingkey" in result.err


def _hand_approval(store: Path, case_id: str, role: str, email: str, sign: bool) -> None:
    """An approval entry and commit made with git, not reviewctl (as a forger would)."""
    folder = store / "cases" / case_id
    version = folder / "report.yaml"
    digest = version.read_text().split("sha256: ")[1].split()[0]
    with (folder / "approvals.yaml").open("a") as handle:
        if (folder / "approvals.yaml").stat().st_size == 0:
            handle.write("approvals:\n")
        handle.write(f"  - role: {role}\n    version: 1\n    sha256: {digest}\n    by: X\n"
                     f"    email: {email}\n    date: 2026-11-20\n")
    git(store, "add", "-A")
    message = (f"{case_id}: approve (jcrg-agreed)\n\nReviewctl-Case: {case_id}\nReviewctl-Step: approve\n"
               f"Reviewctl-Role: {role}\nReviewctl-Report-Version: 1\nReviewctl-Report-Sha256: {digest}\n")
    git(store, "commit", "-q", "-S" if sign else "--no-gpg-sign", "-m", message)


def test_unsigned_approval_commit_is_rejected(cli: Cli, signed: Path, tmp_path: Path) -> None:
    case_id = to_jcrg(cli, signed, tmp_path)
    _hand_approval(signed, case_id, "sscp", PEOPLE["alice"], sign=False)
    (check,) = checks(cli, case_id)
    assert check["status"] == "rejected" and "not signed" in check["reason"]
    assert cli("validate").code == 3


def test_key_not_in_the_allowed_signers_is_rejected(cli: Cli, signed: Path, keys: dict[str, Path],
                                                    tmp_path: Path) -> None:
    case_id = to_jcrg(cli, signed, tmp_path)
    become(signed, "mallory", keys, email=PEOPLE["alice"])  # pretends to be alice
    cli.ok("approve", case_id, "--role", "sscp")
    (check,) = checks(cli, case_id)
    assert check["status"] == "rejected" and "not in the allowed signers of main" in check["reason"]


def test_key_added_by_the_same_branch_is_rejected(cli: Cli, signed: Path, keys: dict[str, Path],
                                                  tmp_path: Path) -> None:
    case_id = to_jcrg(cli, signed, tmp_path)
    git(signed, "checkout", "-q", "-b", "review/sneaky")
    cli.ok("approvers", "add", "sscp", PEOPLE["mallory"], "--key", f"{keys['mallory']}.pub")
    become(signed, "mallory", keys)
    cli.ok("approve", case_id, "--role", "sscp")
    (check,) = checks(cli, case_id, "--base", "main")
    assert check["status"] == "rejected" and "not in the allowed signers of main" in check["reason"]
    result = cli("validate", "--base", "main")
    assert result.code == 3 and "not in the allowed signers of main" in result.out


def test_principal_without_the_role_is_rejected(cli: Cli, signed: Path, keys: dict[str, Path],
                                                tmp_path: Path) -> None:
    case_id = to_jcrg(cli, signed, tmp_path)
    git(signed, "checkout", "-q", "-b", "review/carol-as-sscp")
    config = signed / "reviewctl.yaml"  # the branch gives carol the role by editing the file
    config.write_text(config.read_text().replace("  sscp:\n", f"  sscp:\n    - {PEOPLE['carol']}\n"))
    git(signed, "commit", "-qam", "carol joins sscp")
    become(signed, "carol", keys)
    cli.ok("approve", case_id, "--role", "sscp")
    (check,) = checks(cli, case_id, "--base", "main")
    assert check["status"] == "rejected" and "does not hold the role 'sscp' on main" in check["reason"]


def test_approval_of_an_older_version_is_rejected(cli: Cli, signed: Path, tmp_path: Path) -> None:
    case_id = to_jcrg(cli, signed, tmp_path)
    cli.ok("approve", case_id, "--role", "sscp")
    final = signed / "cases" / case_id / "report-v1.md"
    final.write_text(final.read_text() + "Changed after the approval.\n")
    git(signed, "commit", "-qam", "edit report")
    (check,) = checks(cli, case_id)
    assert check["status"] == "rejected" and "older report version" in check["reason"]


def test_amended_by_someone_else_is_rejected(cli: Cli, signed: Path, keys: dict[str, Path],
                                             tmp_path: Path) -> None:
    case_id = to_jcrg(cli, signed, tmp_path)
    cli.ok("approve", case_id, "--role", "sscp")  # alice
    become(signed, "bob", keys)
    git(signed, "commit", "-q", "--amend", "-S", "--no-edit")  # bob re-signs alice's approval
    (check,) = checks(cli, case_id)
    assert check["status"] == "rejected" and "re-made by someone else" in check["reason"]


def test_edited_trailers_are_rejected(cli: Cli, signed: Path, tmp_path: Path) -> None:
    case_id = to_jcrg(cli, signed, tmp_path)
    cli.ok("approve", case_id, "--role", "sscp")
    raw = git(signed, "cat-file", "commit", "HEAD")
    forged = raw.replace("Reviewctl-Report-Version: 1", "Reviewctl-Report-Version: 1 ")
    forged = forged.replace("(jcrg-agreed)", "(jcrg-agreed, approved by all)")
    new = subprocess.run(["git", "hash-object", "-t", "commit", "-w", "--stdin"], cwd=signed, input=forged,
                         capture_output=True, text=True, check=True).stdout.strip()
    git(signed, "update-ref", "HEAD", new)
    (check,) = checks(cli, case_id)
    assert check["status"] == "rejected" and "after it was signed" in check["reason"]


def test_a_hand_made_approval_without_commit_is_rejected(cli: Cli, signed: Path, tmp_path: Path) -> None:
    case_id = to_jcrg(cli, signed, tmp_path)
    digest = (signed / "cases" / case_id / "report.yaml").read_text().split("sha256: ")[1].split()[0]
    (signed / "cases" / case_id / "approvals.yaml").write_text(
        f"approvals:\n  - role: sscp\n    version: 1\n    sha256: {digest}\n    by: X\n    email: x@y\n"
        "    date: 2026-11-20\n")
    git(signed, "add", "-A")
    git(signed, "commit", "-qm", "an approval, by hand")
    (check,) = checks(cli, case_id)
    assert check["status"] == "rejected" and "no approval commit in this branch's history records it" in check["reason"]


def test_forge_approvals_are_shown_not_counted(cli: Cli, signed: Path, tmp_path: Path) -> None:
    case_id = refer(cli, "sar")
    git(signed, "checkout", "-q", "-b", "review/x")
    cli.ok("triage", case_id, "--accept", "--reason", "r")
    git(signed, "checkout", "-q", "main")
    git(signed, "merge", "-q", "--no-ff", "review/x", "-m",
        f"Merge review/x\n\n{case_id}\nReviewed-by: Fictional Chair <chair@example.invalid>")
    found = checks(cli, case_id)
    assert [(c["status"], c["by"]) for c in found] == [("forge", "Fictional Chair <chair@example.invalid>")]


# -- validate --base --------------------------------------------------------------------

def test_validate_base_catches_what_a_pull_request_should_not_do(cli: Cli, signed: Path) -> None:
    jumper, rewritten, edited = refer(cli), refer(cli), refer(cli)
    for case_id in (rewritten,):
        cli.ok("triage", case_id, "--accept", "--reason", "r")
    git(signed, "checkout", "-q", "-b", "review/bad")
    path = signed / "cases" / jumper / "case.yaml"
    steps = [("triage-accept", "referred", "scoping"), ("scope-done", "scoping", "decision"),
             ("decide-conduct", "decision", "setup"), ("commission", "setup", "commissioned"),
             ("tor", "commissioned", "in-review"), ("report", "in-review", "report"),
             ("jcrg", "report", "jcrg-agreed"), ("approve", "jcrg-agreed", "approved"),
             ("publish", "approved", "published")]
    text = path.read_text().replace("stage: referred", "stage: published")
    text += "".join(f"  - step: {s}\n    date: 2026-11-20\n    from: {a}\n    to: {b}\n    by: M\n"
                    f"    recorded: 2026-11-20\n" for s, a, b in steps)
    path.write_text(text)
    other = signed / "cases" / rewritten / "case.yaml"
    other.write_text(other.read_text().replace("date: 2026-11-20\n    from: referred",
                                               "date: 2026-11-19\n    from: referred"))
    third = signed / "cases" / edited / "case.yaml"
    third.write_text(third.read_text().replace("stage: referred", "stage: scoping"))
    git(signed, "commit", "-qam", "a bad pull request")
    result = cli("validate", "--base", "main", "--format", "json")
    problems = [p["text"] for p in json.loads(result.out)["problems"]]
    assert result.code == 3
    assert any(jumper in p and "jumped from 'referred' to 'published'" in p for p in problems)
    assert any(jumper in p and "needs" in p for p in problems)  # the documents the steps need are missing
    assert any(rewritten in p and "was changed or removed" in p for p in problems)
    assert any(edited in p and "with no step in the history" in p for p in problems)
    assert cli("validate", "--base", "nowhere").code == 2


# -- a team over a bare remote ----------------------------------------------------------

@pytest.fixture
def clones(tmp_path: Path, store: Path) -> tuple[Path, Path]:
    remote = tmp_path / "remote.git"
    git(tmp_path, "init", "-q", "--bare", str(remote))
    git(store, "remote", "add", "origin", str(remote))
    git(store, "push", "-q", "-u", "origin", "HEAD:main")
    first, second = tmp_path / "first", tmp_path / "second"
    for clone in (first, second):
        git(tmp_path, "clone", "-q", str(remote), str(clone))
    return first, second


def test_two_clones_create_cases_offline_then_sync(cli: Cli, clones: tuple[Path, Path]) -> None:
    made = []
    for clone in clones:
        made.append(cli.ok("--store", str(clone), "refer", "--type", "sar", "--subject", "Adult Q",
                           "--referrer", "R", "--summary", "s", "--agency", "Police").out.strip())
    assert made[0] != made[1]
    for clone in (*clones, clones[0]):
        cli.ok("--store", str(clone), "sync")
    for clone in clones:
        assert sorted(p.name for p in (clone / "cases").iterdir() if p.is_dir()) == sorted(made)
        assert cli.ok("--store", str(clone), "validate").code == 0


def test_different_files_of_one_case_merge(cli: Cli, clones: tuple[Path, Path]) -> None:
    first, second = clones
    case_id = cli.ok("--store", str(first), "refer", "--type", "sar", "--subject", "Adult Q", "--referrer", "R",
                     "--summary", "s", "--agency", "Police").out.strip()
    cli.ok("--store", str(first), "triage", case_id, "--accept", "--reason", "r")
    cli.ok("--store", str(first), "sync")
    cli.ok("--store", str(second), "sync")
    cli.ok("--store", str(first), "scope", case_id, "--request", "Health")  # scoping.yaml
    (second / "cases" / case_id / "notes.yaml").write_text("notes: []\n")  # another file of the case
    git(second, "add", "-A")
    git(second, "commit", "-qm", "notes")
    cli.ok("--store", str(first), "sync")
    cli.ok("--store", str(second), "sync")
    cli.ok("--store", str(first), "sync")
    for clone in clones:
        assert (clone / "cases" / case_id / "scoping.yaml").exists()
        assert (clone / "cases" / case_id / "notes.yaml").exists()


def test_same_field_conflict_is_reported_and_nothing_is_lost(cli: Cli, clones: tuple[Path, Path]) -> None:
    first, second = clones
    case_id = cli.ok("--store", str(first), "refer", "--type", "sar", "--subject", "Adult Q", "--referrer", "R",
                     "--summary", "s", "--agency", "Police").out.strip()
    cli.ok("--store", str(first), "sync")
    cli.ok("--store", str(second), "sync")
    cli.ok("--store", str(first), "triage", case_id, "--accept", "--reason", "first view")
    cli.ok("--store", str(second), "triage", case_id, "--no-further-action", "--reason", "second view")
    mine = git(second, "rev-parse", "HEAD").strip()
    cli.ok("--store", str(first), "sync")
    result = cli("--store", str(second), "sync")
    assert result.code == 1 and f"case {case_id}, file case.yaml" in result.err and "rebase --continue" in result.err
    assert git(second, "cat-file", "-t", mine).strip() == "commit"  # the second view is still there
    git(second, "rebase", "--abort")
    assert git(second, "rev-parse", "HEAD").strip() == mine


def test_propose_commits_on_a_review_branch_only(cli: Cli, signed: Path, keys: dict[str, Path],
                                                 tmp_path: Path) -> None:

    case_id = to_jcrg(cli, signed, tmp_path)
    before = snapshot(signed)
    result = cli.ok("approve", case_id, "--role", "sscp", "--propose")
    assert f"review/{case_id}/approve-sscp" in result.err
    assert snapshot(signed) == before  # HEAD, index and work tree untouched
    branch = f"review/{case_id}/approve-sscp"
    assert "Reviewctl-Role: sscp" in git(signed, "log", "-1", "--format=%B", branch)
    assert "approvals:" in git(signed, "show", f"{branch}:cases/{case_id}/approvals.yaml")
    git(signed, "checkout", "-q", branch)
    assert [c["status"] for c in checks(cli, case_id, "--base", "main")] == ["valid"]
    assert cli("validate", "--base", "main").code == 0
    git(signed, "checkout", "-q", "main")
    again = cli.ok("approve", case_id, "--role", "sscp", "--propose")
    assert f"review/{case_id}/approve-sscp-2" in again.err


def test_codeowners(cli: Cli, signed: Path) -> None:
    assert cli("codeowners").code == 2  # no teams yet
    config = signed / "reviewctl.yaml"
    config.write_text(config.read_text().replace("teams: {}", "teams: {sscp: '@fictional/sscp', "
                                                 "independent-chair: '@fictional/chair', jcrg: '@fictional/jcrg'}"))
    git(signed, "commit", "-qam", "teams")
    cli.ok("codeowners")
    owners = (signed / "CODEOWNERS").read_text()
    assert "/cases/*/approvals.yaml @fictional/sscp @fictional/chair" in owners
    assert "/cases/*/jcrg.yaml @fictional/jcrg" in owners
    # Who may approve, and the rules and templates, need the approvers' review too.
    assert "/.reviewctl/ @fictional/sscp @fictional/chair" in owners
    assert "/reviewctl.yaml @fictional/sscp @fictional/chair" in owners
    assert "/templates/ @fictional/sscp @fictional/chair" in owners


def test_shipped_ci_files() -> None:
    from ruamel.yaml import YAML

    root = Path(__file__).resolve().parent.parent
    hooks = YAML(typ="safe").load((root / ".pre-commit-hooks.yaml").read_text())
    assert hooks[0]["id"] == "reviewctl-validate" and hooks[0]["entry"] == "reviewctl validate"
    github = YAML(typ="safe").load((root / "ci" / "github" / "reviewctl-validate.yml").read_text())
    assert "pull_request" in github["on"]
    steps = " ".join(str(s.get("run", "")) for s in github["jobs"]["validate"]["steps"])
    assert "reviewctl validate --base" in steps
    gitlab = YAML(typ="safe").load((root / "ci" / "gitlab" / "reviewctl-validate.gitlab-ci.yml").read_text())
    assert any("reviewctl validate --base" in line for line in gitlab["reviewctl-validate"]["script"])


# -- found by review: a branch may not weaken the rules, nor step into an unfinished git operation --

def test_a_branch_cannot_switch_off_signing(cli: Cli, signed: Path, tmp_path: Path) -> None:
    case_id = to_jcrg(cli, signed, tmp_path)
    git(signed, "checkout", "-q", "-b", "review/sneaky")
    config = signed / "reviewctl.yaml"
    config.write_text(config.read_text().replace("signed_approvals: true", "signed_approvals: false"))
    git(signed, "commit", "-qam", "opt out on the branch")
    _hand_approval(signed, case_id, "sscp", PEOPLE["alice"], sign=False)
    (check,) = checks(cli, case_id, "--base", "main")
    assert check["status"] == "rejected" and "not signed" in check["reason"]
    assert cli("validate", "--base", "main").code == 3


def test_no_base_branch_is_an_error_not_a_fallback(cli: Cli, signed: Path, keys: dict[str, Path],
                                                   tmp_path: Path) -> None:
    case_id = to_jcrg(cli, signed, tmp_path)
    git(signed, "checkout", "-q", "-b", "review/sneaky")
    cli.ok("approvers", "add", "sscp", PEOPLE["mallory"], "--key", f"{keys['mallory']}.pub")
    become(signed, "mallory", keys)
    cli.ok("approve", case_id, "--role", "sscp")
    git(signed, "branch", "-q", "-D", "main")
    result = cli("verify", case_id)
    assert result.code == 2 and "base branch 'main' is not in this repository" in result.err


def test_a_role_nobody_approves_in_is_refused(cli: Cli, signed: Path, keys: dict[str, Path]) -> None:

    err = refused_cleanly(cli, signed, USAGE, "approvers", "add", "sccp", PEOPLE["bob"], "--key", f"{keys['bob']}.pub")
    assert "'sccp' is not a role that approves" in err and "did you mean 'sscp'?" in err


def test_wildcard_principals_are_refused(cli: Cli, signed: Path, keys: dict[str, Path]) -> None:
    for principal in ("*", "*@example.invalid", "a,b@example.invalid"):
        assert cli("approvers", "add", "sscp", principal, "--key", f"{keys['mallory']}.pub").code == 2


def test_no_step_during_a_rebase_or_on_a_detached_head(cli: Cli, store: Path) -> None:

    case_id = refer(cli)
    (store / "notes.txt").write_text("base\n")
    git(store, "add", "notes.txt")
    git(store, "commit", "-qm", "notes")
    git(store, "checkout", "-q", "-b", "feat")
    (store / "notes.txt").write_text("feat\n")
    git(store, "commit", "-qam", "feat")
    git(store, "checkout", "-q", "main")
    (store / "notes.txt").write_text("main\n")
    git(store, "commit", "-qam", "main")
    git(store, "checkout", "-q", "feat")
    subprocess.run(["git", "rebase", "main"], cwd=store, capture_output=True)
    err = refused_cleanly(cli, store, REFUSED, "triage", case_id, "--accept", "--reason", "r")
    assert "a rebase is under way" in err
    git(store, "rebase", "--abort")
    git(store, "checkout", "-q", "--detach", "HEAD")
    err = refused_cleanly(cli, store, REFUSED, "triage", case_id, "--accept", "--reason", "r")
    assert "HEAD is detached" in err
    assert "proposed on branch" in cli.ok("triage", case_id, "--accept", "--reason", "r", "--propose").err


def test_approvals_in_parallel_pull_requests(cli: Cli, signed: Path, keys: dict[str, Path], tmp_path: Path) -> None:
    """Each role proposes on a branch of its own; both merge; `approve ID` then records the case approved."""
    case_id = to_jcrg(cli, signed, tmp_path)
    remote = tmp_path / "remote.git"
    git(tmp_path, "init", "-q", "--bare", str(remote))
    git(signed, "remote", "add", "origin", str(remote))
    git(signed, "push", "-q", "-u", "origin", "main")
    cli.ok("approve", case_id, "--role", "sscp", "--propose")  # alice
    git(signed, "push", "-q", "origin", f"review/{case_id}/approve-sscp")
    git(signed, "branch", "-D", f"review/{case_id}/approve-sscp")  # as on another clone: only the remote has it
    git(signed, "fetch", "-q")
    become(signed, "carol", keys)
    result = cli.ok("approve", case_id, "--role", "independent-chair", "--propose")
    assert f"review/{case_id}/approve-independent-chair" in result.err
    for branch in (f"origin/review/{case_id}/approve-sscp", f"review/{case_id}/approve-independent-chair"):
        git(signed, "merge", "-q", "--no-ff", "--no-edit", branch)  # the forge's merge of each pull request
    assert stage(signed, case_id) == "jcrg-agreed"  # each proposal knew only its own approval
    assert [c["status"] for c in checks(cli, case_id)] == ["valid", "valid"]
    result = cli("approve", case_id, "--role", "sscp")
    assert result.code == 1 and f"`reviewctl approve {case_id}` (no --role)" in result.err
    cli.ok("approve", case_id)
    assert stage(signed, case_id) == "approved"
    assert cli("verify", case_id).code == 0 and cli("validate").code == 0
    assert "Reviewctl-Role" not in git(signed, "log", "-1", "--format=%B")  # it approved nothing itself


def test_approve_without_a_role_waits_for_every_role(cli: Cli, signed: Path, tmp_path: Path) -> None:

    case_id = to_jcrg(cli, signed, tmp_path)
    cli.ok("approve", case_id, "--role", "sscp")
    err = refused_cleanly(cli, signed, REFUSED, "approve", case_id)
    assert "waiting for: independent-chair" in err


def test_an_approver_who_leaves_keeps_their_approvals(cli: Cli, signed: Path, keys: dict[str, Path],
                                                      tmp_path: Path) -> None:
    case_id = to_jcrg(cli, signed, tmp_path)
    cli.ok("approve", case_id, "--role", "sscp")  # alice
    become(signed, "carol", keys)
    cli.ok("approve", case_id, "--role", "independent-chair")
    become(signed, "alice", keys)
    left = date.today().isoformat()  # the approvals' commits carry the real clock's date
    cli.ok("--as-of", left, "approvers", "remove", "independent-chair", PEOPLE["carol"])
    rows = checks(cli, case_id)
    assert [r["status"] for r in rows] == ["valid", "valid"]
    assert f"who held the role until {left}" in rows[1]["reason"]
    assert cli("validate").code == 0
    # She kept her key: a new approval, even dated back, is not in main's history and does not count.
    other = to_jcrg(cli, signed, tmp_path)
    git(signed, "checkout", "-q", "-b", "review/after-leaving")
    become(signed, "carol", keys)
    _hand_approval(signed, other, "independent-chair", PEOPLE["carol"], sign=True)
    git(signed, "commit", "-q", "--amend", "--no-edit", "-S", "--date", "2026-11-01T10:00:00")
    (row,) = checks(cli, other, "--base", "main")
    assert row["status"] == "rejected" and f"held it until {left}" in row["reason"]
    # A revoked key: nothing it signed counts any more.
    git(signed, "checkout", "-q", "main")
    become(signed, "alice", keys)
    cli.ok("approvers", "remove", "independent-chair", PEOPLE["carol"], "--revoke")
    assert [r["status"] for r in checks(cli, case_id)] == ["valid", "rejected"]
    assert cli("validate").code == 3


def test_a_revision_supersedes_signed_approvals(cli: Cli, signed: Path, keys: dict[str, Path],
                                                tmp_path: Path) -> None:
    """After `report --revision`, signed approvals of the old text stop counting; the new text is approved anew."""

    case_id = to_jcrg(cli, signed, tmp_path)
    cli.ok("approve", case_id, "--role", "sscp")
    become(signed, "carol", keys)
    cli.ok("approve", case_id, "--role", "independent-chair")
    revised = tmp_path / "revised.md"
    revised.write_text(REPORT + "\nWhat the QA panel asked for.\n")
    cli.ok("report", case_id, "--file", str(revised), "--revision", "--reason", "QA panel")
    assert stage(signed, case_id) == "report"
    assert [(c["role"], c["status"]) for c in checks(cli, case_id)] == [
        ("sscp", "superseded"), ("independent-chair", "superseded")]
    assert cli.ok("validate").code == 0
    # The JCRG agrees version 2: approvals of version 1 still do not count.
    cli.ok("report", case_id, "--agreed")
    cli.ok("jcrg", case_id, "--final-report", "2", "--comms-plan", str(tmp_path / "plan.md"), "--action", "a",
           "--owner", "Council", "--due", "2027-01-01", "--measure", "m")
    assert {c["status"] for c in checks(cli, case_id)} == {"superseded"}
    assert cli("approve", case_id).code == 1  # no role has approved version 2
    cli.ok("approve", case_id, "--role", "independent-chair")
    become(signed, "alice", keys)
    cli.ok("approve", case_id, "--role", "sscp")
    assert stage(signed, case_id) == "approved"
    assert [c["status"] for c in checks(cli, case_id)] == ["superseded", "superseded", "valid", "valid"]
    assert cli.ok("validate").code == 0
