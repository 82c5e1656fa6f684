"""The bytes between a front end and its query processes: one frame per message, no pickle.

    frame = header length, body length (two big-endian u32) + header (UTF-8 JSON object) + body (bytes)

A request is {"op": name, "args": {...}} with an empty body. An answer is {"ok": true, ...} with the
operation's bytes as its body (a serialized result, a page), or {"ok": true, "json": true} with a
JSON value as the body, or {"ok": false, "kind": ..., "message": ...}. Only JSON and raw bytes cross:
neither side ever unpickles what the other sent.

RDF terms cross as JSON arrays [kind, value, datatype, lang] (engines.Term is a NamedTuple, so
json.dumps writes it as one), rows as objects of those arrays.
"""

from __future__ import annotations

import json
import struct
from typing import Any

from ..query.engines import Result, Term

HEAD = struct.Struct("!II")
# One encoder, reused: json.dumps would rebuild it from its keyword arguments on every call.
_ENCODE = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
# A front end never sends more than a query and its options; a header beyond this is not ours.
MAX_HEADER = 16 * 1024 * 1024


def frame(header: dict, body: bytes = b"") -> bytes:
    """One message: `header` as compact JSON, then `body`."""
    head = _ENCODE(header).encode("utf-8")
    return HEAD.pack(len(head), len(body)) + head + body


def value_frame(value: Any) -> bytes:
    """An answer carrying a JSON value (rows, page data) as its body."""
    return frame({"ok": True, "json": True}, _ENCODE(value).encode("utf-8"))


def error_frame(kind: str, message: str) -> bytes:
    """An answer saying the operation failed: `kind` is one of worker.ERROR_KINDS."""
    return frame({"ok": False, "kind": kind, "message": message})


def split(buf: bytes | bytearray) -> tuple[dict, bytes, int] | None:
    """(header, body, bytes used) of the first complete frame in `buf`, or None if it is incomplete."""
    if len(buf) < HEAD.size:
        return None
    hlen, blen = HEAD.unpack_from(buf)
    if hlen > MAX_HEADER:
        raise ValueError(f"a frame header of {hlen} bytes: not a mentorgraph frame")
    end = HEAD.size + hlen + blen
    if len(buf) < end:
        return None
    header = json.loads(bytes(buf[HEAD.size : HEAD.size + hlen]))
    return header, bytes(buf[HEAD.size + hlen : end]), end


class FrameReader:
    """Frames from a blocking socket (the query process's side): one recv for a frame that fits the
    buffer, as a request always does."""

    def __init__(self, sock):
        self.sock = sock
        self.buf = bytearray()

    def read(self) -> tuple[dict, bytes]:
        """The next frame; EOFError when the peer has closed the socket."""
        while True:
            parsed = split(self.buf) if self.buf else None
            if parsed is not None:
                del self.buf[: parsed[2]]
                return parsed[0], parsed[1]
            chunk = self.sock.recv(1 << 16)
            if not chunk:
                raise EOFError
            self.buf += chunk


def read_frame(stream) -> tuple[dict, bytes]:
    """Read one frame from a blocking binary stream (the query process's side); EOFError at the end."""
    head = stream.read(HEAD.size)
    if len(head) < HEAD.size:
        raise EOFError
    hlen, blen = HEAD.unpack(head)
    if hlen > MAX_HEADER:
        raise EOFError
    header = stream.read(hlen)
    body = stream.read(blen) if blen else b""
    if len(header) < hlen or len(body) < blen:
        raise EOFError
    return json.loads(header), body


# -- terms and results as JSON ------------------------------------------------------------------------
def term(value: list | None) -> Term | None:
    """A term from its JSON array."""
    return Term(*value) if value is not None else None


def rows(data: list[dict]) -> list[dict[str, Term | None]]:
    """Rows of terms from their JSON form."""
    return [{k: term(v) for k, v in row.items()} for row in data]


def result_json(res: Result) -> dict:
    """A Result (SELECT or ASK) as a JSON-able value."""
    return {"kind": res.kind, "variables": res.variables, "rows": res.rows, "boolean": res.boolean}


def result(data: dict) -> Result:
    """A Result from result_json's value."""
    return Result(data["kind"], data["variables"], rows(data["rows"]), boolean=data["boolean"])
