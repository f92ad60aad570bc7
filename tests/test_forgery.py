"""Forged approvals: each attack a branch can make on the approval of a report, refused.

Every test here passed the forgery on the code before this file: a stage set by hand,
a base branch named by the branch itself, an approval that lives on another branch or
only in a merge commit's message, a publication without verified approvals, and a
`sync` that dropped the approval's signature.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from helpers import (
    INVALID,
    PEOPLE,
    Cli,
    all_checks,
    become,
    checks,
    git,
    refused_cleanly,
    snapshot,
    stage,
    to_jcrg,
    to_jcrg_agreed,
)
from ruamel.yaml import YAML

from reviewctl.core.store.folder import DEFAULT_WORKFLOW

# The steps from jcrg-agreed onwards, as a forger would write them into the history.
LATER = [("approve", "jcrg-agreed", "approved"), ("publish", "approved", "published"),
         ("monitor", "published", "monitoring"), ("close", "monitoring", "closed")]


def set_stage_by_hand(store: Path, case_id: str, to: str = "approved", case_type: str | None = None) -> None:
    """What a forger does with an editor: the stage, and history entries that look like steps'
    (with `case_type`, the first of them settles that type, as a retyping step's would)."""
    path = store / "cases" / case_id / "case.yaml"
    yaml = YAML()
    case = yaml.load(path.read_text())
    case["stage"] = to
    for step, source, target in LATER[:[t for _, _, t in LATER].index(to) + 1]:
        entry = {"step": step, "date": date(2026, 11, 20), "from": source, "to": target,
                 "by": "Mallory", "recorded": date(2026, 11, 20)}
        if case_type is not None and step == "approve":
            entry["type"] = case_type
        case["history"].append(entry)
    with path.open("w") as handle:
        yaml.dump(case, handle)


def statuses(rows: list[dict]) -> list[tuple[str, str]]:  # type: ignore[type-arg]
    return [(r["role"], r["status"]) for r in rows]


def test_a_stage_set_by_hand_is_not_an_approval(cli: Cli, signed: Path, tmp_path: Path) -> None:
    case_id = to_jcrg(cli, signed, tmp_path)
    git(signed, "checkout", "-q", "-b", "review/forged")
    set_stage_by_hand(signed, case_id)
    git(signed, "commit", "-qam", "approved, by hand")
    result = cli("verify", case_id, "--base", "main", "--format", "json")
    assert result.code == 1
    assert statuses(json.loads(result.out)) == [("sscp", "missing"), ("independent-chair", "missing")]
    for args in (("validate", "--base", "main"), ("validate",)):
        result = cli(*args)
        assert result.code == 3
        assert f"{case_id}/case.yaml: stage: 'approved' needs a valid approval by the role 'sscp'" in result.out
        assert "role 'independent-chair'" in result.out
    before = snapshot(signed)
    result = cli("publish", case_id, "--where", "https://example.invalid/reviews")
    assert result.code == 1 and "the approvals do not verify: sscp" in result.err
    assert len(result.err.strip().splitlines()) == 1
    assert snapshot(signed) == before


def test_a_deleted_approvals_file_with_one_real_approval(cli: Cli, signed: Path, tmp_path: Path) -> None:
    case_id = to_jcrg(cli, signed, tmp_path)
    cli.ok("approve", case_id, "--role", "sscp")  # alice, signed: the chair has not approved
    (signed / "cases" / case_id / "approvals.yaml").unlink()
    set_stage_by_hand(signed, case_id)
    git(signed, "commit", "-qam", "approved, by hand")
    result = cli("verify", case_id, "--format", "json")
    assert result.code == 1
    assert statuses(json.loads(result.out)) == [("sscp", "missing"), ("independent-chair", "missing")]
    assert cli("validate").code == 3
    assert cli("publish", case_id, "--where", "https://example.invalid/reviews").code == 1


@pytest.mark.parametrize("later", ["published", "monitoring", "closed"])
def test_a_later_stage_needs_approvals_too(cli: Cli, signed: Path, tmp_path: Path,
                                                           later: str) -> None:
    case_id = to_jcrg(cli, signed, tmp_path)
    set_stage_by_hand(signed, case_id, later)
    git(signed, "commit", "-qam", "a later stage, by hand")
    result = cli("validate")
    assert result.code == 3
    assert f"stage: '{later}' needs a valid approval by the role 'sscp'" in result.out


def test_one_role_short_is_not_approved(cli: Cli, signed: Path, tmp_path: Path) -> None:
    case_id = to_jcrg(cli, signed, tmp_path)
    cli.ok("approve", case_id, "--role", "sscp")
    set_stage_by_hand(signed, case_id)
    git(signed, "commit", "-qam", "the chair's approval, by hand")
    result = cli("verify", case_id, "--format", "json")
    assert result.code == 1
    assert statuses(json.loads(result.out)) == [("sscp", "valid"), ("independent-chair", "missing")]
    result = cli("validate")
    assert result.code == 3 and "role 'independent-chair'" in result.out and "role 'sscp'" not in result.out


def test_a_branch_cannot_name_itself_as_the_base(cli: Cli, signed: Path, keys: dict[str, Path],
                                                 tmp_path: Path) -> None:
    case_id = to_jcrg(cli, signed, tmp_path)
    git(signed, "checkout", "-q", "-b", "review/self")
    config = signed / "reviewctl.yaml"
    config.write_text(config.read_text().replace("base_branch: main", "base_branch: review/self"))
    git(signed, "commit", "-qam", "my own base")
    cli.ok("approvers", "add", "sscp", PEOPLE["mallory"], "--key", f"{keys['mallory']}.pub")
    cli.ok("approvers", "add", "independent-chair", PEOPLE["mallory"], "--key", f"{keys['mallory']}.pub")
    become(signed, "mallory", keys)
    cli.ok("approve", case_id, "--role", "sscp")
    cli.ok("approve", case_id, "--role", "independent-chair")
    assert stage(signed, case_id) == "approved"
    result = cli("verify", case_id, "--format", "json")  # no --base: the base is main's choice
    assert result.code == 1
    rows = json.loads(result.out)
    assert {r["status"] for r in rows} == {"rejected", "missing"}
    assert all("allowed signers of main" in r["reason"] for r in rows if r["status"] == "rejected")
    assert cli("validate").code == 3
    # The local git setting, which no branch can change, names the base too.
    git(signed, "config", "reviewctl.base", "review/self")
    assert cli("verify", case_id).code == 0  # this clone's owner chose to trust the branch
    git(signed, "config", "reviewctl.base", "nowhere")
    result = cli("verify", case_id)
    assert result.code == 2 and "reviewctl.base" in result.err


def test_the_base_names_another_base(cli: Cli, signed: Path, tmp_path: Path) -> None:
    """A partnership whose base is `trunk`: main's reviewctl.yaml says so, and trunk's signers count."""
    case_id = to_jcrg(cli, signed, tmp_path)
    git(signed, "branch", "trunk")
    config = signed / "reviewctl.yaml"
    config.write_text(config.read_text().replace("base_branch: main", "base_branch: trunk"))
    git(signed, "commit", "-qam", "the base is trunk")
    git(signed, "checkout", "-q", "trunk")
    cli.ok("approvers", "remove", "sscp", PEOPLE["alice"])
    git(signed, "checkout", "-q", "main")
    cli.ok("approve", case_id, "--role", "sscp")  # alice: still an approver on main, not on trunk
    (row,) = checks(cli, case_id)
    assert row["status"] == "rejected" and "does not hold the role 'sscp' on trunk" in row["reason"]


def test_an_approval_on_another_branch_does_not_count(cli: Cli, signed: Path, tmp_path: Path) -> None:
    case_id = to_jcrg(cli, signed, tmp_path)
    git(signed, "checkout", "-q", "-b", "review/elsewhere")
    cli.ok("approve", case_id, "--role", "sscp")  # a real, signed approval, on an unmerged branch
    git(signed, "checkout", "-q", "main")
    git(signed, "checkout", "review/elsewhere", "--", f"cases/{case_id}/approvals.yaml")
    git(signed, "commit", "-qm", "copy the approval over")
    (row,) = checks(cli, case_id)
    assert row["status"] == "rejected" and "no approval commit in this branch's history" in row["reason"]
    assert cli("verify", case_id).code == 1


def test_an_approval_only_in_a_merge_commit_does_not_count(cli: Cli, signed: Path, tmp_path: Path) -> None:
    case_id = to_jcrg(cli, signed, tmp_path)
    report = (signed / "cases" / case_id / "report.yaml").read_text()
    digest = report.split("sha256: ")[1].split()[0]
    git(signed, "checkout", "-q", "-b", "review/merge")
    (signed / "cases" / case_id / "approvals.yaml").write_text(
        f"approvals:\n  - role: sscp\n    version: 1\n    sha256: {digest}\n    by: Alice\n"
        f"    email: {PEOPLE['alice']}\n    date: 2026-11-20\n")
    git(signed, "add", "-A")
    git(signed, "commit", "-q", "--no-gpg-sign", "-m", "an approval, by hand")
    git(signed, "checkout", "-q", "main")
    # Alice signs the merge: her key is good, but a merge's message makes no approval.
    git(signed, "merge", "-q", "--no-ff", "-S", "review/merge", "-m",
        f"Merge review/merge\n\nReviewctl-Case: {case_id}\nReviewctl-Step: approve\nReviewctl-Role: sscp\n"
        f"Reviewctl-Report-Version: 1\nReviewctl-Report-Sha256: {digest}\n")
    rows = all_checks(cli, case_id)
    assert ("sscp", "rejected") in statuses(rows)
    assert any(r["status"] == "forge" and "merge commit" in r["reason"] for r in rows)
    assert cli("verify", case_id).code == 1


def test_publish_verifies_like_verify(cli: Cli, signed: Path, keys: dict[str, Path],
                                      tmp_path: Path) -> None:
    case_id = to_jcrg(cli, signed, tmp_path)
    cli.ok("approve", case_id, "--role", "sscp")
    become(signed, "carol", keys)
    cli.ok("approve", case_id, "--role", "independent-chair")
    assert stage(signed, case_id) == "approved"
    # The report changes after approval: the approvals no longer verify, and nothing is published.
    final = signed / "cases" / case_id / "report-v1.md"
    final.write_text(final.read_text() + "A paragraph added after the approvals.\n")
    git(signed, "commit", "-qam", "edit the approved report")
    before = snapshot(signed)
    result = cli("publish", case_id, "--where", "https://example.invalid/reviews")
    assert result.code == 1 and "older report version" in result.err
    assert snapshot(signed) == before
    git(signed, "revert", "--no-edit", "HEAD")
    cli.ok("publish", case_id, "--where", "https://example.invalid/reviews")


def test_sync_keeps_a_signed_approval_verifiable(cli: Cli, signed: Path, keys: dict[str, Path],
                                                 tmp_path: Path) -> None:
    case_id = to_jcrg(cli, signed, tmp_path)
    remote = with_remote(signed, tmp_path)
    colleague = tmp_path / "colleague"
    git(tmp_path, "clone", "-q", str(remote), str(colleague))
    become(colleague, "bob", keys)
    cli.ok("--store", str(colleague), "refer", "--type", "sar", "--subject", "Adult Q", "--referrer", "R")
    cli.ok("--store", str(colleague), "sync")  # the colleague's push comes first
    cli.ok("approve", case_id, "--role", "sscp")  # alice, signed, not yet pushed
    approval = git(signed, "rev-parse", "HEAD").strip()
    result = cli.ok("sync")
    assert "merged" in result.err
    assert git(signed, "merge-base", "--is-ancestor", approval, "origin/main") == ""  # the same commit
    (row,) = checks(cli, case_id, "--base", "origin/main")
    assert row["status"] == "valid"
    # Without a signed commit among the local ones, sync still rebases (a straight history).
    cli.ok("--store", str(colleague), "sync")
    cli.ok("--store", str(colleague), "refer", "--type", "sar", "--subject", "Adult R", "--referrer", "R")
    cli.ok("refer", "--type", "sar", "--subject", "Adult S", "--referrer", "R")
    cli.ok("--store", str(colleague), "sync")
    assert "rebased" in cli.ok("sync").err
    assert len(git(signed, "rev-list", "--merges", "HEAD").split()) == 1


def test_sync_without_an_upstream_says_how(cli: Cli, signed: Path) -> None:
    before = snapshot(signed)
    result = cli("sync")
    assert result.code == 4 and "no upstream" in result.err and "git push -u origin" in result.err
    assert len(result.err.strip().splitlines()) == 1
    assert snapshot(signed) == before


def test_a_branch_cannot_drop_a_role_from_the_workflow(cli: Cli, signed: Path, tmp_path: Path) -> None:
    from reviewctl.core.store.folder import DEFAULT_WORKFLOW

    case_id = to_jcrg(cli, signed, tmp_path)
    git(signed, "checkout", "-q", "-b", "review/no-roles")
    flow = DEFAULT_WORKFLOW.read_text().replace("sar: [sscp, independent-chair]", "sar: []")
    assert "sar: []" in flow
    (signed / "workflow.yaml").write_text(flow)
    config = signed / "reviewctl.yaml"
    config.write_text(config.read_text() + "workflow: workflow.yaml\n")
    set_stage_by_hand(signed, case_id)
    git(signed, "add", "-A")
    git(signed, "commit", "-qm", "no approvals needed, and approved")
    assert cli("verify", case_id, "--base", "main").code == 1
    result = cli("validate", "--base", "main")
    assert result.code == 3 and "needs a valid approval by the role 'sscp'" in result.out


def test_a_tag_cannot_stand_in_for_the_base(cli: Cli, signed: Path, keys: dict[str, Path], tmp_path: Path) -> None:
    case_id = to_jcrg(cli, signed, tmp_path)
    git(signed, "checkout", "-q", "-b", "review/tagged")
    for role in ("sscp", "independent-chair"):
        cli.ok("approvers", "add", role, PEOPLE["mallory"], "--key", f"{keys['mallory']}.pub")
    # git rev-parse prefers refs/tags/X to refs/heads/X and refs/remotes/X.
    for tag in ("main", "origin/main", "origin/HEAD"):
        git(signed, "tag", tag)
    become(signed, "mallory", keys)
    for role in ("sscp", "independent-chair"):
        cli.ok("approve", case_id, "--role", role)
    for args in (("verify", case_id, "--base", "main"), ("verify", case_id), ("validate", "--base", "main")):
        result = cli(*args)
        assert result.code == 2 and "'main' names both refs/heads/main and refs/tags/main" in result.err, result
    result = cli("verify", case_id, "--base", "origin/main")
    assert result.code == 2 and "not a branch or commit" in result.err
    git(signed, "tag", "-d", "main")
    result = cli("verify", case_id, "--format", "json")
    assert result.code == 1
    assert all("allowed signers of main" in r["reason"] for r in json.loads(result.out) if r["status"] == "rejected")
    assert cli("verify", case_id, "--base", "refs/heads/review/tagged").code == 0  # named in full, by choice


def retype_by_hand(store: Path, case_id: str, to: str, in_history: bool = False) -> None:
    path = store / "cases" / case_id / "case.yaml"
    yaml = YAML()
    case = yaml.load(path.read_text())
    case["type"] = to
    if in_history:  # the last step seems to have settled the new type
        case["history"][-1]["type"] = to
    with path.open("w") as handle:
        yaml.dump(case, handle)


def test_a_type_changed_to_unknown_needs_approvals_still(cli: Cli, signed: Path, tmp_path: Path) -> None:
    case_id = to_jcrg(cli, signed, tmp_path)
    git(signed, "checkout", "-q", "-b", "review/untyped")
    retype_by_hand(signed, case_id, "unknown")
    set_stage_by_hand(signed, case_id, case_type="unknown")
    git(signed, "commit", "-qam", "no type, no approvers")
    for base in ((), ("--base", "main")):
        result = cli("verify", case_id, "--format", "json", *base)
        assert result.code == 1
        # main knows the case as a sar: its roles still count
        assert statuses(json.loads(result.out)) == [("sscp", "missing"), ("independent-chair", "missing")]
        assert cli("validate", *base).code == 3
    # The change of type by hand is itself invalid: the case's steps were a sar's.
    assert cli("publish", case_id, "--where", "https://example.invalid/reviews").code == 3


def test_a_new_case_of_a_type_without_approvers_cannot_be_approved(cli: Cli, signed: Path, tmp_path: Path) -> None:
    git(signed, "branch", "early")  # a base that never knew the case
    case_id = to_jcrg(cli, signed, tmp_path)
    retype_by_hand(signed, case_id, "unknown")
    set_stage_by_hand(signed, case_id, case_type="unknown")
    git(signed, "commit", "-qam", "untyped and approved, by hand")
    result = cli("validate", "--base", "early")
    assert result.code == 3 and "no role that approves a case of type 'unknown'" in result.out


def test_retyping_a_dhr_drops_no_role(cli: Cli, signed: Path, keys: dict[str, Path], tmp_path: Path) -> None:
    case_id = to_jcrg_agreed(cli, signed, "dhr", tmp_path)
    # A store that wants a signed local approval of the Home Office QA as well says so in its
    # own workflow (the default's dhr roles are those of a sar since issue 21).
    flow = YAML(typ="safe").load(DEFAULT_WORKFLOW.read_text())
    flow["approvals"]["dhr"].append("home-office-qa")
    with (signed / "flow.yaml").open("w") as handle:
        YAML(typ="safe").dump(flow, handle)
    config = signed / "reviewctl.yaml"
    config.write_text(config.read_text() + "\nworkflow: flow.yaml\n")
    git(signed, "add", "flow.yaml", "reviewctl.yaml")
    git(signed, "commit", "-qm", "the store's own workflow: a signed Home Office QA approval too")
    git(signed, "checkout", "-q", "-b", "review/as-a-sar")
    retype_by_hand(signed, case_id, "sar", in_history=True)  # a sar needs no Home Office QA
    git(signed, "commit", "-qam", "retyped")
    cli.ok("approve", case_id, "--role", "sscp")
    become(signed, "carol", keys)
    cli.ok("approve", case_id, "--role", "independent-chair")
    assert stage(signed, case_id) == "approved"
    result = cli("verify", case_id, "--base", "main", "--format", "json")
    assert result.code == 1
    assert ("home-office-qa", "missing") in statuses(json.loads(result.out))


@pytest.mark.parametrize("target", ["documents/.approved", "../../../../etc/hostname", "report-v2.md"])
def test_an_approved_report_cannot_be_swapped_for_another_file(cli: Cli, signed: Path, keys: dict[str, Path],
                                                             tmp_path: Path, target: str) -> None:
    case_id = to_jcrg(cli, signed, tmp_path)
    cli.ok("approve", case_id, "--role", "sscp")
    become(signed, "carol", keys)
    cli.ok("approve", case_id, "--role", "independent-chair")
    git(signed, "checkout", "-q", "-b", "review/swap")
    folder = signed / "cases" / case_id
    (folder / "documents" / ".approved").write_text((folder / "report-v1.md").read_text())
    (folder / "report-v1.md").write_text("# Review report\n\nNo recommendations.\n")
    record = folder / "report.yaml"
    record.write_text(record.read_text().replace("file: report-v1.md", f"file: {target}"))
    git(signed, "add", "-A")
    git(signed, "commit", "-qm", "the approved text moved aside")
    assert cli("verify", case_id, "--base", "main").code == 1
    result = cli("validate", "--base", "main")
    assert result.code == 3
    assert f"{case_id}/report.yaml: versions[0]: a report version of main was changed or removed" in result.out
    assert "is report-v1.md (as `reviewctl report` wrote it)" in result.out
    assert cli("publish", case_id, "--where", "https://example.invalid/reviews").code in (1, 3)


def with_remote(signed: Path, tmp_path: Path) -> Path:
    """A bare remote `origin` that has main."""
    remote = tmp_path / "remote.git"
    git(tmp_path, "init", "-q", "--bare", str(remote))
    git(signed, "remote", "add", "origin", str(remote))
    git(signed, "push", "-q", "-u", "origin", "main")
    return remote


def mallory_base(cli: Cli, signed: Path, keys: dict[str, Path], case_id: str) -> None:
    """On branch review/evil: Mallory holds both roles and has approved both."""
    git(signed, "checkout", "-q", "-b", "review/evil")
    for role in ("sscp", "independent-chair"):
        cli.ok("approvers", "add", role, PEOPLE["mallory"], "--key", f"{keys['mallory']}.pub")
    become(signed, "mallory", keys)
    for role in ("sscp", "independent-chair"):
        cli.ok("approve", case_id, "--role", role)


def test_a_tag_named_like_a_full_ref_cannot_stand_in(cli: Cli, signed: Path, keys: dict[str, Path],
                                                     tmp_path: Path) -> None:
    """`git rev-parse refs/heads/origin/main` falls back to the tag refs/tags/refs/heads/origin/main."""
    case_id = to_jcrg(cli, signed, tmp_path)
    with_remote(signed, tmp_path)
    mallory_base(cli, signed, keys, case_id)
    for name in ("refs/heads/origin/main", "refs/heads/origin/HEAD", "refs/heads/main"):
        git(signed, "tag", name)
    git(signed, "branch", "-D", "main")  # as in CI: no local main, only origin's
    for args in (("validate", "--base", "origin/main"), ("verify", case_id, "--base", "origin/main")):
        assert cli(*args).code in (1, 3), args
    assert cli("verify", case_id).code == 1


def test_a_branch_named_like_a_remote_branch_cannot_stand_in(cli: Cli, signed: Path, keys: dict[str, Path],
                                                             tmp_path: Path) -> None:
    case_id = to_jcrg(cli, signed, tmp_path)
    with_remote(signed, tmp_path)
    mallory_base(cli, signed, keys, case_id)
    git(signed, "branch", "origin/main")  # a local branch that shadows the remote-tracking one
    result = cli("verify", case_id, "--base", "origin/main")
    assert result.code == 2 and "names both refs/heads/origin/main and refs/remotes/origin/main" in result.err


def test_a_branch_pushed_as_head_is_not_the_remote_default(cli: Cli, signed: Path, keys: dict[str, Path],
                                                           tmp_path: Path) -> None:
    case_id = to_jcrg(cli, signed, tmp_path)
    mallory_base(cli, signed, keys, case_id)
    config = signed / "reviewctl.yaml"  # so that the ref would name no other base
    config.write_text(config.read_text().replace("base_branch: main\n", ""))
    git(signed, "commit", "-qam", "no base_branch")
    # What a CI checkout's fetch of refs/heads/* makes of a branch called HEAD: a plain ref.
    git(signed, "update-ref", "refs/remotes/origin/HEAD", "review/evil")
    rows = json.loads(cli("verify", case_id, "--format", "json").out)
    assert {r["status"] for r in rows} == {"rejected", "missing"}  # main is the base, not that ref
    assert cli("validate").code == 3


def test_revoking_a_key_takes_every_role(cli: Cli, signed: Path, keys: dict[str, Path]) -> None:
    cli.ok("approvers", "add", "independent-chair", PEOPLE["alice"], "--key", f"{keys['alice']}.pub")
    cli.ok("approvers", "remove", "sscp", PEOPLE["alice"], "--revoke")
    assert PEOPLE["alice"] not in (signed / ".reviewctl" / "allowed_signers").read_text()
    rows = json.loads(cli.ok("approvers", "list", "--format", "json").out)
    assert all(r["principal"] != PEOPLE["alice"] for r in rows)


def test_a_plain_approval_of_another_text_does_not_count(cli: Cli, store: Path, tmp_path: Path) -> None:
    """In a store that records plain approvals, an entry with no commit counts only for the current text."""
    case_id = to_jcrg_agreed(cli, store, "sar", tmp_path)
    (store / "cases" / case_id / "approvals.yaml").write_text(
        "approvals:\n" + "".join(f"  - {{role: {role}, version: 1, sha256: '0000', by: X, email: x@example.invalid,"
                                 " date: 2026-11-20}\n" for role in ("sscp", "independent-chair")))
    git(store, "add", "-A")
    git(store, "commit", "-qm", "approvals by hand")
    result = cli("verify", case_id, "--format", "json")
    assert result.code == 1
    assert {r["status"] for r in json.loads(result.out)} == {"rejected", "missing"}
    assert cli("approve", case_id).code == 1


def test_records_that_are_not_lists_do_not_crash_validate(cli: Cli, signed: Path, tmp_path: Path) -> None:
    case_id = to_jcrg(cli, signed, tmp_path)
    git(signed, "checkout", "-q", "-b", "review/odd")
    (signed / "cases" / case_id / "report.yaml").write_text("- x\n")
    path = signed / "cases" / case_id / "case.yaml"
    path.write_text(path.read_text().replace("history:\n", "history: {}\nold_history:\n", 1))
    git(signed, "commit", "-qam", "odd records")
    result = cli("validate", "--base", "main")
    assert result.code == 3 and "Traceback" not in result.err and "internal error" not in result.err


def test_a_report_that_is_not_utf8_is_named(cli: Cli, signed: Path, tmp_path: Path) -> None:

    case_id = to_jcrg(cli, signed, tmp_path)
    report = signed / "cases" / case_id / "report-v1.md"
    report.write_bytes(report.read_bytes() + b"\xff\xfe caf\xe9\n")
    git(signed, "commit", "-qam", "a report saved in another encoding")
    for args in (("approve", case_id, "--role", "sscp"), ("approve", case_id)):
        err = refused_cleanly(cli, signed, INVALID, *args)
        assert "report-v1.md: not UTF-8 text" in err
