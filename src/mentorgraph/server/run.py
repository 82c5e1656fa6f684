"""Run the application on uvicorn (httptools, uvloop) with `Config.workers` front-end processes.

The socket is bound here, in the supervising process, before any front end starts: a port in use is
reported at once, and `--port 0` learns its port before the configuration is handed on. uvicorn's
multiprocess supervisor starts the front ends (each builds the app with app.create_app) and restarts
one that dies; this module waits until every front end has started its query processes before it
logs `listening`, and on SIGTERM or SIGINT stops gracefully within a bound: each front end stops
accepting, lets in-flight requests finish for up to `Config.grace` seconds, stops its query
processes and exits; a front end still running after that is killed, and the socket is closed.
"""

from __future__ import annotations

import errno
import os
import socket
import sys
import time

from .config import ENV, Config
from .log import LOG_CONFIG, log

# Seconds a front end may take to start (its query processes open the store) before start-up fails.
START_TIMEOUT = 60.0
# Beyond the grace period, seconds a stopping front end gets to stop its query processes and exit.
EXIT_MARGIN = 1.5


def bind(config: Config) -> socket.socket:
    """The listening socket (OSError if the address cannot be used)."""
    family = socket.AF_INET6 if ":" in config.host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((config.host, config.port))
    except OSError:
        sock.close()
        raise
    sock.set_inheritable(True)
    return sock


def _fail(message: str) -> int:
    # Start-up problems are for the person at the terminal: plain text, like every CLI error.
    print(f"mentorgraph: error: {message}", file=sys.stderr)
    return 3


def serve(config: Config) -> int:
    """Serve until SIGINT or SIGTERM; return an exit code (0 stopped cleanly, 3 could not serve)."""
    import uvicorn
    from uvicorn.supervisors.multiprocess import Multiprocess

    try:
        sock = bind(config)
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            return _fail(
                f"cannot listen on {config.host}:{config.port}: the port is already in use (another server?); "
                "choose another with --port"
            )
        return _fail(f"cannot listen on {config.host}:{config.port}: {exc.strerror or exc}")
    config.port = sock.getsockname()[1]
    os.environ[ENV] = config.to_env()
    uv = uvicorn.Config(
        "mentorgraph.server.app:create_app",
        factory=True,
        workers=config.workers,
        http="mentorgraph.server.http11:TimedHttpToolsProtocol",
        loop="uvloop",
        lifespan="on",
        log_config=LOG_CONFIG,
        access_log=False,
        server_header=False,
        date_header=True,
        backlog=2048,
        timeout_keep_alive=30,
        # A backstop: the backend answers every request still running after Config.grace seconds.
        timeout_graceful_shutdown=int(config.grace) + 1,
        timeout_worker_healthcheck=10,
    )

    class Supervisor(Multiprocess):
        """uvicorn's supervisor, announcing readiness and stopping within a bound."""

        stopping_signal: str | None = None

        def run(self) -> None:
            self.init_processes()
            deadline = time.monotonic() + START_TIMEOUT
            for p in self.processes:
                if not p.wait_until_ready(max(deadline - time.monotonic(), 0.1), self.should_exit):
                    if not self.should_exit.is_set():
                        self.failed = "a front-end process did not start (the log above says why)"
                        self.should_exit.set()
                    break
            else:
                log(
                    {
                        "event": "listening",
                        "url": f"http://{_shown(config.host)}:{config.port}",
                        "workers": config.workers,
                        "query_processes": config.query_processes,
                        "timeout_s": config.timeout,
                        "max_rows": config.max_rows,
                        "max_body": config.max_body,
                        "max_memory_mib": config.max_memory,
                    }
                )
            while not self.should_exit.wait(0.25):
                self.handle_signals()
                self.keep_subprocess_alive()
            self.handle_signals()
            self.terminate_all()
            self.join_all()

        def join_all(self) -> None:
            deadline = time.monotonic() + config.grace + EXIT_MARGIN
            for p in self.processes:
                p.process.join(max(deadline - time.monotonic(), 0.05))
                if p.process.is_alive():
                    log({"event": "front-end-killed", "pid": p.pid})
                    p.kill()
                    p.process.join(2)

        def _stop(self, name: str) -> None:
            if self.stopping_signal is None:
                self.stopping_signal = name
                log({"event": "stopping", "signal": name})
            self.should_exit.set()

        def handle_int(self) -> None:
            self._stop("SIGINT")

        def handle_term(self) -> None:
            self._stop("SIGTERM")

    supervisor = Supervisor(uv, sockets=[sock])
    supervisor.failed = None
    try:
        supervisor.run()
    finally:
        sock.close()
        _stop_resource_tracker()
    if supervisor.failed:
        return _fail(supervisor.failed)
    log({"event": "stopped"})
    return 0


def _stop_resource_tracker() -> None:
    """Wait for multiprocessing's resource tracker (started with the front ends) to exit, so that no
    process of this server outlives it. The tracker has no public stop; without this it exits on its
    own a moment after we do."""
    from multiprocessing import resource_tracker

    stop = getattr(resource_tracker._resource_tracker, "_stop", None)
    if stop is not None:
        try:
            stop()
        except (OSError, ChildProcessError):
            pass


def _shown(host: str) -> str:
    return f"[{host}]" if ":" in host else host
