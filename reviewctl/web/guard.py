"""What makes a local server safe to leave running: only this computer's own pages may use it.

- The Host header must be the address served (`127.0.0.1:8421`): a web page elsewhere whose
  name an attacker points at 127.0.0.1 (DNS rebinding) sends its own name, and is refused.
- Every form carries a token of the browser's session (`csrf`), made from a session cookie
  with a secret that lives as long as the server: a page of another site can make the
  browser post, but cannot read the token (nor, SameSite=Strict, send the cookie).
  A post from another origin (its Origin or Sec-Fetch-Site says so) is refused as well.
- Every answer carries the dashboard's Content-Security-Policy (forms may post here only)
  and asks the browser to keep no copy.
- 127.0.0.1 is every user's of a shared computer (a terminal server): a session is given
  only to the browser that opens the address `serve` printed, which carries a key made at
  start. Any other process (another user's) gets no page and no session, so no token.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from http.cookies import CookieError, SimpleCookie

# The dashboard's policy (templates/site/base.html.j2), with forms allowed to post to this server.
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; base-uri 'none'; "
       "form-action 'self'; frame-ancestors 'none'")
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Cache-Control": "no-store",
}


class Guard:
    def __init__(self, host: str, port: int) -> None:
        self.authority = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
        self.origin = f"http://{self.authority}"
        self.cookie = f"reviewctl-session-{port}"  # cookies are not kept apart by port: the name is
        self._secret = secrets.token_bytes(32)
        self.key = secrets.token_urlsafe(24)  # in the address printed in the terminal, and nowhere else

    def key_ok(self, given: str | None) -> bool:
        return given is not None and _same(given, self.key)

    def host_ok(self, host: str | None) -> bool:
        return host is not None and host.strip().casefold() == self.authority

    def session(self, cookie_header: str | None) -> str | None:
        """The session the browser's cookie names, if it is one this server made."""
        if not cookie_header:
            return None
        jar: SimpleCookie = SimpleCookie()
        try:
            jar.load(cookie_header)
        except CookieError:
            return None
        morsel = jar.get(self.cookie)
        if morsel is None:
            return None
        session, _, signature = morsel.value.partition(".")
        return session if session and _same(signature, self._sign("session", session)) else None

    def new_session(self) -> tuple[str, str]:
        """A new session and the Set-Cookie header that gives it to the browser."""
        session = secrets.token_urlsafe(24)
        value = f"{session}.{self._sign('session', session)}"
        return session, f"{self.cookie}={value}; Path=/; HttpOnly; SameSite=Strict"

    def token(self, session: str) -> str:
        """The csrf token of every form of `session`."""
        return self._sign("csrf", session)

    def post_ok(self, session: str | None, token: str | None, origin: str | None, fetch_site: str | None) -> bool:
        # "null": what a browser sends for its own page under the dashboard's no-referrer policy.
        if origin not in (None, "null") and origin != self.origin:
            return False
        if fetch_site is not None and fetch_site not in ("same-origin", "none"):
            return False
        return session is not None and token is not None and _same(token, self.token(session))

    def _sign(self, purpose: str, value: str) -> str:
        return hmac.new(self._secret, f"{purpose}:{value}".encode(), hashlib.sha256).hexdigest()


def _same(given: str, expected: str) -> bool:
    """In constant time, and for any text a browser may send (compare_digest takes ASCII str only)."""
    return hmac.compare_digest(given.encode("utf-8", "surrogatepass"), expected.encode())
