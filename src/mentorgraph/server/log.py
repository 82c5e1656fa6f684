"""The server's log: one JSON object per line on standard error (the access log and lifecycle events)."""

from __future__ import annotations

import json
import logging
import sys
import time


_stamp = [0, ""]
_ENCODE = json.JSONEncoder(ensure_ascii=False).encode


def now() -> str:
    """The time (UTC, ISO 8601, to the second), formatted once a second: the access log asks per request."""
    t = int(time.time())
    if t != _stamp[0]:
        _stamp[:] = [t, time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))]
    return _stamp[1]


def log(event: dict) -> None:
    """Write `event` with the time as one JSON line on stderr."""
    event = {"time": now(), **event}
    try:
        sys.stderr.write(_ENCODE(event) + "\n")
        sys.stderr.flush()
    except (OSError, ValueError):
        pass


class JsonFormatter(logging.Formatter):
    """The production server's own messages (uvicorn's loggers) as the same JSON lines."""

    def format(self, record: logging.LogRecord) -> str:
        """One JSON object: the event "http", the level and the message."""
        event = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(record.created)),
            "event": "http",
            "level": record.levelname.lower(),
            "message": record.getMessage(),
        }
        if record.exc_info:
            event["error"] = self.formatException(record.exc_info).splitlines()[-1]
        return json.dumps(event, ensure_ascii=False)


# uvicorn's logging, configured so that only warnings and errors appear, as JSON lines on stderr.
LOG_CONFIG = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": f"{__name__}.JsonFormatter"}},
    "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"}},
    "loggers": {
        "uvicorn": {"handlers": ["stderr"], "level": "WARNING", "propagate": False},
        "uvicorn.error": {"handlers": ["stderr"], "level": "WARNING", "propagate": False},
        "uvicorn.access": {"handlers": [], "level": "CRITICAL", "propagate": False},
    },
}
