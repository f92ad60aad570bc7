"""Headless Chromium for the site's tests and benchmark: the DOM after the page's script
ran (`--dump-dom`), screenshots, and a check that a screenshot is not blank.

Only Debian's `chromium` package and the standard library: no driver, nothing
downloaded.  The benchmark runs one browser process per page (`chromium`, `dump_dom`:
the browser's start is part of its figure); the tests open every page in one browser
(`Browser`), which they drive over the DevTools protocol on a pair of pipes
(`--remote-debugging-pipe`: JSON messages ended by a NUL byte, read on fd 3, written on fd 4).
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import select
import shutil
import struct
import subprocess
import tempfile
import time
import zlib
from pathlib import Path
from typing import Any

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--hide-scrollbars", "--disable-extensions", "--mute-audio"]


def find_chromium() -> str | None:
    given = os.environ.get("REVIEWCTL_CHROMIUM")
    if given:  # a browser named but missing is no browser: skipped, or failed when required
        return shutil.which(given)
    return next((p for name in ("chromium", "chromium-browser", "google-chrome") if (p := shutil.which(name))), None)


def chromium(binary: str, url: str, *options: str, timeout: float = 120) -> str:
    """Run one headless Chromium on `url` with a fresh profile; its stdout."""
    with tempfile.TemporaryDirectory(prefix="reviewctl-chromium-") as profile:
        done = subprocess.run([binary, *FLAGS, f"--user-data-dir={profile}", *options, url],
                              capture_output=True, text=True, timeout=timeout)
    if done.returncode != 0:
        raise RuntimeError(f"chromium exited {done.returncode}: {done.stderr[-2000:]}")
    return done.stdout


def dump_dom(binary: str, url: str, width: int = 1280, height: int = 900) -> str:
    return chromium(binary, url, f"--window-size={width},{height}", "--dump-dom")


def screenshot(binary: str, url: str, path: Path, width: int = 1280, height: int = 900) -> Path:
    chromium(binary, url, f"--window-size={width},{height}", f"--screenshot={path}")
    return path


class Browser:
    """One headless Chromium for many pages; each page in a new tab of its own, closed after."""

    def __init__(self, binary: str, timeout: float = 120) -> None:
        self._timeout = timeout
        self._profile = tempfile.TemporaryDirectory(prefix="reviewctl-chromium-")
        to_browser, self._write = os.pipe()
        self._read, from_browser = os.pipe()

        def pipes_as_3_and_4() -> None:  # in the child, before exec
            os.dup2(to_browser, 3)
            os.dup2(from_browser, 4)

        self._proc = subprocess.Popen(
            [binary, *FLAGS, f"--user-data-dir={self._profile.name}", "--remote-debugging-pipe", "about:blank"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            pass_fds=(3, 4), preexec_fn=pipes_as_3_and_4)
        os.close(to_browser)
        os.close(from_browser)
        self._buffer = b""
        self._next_id = 0
        self._events: list[dict[str, Any]] = []

    def close(self) -> None:
        with contextlib.suppress(OSError, RuntimeError):  # the browser may close before it answers
            self._send("Browser.close")
        try:
            self._proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait()
        os.close(self._write)
        os.close(self._read)
        self._profile.cleanup()

    def _message(self, deadline: float) -> dict[str, Any]:
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self._read], [], [], left)[0]:
                raise RuntimeError("chromium did not answer in time")
            chunk = os.read(self._read, 1 << 20)
            if not chunk:
                raise RuntimeError(f"chromium exited {self._proc.poll()}")
            self._buffer += chunk
        raw, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(raw)  # type: ignore[no-any-return]

    def _send(self, method: str, session: str | None = None, **params: Any) -> dict[str, Any]:
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params}
        if session is not None:
            message["sessionId"] = session
        os.write(self._write, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + self._timeout
        while True:
            answer = self._message(deadline)
            if answer.get("id") == self._next_id:
                if "error" in answer:
                    raise RuntimeError(f"chromium: {method}: {answer['error']}")
                return answer.get("result", {})  # type: ignore[no-any-return]
            if "method" in answer:
                self._events.append(answer)

    def _loaded(self, session: str, deadline: float) -> None:
        """Wait for the page's load event (its scripts have run), as --dump-dom does."""
        while True:
            for event in self._events:
                if event.get("sessionId") == session and event["method"] == "Page.loadEventFired":
                    self._events = [e for e in self._events if e.get("sessionId") != session]
                    return
            answer = self._message(deadline)
            if "method" in answer:
                self._events.append(answer)

    def _page(self, url: str, width: int, height: int) -> tuple[str, str]:
        """A new tab of the given size with `url` loaded: its target and session."""
        target = self._send("Target.createTarget", url="about:blank")["targetId"]
        session = self._send("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        self._send("Emulation.setDeviceMetricsOverride", session, width=width, height=height,
                   deviceScaleFactor=1, mobile=False)
        self._send("Page.enable", session)
        self._events = [e for e in self._events if e.get("sessionId") != session]  # about:blank's own
        navigated = self._send("Page.navigate", session, url=url)
        if navigated.get("errorText"):
            raise RuntimeError(f"chromium could not open {url}: {navigated['errorText']}")
        self._loaded(session, time.monotonic() + self._timeout)
        return target, session

    def _run(self, url: str, width: int, height: int, method: str, **params: Any) -> dict[str, Any]:
        target, session = self._page(url, width, height)
        try:
            return self._send(method, session, **params)
        finally:
            self._send("Target.closeTarget", targetId=target)

    def dump_dom(self, url: str, width: int = 1280, height: int = 900) -> str:
        result = self._run(url, width, height, "Runtime.evaluate",
                           expression="document.documentElement.outerHTML", returnByValue=True)
        return str(result["result"]["value"])

    def screenshot(self, url: str, path: Path, width: int = 1280, height: int = 900) -> Path:
        result = self._run(url, width, height, "Page.captureScreenshot", format="png")
        path.write_bytes(base64.b64decode(result["data"]))
        return path

    def print_to_pdf(self, url: str, path: Path) -> Path:
        result = self._run(url, 1280, 900, "Page.printToPDF", displayHeaderFooter=False)
        path.write_bytes(base64.b64decode(result["data"]))
        return path

    def open(self, url: str, width: int = 1280, height: int = 900) -> Tab:
        """A tab that stays open for many steps (keys typed, scripts run), until closed."""
        target, session = self._page(url, width, height)
        return Tab(self, target, session)


# The keys a keyboard-only user presses: DevTools' key, code and Windows key code of each.
KEYS = {"Tab": ("Tab", 9, None), "Enter": ("Enter", 13, "\r"), " ": ("Space", 32, " ")}


class Tab:
    """One page driven as a person would: keys pressed one at a time, the page's own state read back."""

    def __init__(self, browser: Browser, target: str, session: str) -> None:
        self._browser, self._target, self._session = browser, target, session

    def evaluate(self, expression: str, wait: bool = False) -> Any:
        """The value of `expression` in the page (`wait`: a promise's value, once it settles)."""
        result = self._browser._send("Runtime.evaluate", self._session, expression=expression, returnByValue=True,
                                     awaitPromise=wait)
        if "exceptionDetails" in result:
            raise RuntimeError(f"the page's script failed: {result['exceptionDetails']}")
        return result["result"].get("value")

    def press(self, key: str, shift: bool = False) -> None:
        code, number, text = KEYS[key]
        event: dict[str, Any] = {"key": key, "code": code, "windowsVirtualKeyCode": number,
                                 "modifiers": 8 if shift else 0}
        self._browser._send("Input.dispatchKeyEvent", self._session, type="keyDown",
                            **event, **({"text": text} if text else {}))
        self._browser._send("Input.dispatchKeyEvent", self._session, type="keyUp", **event)

    def type(self, text: str) -> None:
        """Each character as a key of its own."""
        for char in text:
            self._browser._send("Input.dispatchKeyEvent", self._session, type="keyDown", key=char, text=char)
            self._browser._send("Input.dispatchKeyEvent", self._session, type="keyUp", key=char)

    def press_and_wait(self, key: str) -> None:
        """Press a key that opens another page (Enter on a form's button), and wait until it has loaded."""
        self._browser._events = [e for e in self._browser._events if e.get("sessionId") != self._session]
        self.press(key)
        self._browser._loaded(self._session, time.monotonic() + self._browser._timeout)

    def run_and_wait(self, expression: str) -> None:
        """Run `expression` (a form's submit), and wait until the page it opens has loaded."""
        self._browser._events = [e for e in self._browser._events if e.get("sessionId") != self._session]
        self.evaluate(expression)
        self._browser._loaded(self._session, time.monotonic() + self._browser._timeout)

    def close(self) -> None:
        self._browser._send("Target.closeTarget", targetId=self._target)


def _paeth(a: int, b: int, c: int) -> int:
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    return a if pa <= pb and pa <= pc else b if pb <= pc else c


def png_pixels(path: Path) -> tuple[int, int, set[bytes]]:
    """Width, height and the distinct pixel values of an 8-bit RGB or RGBA PNG."""
    data = path.read_bytes()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError(f"{path} is not a PNG")
    pos, idat, header = 8, b"", b""
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            header = body
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    width, height, depth, colour = struct.unpack(">IIBB", header[:10])
    if depth != 8 or colour not in (2, 6):
        raise ValueError(f"{path}: only 8-bit RGB or RGBA is read here")
    bpp = 3 if colour == 2 else 4
    raw = zlib.decompress(idat)
    stride = width * bpp
    previous = bytearray(stride)
    seen: set[bytes] = set()
    for row in range(height):
        start = row * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1:start + 1 + stride])
        if kind == 1:
            for i in range(bpp, stride):
                line[i] = (line[i] + line[i - bpp]) & 0xFF
        elif kind == 2:
            line = bytearray((x + y) & 0xFF for x, y in zip(line, previous, strict=True))
        elif kind == 3:
            for i in range(stride):
                left = line[i - bpp] if i >= bpp else 0
                line[i] = (line[i] + ((left + previous[i]) >> 1)) & 0xFF
        elif kind == 4:
            for i in range(stride):
                left = line[i - bpp] if i >= bpp else 0
                up_left = previous[i - bpp] if i >= bpp else 0
                line[i] = (line[i] + _paeth(left, previous[i], up_left)) & 0xFF
        seen.update(bytes(line[i:i + bpp]) for i in range(0, stride, bpp))
        previous = line
    return width, height, seen
