"""The person's own editor ($VISUAL, else $EDITOR) on a text kept in a private folder
(privatedir.py), which goes when the edit ends however it ends: the only place reviewctl
starts an editor."""

from __future__ import annotations

import contextlib
import os
import shlex
import signal
import subprocess
from collections.abc import Iterator

from reviewctl.adapters.privatedir import private_folder
from reviewctl.errors import RefusedError, UsageError


def edit_privately(text: str, name: str) -> bytes:
    """The bytes the editor saved, after it opened `text` in a file called `name`."""
    editor = os.environ.get("VISUAL") or os.environ.get("EDITOR")
    if not editor:
        raise UsageError("no editor: set EDITOR (e.g. `export EDITOR=nano`), or use --set KIND=VALUE")
    # The handlers first: a SIGTERM after the folder is made must unwind through its removal.
    with _unwound_on_signals(), private_folder() as folder:
        path = folder / name
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        try:
            done = subprocess.run([*shlex.split(editor), str(path)], check=False)
        except (OSError, ValueError) as error:  # not found, not executable; ValueError: a stray quote
            why = error.strerror if isinstance(error, OSError) else "it cannot be split into words"
            raise UsageError(f"EDITOR {editor!r} cannot be run ({why}); set EDITOR to your editor") from None
        if done.returncode != 0:
            raise RefusedError(f"the editor exited with {done.returncode}; nothing was changed")
        return path.read_bytes()


@contextlib.contextmanager
def _unwound_on_signals() -> Iterator[None]:
    """A terminal closed (SIGHUP) or a kill (SIGTERM) unwinds like Ctrl-C, so the private
    folder with the plain text is removed on the way out."""
    def stop(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    saved = {sig: signal.signal(sig, stop) for sig in (signal.SIGTERM, signal.SIGHUP)}
    try:
        yield
    finally:
        for sig, handler in saved.items():
            signal.signal(sig, handler)
