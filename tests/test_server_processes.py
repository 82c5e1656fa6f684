"""`serve --processes N`: front ends sharing one port all answer, and SIGTERM stops every one."""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def health(port: int) -> dict:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=5) as resp:
        return json.loads(resp.read())


@pytest.mark.skipif(not hasattr(__import__("os"), "fork"), reason="pre-fork needs POSIX fork")
def test_two_front_ends_share_the_port_and_stop_together(built, root):
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "mentorgraph.cli", "serve", "--out", str(built), "--root", str(root),
                             "--port", str(port), "--processes", "2", "--workers", "1"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.time() + 30
        while True:
            try:
                health(port)
                break
            except OSError:
                if time.time() > deadline or proc.poll() is not None:
                    raise AssertionError(proc.stderr.read().decode() if proc.poll() is not None
                                         else "no answer") from None
                time.sleep(0.2)
        pids = set()
        deadline = time.time() + 30
        with ThreadPoolExecutor(8) as pool:
            while len(pids) < 2 and time.time() < deadline:
                pids |= {h["pid"] for h in pool.map(lambda _: health(port), range(32))}
        assert len(pids) == 2, "both front ends answer on the shared port"
        assert all(h["status"] == "ok" for h in [health(port)])
    finally:
        proc.send_signal(signal.SIGTERM)
        rc = proc.wait(timeout=30)
    assert rc == 0
    with pytest.raises(OSError):  # nobody listens any more: every front end stopped
        health(port)
