"""Measure what keeping the case keys in step with the recipients costs, and print the figures.

    python benchmarks/keys.py          # 200 cases with identifiers
    python benchmarks/keys.py 1000

A store in a temporary folder, with real ssh and age keys: N cases referred with a name,
then `recipients add` (every key given to a newcomer), `recipients reconcile` with every
key already in step (what each `sync` adds), `validate` (which reads every key's entry),
`validate` again (the entries found in step are not read again), `confidential --set`
on one case, and `recipients remove` (every case re-keyed in one commit). Each is run
once, in this process, as a user would run it.
"""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from reviewctl.adapters import agecrypt  # noqa: E402 (the package is found from the repository root)
from reviewctl.cli.app import main  # noqa: E402
from reviewctl.core.store.create import init_store  # noqa: E402


def run(*args: str) -> str:
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()) as out:
        code = main(list(args))
    if code != 0:
        raise SystemExit(f"reviewctl {' '.join(args)} failed: {err.getvalue()}")
    return out.getvalue().strip()


def timed(label: str, *args: str) -> None:
    start = time.perf_counter()
    run(*args)
    print(f"{label:<48} {time.perf_counter() - start:7.2f} s")


def main_bench(count: int) -> None:
    with tempfile.TemporaryDirectory(prefix="reviewctl-bench-keys-") as tmp:
        folder = Path(tmp)
        os.environ.update({"REVIEWCTL_TODAY": "2026-11-20", "REVIEWCTL_KEYSTORE": str(folder / "keystore"),
                           "GIT_AUTHOR_NAME": "Bench", "GIT_AUTHOR_EMAIL": "bench@example.invalid",
                           "GIT_COMMITTER_NAME": "Bench", "GIT_COMMITTER_EMAIL": "bench@example.invalid"})
        subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(folder / "alex")], check=True)
        os.environ["REVIEWCTL_IDENTITY"] = str(folder / "alex")
        store = init_store(folder / "store", "Fictional Benchmark Partnership", "BEN")
        os.chdir(store)
        run("recipients", "add", "alex", "--key", str(folder / "alex.pub"))
        start = time.perf_counter()
        cases = [run("refer", "--type", "sar", "--subject", "Adult Q", "--referrer", "Fictional GP",
                     "--name", "Effie Madeup-Example") for _ in range(count)]
        print(f"{f'{count} cases referred with a name':<48} {time.perf_counter() - start:7.2f} s")
        _, bob = agecrypt.new_secret()
        timed(f"recipients add (gives {count} keys)", "recipients", "add", "bob", "--key", bob.key)
        timed("recipients reconcile (all in step)", "recipients", "reconcile")
        timed(f"validate (reads {count} key entries)", "validate")
        timed("validate again (entries unchanged: a stat each)", "validate")
        timed("confidential --set (one case)", "confidential", cases[0], "--set", "other=ref 1")
        timed(f"recipients remove (re-keys {count} cases)", "recipients", "remove", "bob")


if __name__ == "__main__":
    main_bench(int(sys.argv[1]) if len(sys.argv) > 1 else 200)
