"""A real browser on the web view: headless Chromium (Debian's chromium package), driven over the
Chrome DevTools Protocol on a pipe (--remote-debugging-pipe: standard library only, no driver).

It loads the home page, follows a program link, opens the questions page, fills in and submits a
canned question's form, and sees the answer's rows; screenshots (phone width and desktop) are saved
in the test's temporary directory. Skipped, with the reason, when chromium is not installed.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from w3c.serverproc import ServerProcess

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="chromium is not installed (apt-get install chromium); .ci/run installs it"
)
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--remote-debugging-pipe",
]


TRAMPOLINE = """
import os, sys
cmd_in, cmd_out = os.dup(int(sys.argv[1])), os.dup(int(sys.argv[2]))
os.dup2(cmd_in, 3)
os.dup2(cmd_out, 4)
os.set_inheritable(3, True)
os.set_inheritable(4, True)
os.execv(sys.argv[3], sys.argv[3:])
"""


class Browser:
    """A minimal CDP client: JSON messages separated by NUL bytes on fds 3 (in) and 4 (out)."""

    def __init__(self, profile: Path):
        to_chrome_r, self._to_chrome = os.pipe()
        self._from_chrome, from_chrome_w = os.pipe()

        # Chromium reads commands from fd 3 and writes replies to fd 4; a small trampoline puts the pipe
        # ends there and execs it (a shell would do, but dash cannot redirect descriptors above 9).
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-c",
                TRAMPOLINE,
                str(to_chrome_r),
                str(from_chrome_w),
                CHROMIUM,
                *FLAGS,
                f"--user-data-dir={profile}",
                "about:blank",
            ],
            pass_fds=(to_chrome_r, from_chrome_w),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        os.close(to_chrome_r)
        os.close(from_chrome_w)
        self._buf = b""
        self._id = 0
        self.session = None
        self.events: list[dict] = []
        target = self.call("Target.createTarget", url="about:blank")["targetId"]
        self.session = self.call("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        self.call("Page.enable")

    def _read(self, timeout: float) -> dict:
        import select

        while b"\0" not in self._buf:
            ready, _, _ = select.select([self._from_chrome], [], [], timeout)
            if not ready:
                raise TimeoutError("no message from chromium")
            chunk = os.read(self._from_chrome, 1 << 20)
            if not chunk:
                raise EOFError("chromium closed the pipe")
            self._buf += chunk
        msg, self._buf = self._buf.split(b"\0", 1)
        return json.loads(msg)

    def call(self, method: str, timeout: float = 30.0, **params) -> dict:
        self._id += 1
        msg = {"id": self._id, "method": method, "params": params}
        if self.session:
            msg["sessionId"] = self.session
        os.write(self._to_chrome, json.dumps(msg).encode() + b"\0")
        while True:
            reply = self._read(timeout)
            if reply.get("id") == self._id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply["result"]
            self.events.append(reply)

    def wait_for(self, expression: str, timeout: float = 30.0):
        """Evaluate `expression` until it is truthy (the page loads asynchronously); return its value."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            value = self.eval(expression)
            if value:
                return value
            time.sleep(0.05)
        raise TimeoutError(expression)

    def eval(self, expression: str):
        res = self.call("Runtime.evaluate", expression=expression, returnByValue=True)
        return res["result"].get("value")

    def goto(self, url: str) -> None:
        self.call("Page.navigate", url=url)
        self.wait_for(f"document.readyState === 'complete' && location.href === {json.dumps(url)}")

    def screenshot(self, path: Path, width: int, height: int) -> None:
        self.call(
            "Emulation.setDeviceMetricsOverride", width=width, height=height, deviceScaleFactor=1, mobile=width < 600
        )
        data = self.call("Page.captureScreenshot", format="png")["data"]
        path.write_bytes(base64.b64decode(data))

    def close(self) -> None:
        try:
            self.call("Browser.close", timeout=5)
        except (OSError, RuntimeError, TimeoutError, EOFError):
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        os.close(self._to_chrome)
        os.close(self._from_chrome)


@pytest.fixture(scope="module")
def server(built, root, tmp_path_factory):
    proc = ServerProcess(built, root, tmp_path_factory.mktemp("serve"), "--workers", "2")
    yield proc
    assert proc.stop() == 0


@pytest.fixture
def browser(tmp_path):
    b = Browser(tmp_path / "profile")
    yield b
    b.close()


def test_browse_home_program_and_questions(server, browser, table1, mg, tmp_path):
    # Home page: Table 1's seven rows, in the table's order.
    browser.goto(server.url + "/")
    rows = browser.eval("[...document.querySelectorAll('table.table1 tbody th')].map(th => th.textContent)")
    assert [r.split(". ", 1)[1] for r in rows] == [r["type"] for r in table1]
    browser.screenshot(tmp_path / "home-phone.png", 390, 844)
    # The page fits a phone-width screen: no horizontal scrolling of the page itself.
    assert browser.eval("document.documentElement.scrollWidth <= window.innerWidth + 1")
    browser.screenshot(tmp_path / "home-desktop.png", 1280, 900)

    # A program page, reached by its link on the home page (the first example of the first row).
    example = table1[0]["examples"][0][0]
    href = browser.eval(
        f"[...document.querySelectorAll('table.table1 a')].find(a => a.textContent === {json.dumps(example)}).href"
    )
    browser.goto(href)
    assert browser.eval("document.querySelector('h1').textContent") == example
    assert browser.eval("document.querySelectorAll('.graph.g-article').length") > 0
    browser.screenshot(tmp_path / "program.png", 390, 844)

    # The questions page: fill in a canned question's form, submit it, see its rows.
    q = next(q for q in mg.catalogue.values() if q.params and q.params[0].kind != "text")
    expected = mg.query(q.name, **{p.name: p.example for p in q.params})
    browser.goto(server.url + "/questions")
    form = f"document.querySelector('form[action=\"/questions/{q.name}\"]')"
    for p in q.params:
        browser.eval(f"{form}.querySelector('input[name=\"{p.name}\"]').value = {json.dumps(p.example)}")
    browser.eval(f"{form}.querySelector('button').click()")
    browser.wait_for("document.readyState === 'complete' && location.pathname.startsWith('/questions/')")
    count = browser.wait_for("document.querySelectorAll('table.results tbody tr').length")
    assert count == len(expected.rows) > 0
    first = browser.eval("document.querySelector('table.results tbody tr').textContent")
    assert any(t is not None and t.kind == "literal" and t.value in first for t in expected.rows[0].values())
    browser.screenshot(tmp_path / "question.png", 390, 844)
    assert (tmp_path / "question.png").stat().st_size > 1000
