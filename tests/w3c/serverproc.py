"""Run `mentorgraph serve` as a real process on 127.0.0.1 (a free port) for the server tests.

The server's JSON log lines go to a file; `ServerProcess.events()` reads them back, so tests can see
the access log and the lifecycle events (listening, stopping, stopped).
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path


class ServerProcess:
    def __init__(self, out: Path, root: Path, logdir: Path, *options: str):
        self.log_path = logdir / "serve.log"
        self._log = open(self.log_path, "wb")
        cmd = [
            sys.executable,
            "-m",
            "mentorgraph.cli",
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            "0",
            "--out",
            str(out),
            "--root",
            str(root),
            *options,
        ]
        self.proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=self._log, cwd=root)
        self.url = self._await_listening()

    def _await_listening(self, timeout: float = 60.0) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for e in self.events():
                if e.get("event") == "listening":
                    return e["url"]
            if self.proc.poll() is not None:
                raise RuntimeError(f"serve exited with {self.proc.returncode}: {self.log_path.read_text()}")
            time.sleep(0.05)
        raise RuntimeError("serve did not start listening in time")

    def events(self) -> list[dict]:
        out = []
        for line in self.log_path.read_text(encoding="utf-8", errors="replace").splitlines():
            try:
                out.append(json.loads(line))
            except ValueError:
                out.append({"event": "non-json", "line": line})
        return out

    def stop(self, sig: signal.Signals = signal.SIGTERM) -> int:
        """Stop the server with `sig` (SIGTERM or SIGINT, both graceful); return its exit code."""
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._log.close()
        return self.proc.returncode


def request(
    url: str,
    data: bytes | None = None,
    headers: dict[str, str] | None = None,
    method: str | None = None,
    timeout: float = 30.0,
) -> tuple[int, dict[str, str], bytes]:
    """(status, headers with lower-case names, body) for one HTTP request; HTTP errors are answers too."""
    req = urllib.request.Request(url, data=data, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return resp.status, {k.lower(): v for k, v in resp.headers.items()}, resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, {k.lower(): v for k, v in exc.headers.items()}, exc.read()
