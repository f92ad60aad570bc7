"""`reviewctl serve`: every step of a case as a form in a browser, on this computer only."""

from __future__ import annotations

import signal
from typing import Annotated

import typer

from reviewctl.cli.common import globals_of
from reviewctl.errors import UsageError

DEFAULT_PORT = 8421


def loopback(host: str) -> str:
    """`host` as an address of this computer alone, or refused: the forms change the store."""
    import ipaddress  # lazy: loaded when the command runs

    given = host.strip().strip("[]")
    try:
        address = ipaddress.ip_address("127.0.0.1" if given.casefold() == "localhost" else given)
    except ValueError:
        address = None
    if address is None or not address.is_loopback:
        raise UsageError(f"--host {host!r} is not a loopback address; reviewctl serve answers this computer "
                         "only: leave --host out (127.0.0.1), or give ::1")
    return str(address)


def _interrupt(number: int, frame: object) -> None:
    raise KeyboardInterrupt


def serve(
    ctx: typer.Context,
    port: Annotated[int, typer.Option("--port", help="The port to listen on; 0 picks a free one.", min=0, max=65535)] = DEFAULT_PORT,
    host: Annotated[str, typer.Option("--host", help="A loopback address (127.0.0.1 or ::1); never another computer's.")] = "127.0.0.1",
) -> None:
    """Serve the store in a browser: the tracker, each case with a form for every step allowed now, a referral form.

    Each form runs the same step as the command line, with the same checks and the same
    commit. Listens on this computer only; stop it with Ctrl-C.
    """
    from reviewctl.cli.output import say  # lazy: loaded when the command runs
    from reviewctl.web.server import Server  # lazy: loads jinja2, pydantic

    address = loopback(host)
    g = globals_of(ctx)
    server = Server(g, address, port)  # finds the store and binds the port, or refuses in one line
    # The key in the address lets the browser that opens it in, and no other user of this computer.
    say(f"serving {server.store_root} at {server.entry} (this computer only); press Ctrl-C to stop")
    # Closing the terminal (SIGHUP) or a `kill` (SIGTERM) stops it as Ctrl-C does: after the step under way.
    for number in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(number, _interrupt)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        # A step under way finishes (its commit made, or nothing changed) before the process ends.
        if server.runner.lock.locked():
            say("waiting for the step under way to finish")
        with server.runner.alone():
            say("stopped")
    finally:
        server.server_close()
