"""`mentorgraph serve`: the built graph as a read-only SPARQL 1.1 endpoint, linked-data IRIs and a web view.

    from mentorgraph.server import Config, serve
    serve(Config(out=Path("dist"), root=find_root(), port=8000))

app.py is the HTTP server, pool.py the query workers that enforce the time limit, worker.py what
runs inside them, negotiate.py content negotiation, pages.py the HTML. docs/server.md documents the
limits and the security model.
"""

from __future__ import annotations

from .app import Config, MentorServer, log


def serve(config: Config) -> int:
    """Run the server until SIGINT or SIGTERM; return an exit code (0 stopped cleanly, 3 cannot serve)."""
    import errno
    import signal
    import sys
    import threading

    def fail(message: str) -> int:
        # Start-up problems are for the person at the terminal: plain text, like every CLI error.
        print(f"mentorgraph: error: {message}", file=sys.stderr)
        return 3

    try:
        server = MentorServer(config)
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            return fail(
                f"cannot listen on {config.host}:{config.port}: the port is already in use (another "
                "server?); choose another with --port"
            )
        return fail(f"cannot listen on {config.host}:{config.port}: {exc.strerror or exc}")
    try:
        server.start_pool()
    except RuntimeError as exc:
        server.server_close()
        return fail(str(exc))

    def stop(signum, frame) -> None:
        log({"event": "stopping", "signal": signal.Signals(signum).name})
        # shutdown() waits for serve_forever to return, so it must run outside the serving thread.
        threading.Thread(target=server.shutdown, daemon=True).start()

    previous = {s: signal.signal(s, stop) for s in (signal.SIGINT, signal.SIGTERM)}
    log(
        {
            "event": "listening",
            "url": server.url(),
            "workers": config.workers,
            "timeout_s": config.timeout,
            "max_rows": config.max_rows,
            "max_body": config.max_body,
        }
    )
    try:
        server.serve_forever(poll_interval=0.2)
    finally:
        for s, h in previous.items():
            signal.signal(s, h)
        server.close()
        log({"event": "stopped"})
    return 0


__all__ = ["Config", "MentorServer", "serve"]
