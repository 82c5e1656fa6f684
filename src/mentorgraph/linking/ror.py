"""Read ROR records (schema v1 and v2, mixed) from JSON or JSON Lines files, streaming.

A ROR dump is a JSON array of records (the Zenodo release, ~130k records, over 1 GB as JSON);
ror-records keeps one JSON object per file; test data uses JSON Lines. All three are read here
without holding the whole file in memory: JSON Lines line by line, a JSON array element by element
(json.JSONDecoder.raw_decode over a sliding buffer). `.gz` files are decompressed on the fly.

Both schemas are reduced to one small `RorRecord`. The traps seen in real data
(seen in the verified records of tests/fixtures/linking): the schema is told by shape (v2 has `names`, v1 has
`name`), never by `admin.*.schema_version`; v1's GRID `all` is a string; `preferred` is often null;
the display name is the `names` entry whose `types` contains `ror_display`; v1 types and
relationship types are capitalised; withdrawn and inactive records point to a successor.
"""

from __future__ import annotations

import gzip
import io
import json
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from ..problems import InputError, Problem

ROR_PREFIX = "https://ror.org/"
# External identifier schemes kept, by their v2 (lowercase) name; v1 keys are mapped onto them.
SCHEMES = ("wikidata", "isni", "fundref", "grid")
_CHUNK = 1 << 20


@dataclass
class RorRecord:
    """The parts of a ROR record the linker uses, the same for schema v1 and v2."""

    id: str  # full IRI, https://ror.org/xxxxxxxxx
    name: str  # display name (v1 `name`, v2 the `ror_display` name)
    aliases: list[str] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)
    acronyms: list[str] = field(default_factory=list)
    status: str = "active"
    types: list[str] = field(default_factory=list)  # lowercase
    country_code: str | None = None
    country_name: str | None = None
    city: str | None = None
    geonames_id: int | None = None
    links: list[str] = field(default_factory=list)
    relationships: list[tuple[str, str]] = field(default_factory=list)  # (lowercase type, target IRI)
    external_ids: dict[str, list[str]] = field(default_factory=dict)
    schema: int = 2
    source: str = ""  # the file it was read from

    @property
    def short_id(self) -> str:
        """The ROR ID without https://ror.org/."""
        return self.id.removeprefix(ROR_PREFIX)

    def related(self, kind: str) -> list[str]:
        """Targets of the relationships of one kind (parent, child, related, successor, predecessor)."""
        return [target for k, target in self.relationships if k == kind]

    def names(self) -> Iterator[tuple[str, str]]:
        """(field, value) for every full name: display name, aliases and labels (not acronyms)."""
        yield "name", self.name
        for a in self.aliases:
            yield "alias", a
        for lab in self.labels:
            yield "label", lab


def _as_list(value: Any) -> list[str]:
    """`all` of an external id: a list, except v1 GRID where it is a bare string."""
    if value is None:
        return []
    if isinstance(value, str):
        return [value] if value.strip() else []
    return [str(v) for v in value if v is not None and str(v).strip()]


def parse_record(obj: Any, source: str = "") -> RorRecord:
    """One ROR record (v1 or v2, told apart by shape) as a RorRecord; ValueError if it is neither."""
    if not isinstance(obj, dict) or not isinstance(obj.get("id"), str):
        raise ValueError("not a ROR record: expected a JSON object with an 'id'")
    if isinstance(obj.get("names"), list):
        return _parse_v2(obj, source)
    if isinstance(obj.get("name"), str):
        return _parse_v1(obj, source)
    raise ValueError("not a ROR record: it has neither 'names' (schema v2) nor 'name' (schema v1)")


def _parse_v2(obj: dict, source: str) -> RorRecord:
    display, aliases, labels, acronyms = None, [], [], []
    for n in obj["names"]:
        value, types = n.get("value"), n.get("types") or []
        if not isinstance(value, str) or not value.strip():
            continue
        # A name can carry several types (["ror_display", "label"], ["alias", "label"]).
        if "ror_display" in types and display is None:
            display = value
        if "alias" in types:
            aliases.append(value)
        if "label" in types and "ror_display" not in types:
            labels.append(value)
        if "acronym" in types:
            acronyms.append(value)
    if display is None:  # not seen in real data, but then the first label is the best name there is
        display = (labels or aliases or acronyms or [obj["id"]])[0]
    rec = RorRecord(obj["id"], display, aliases, labels, acronyms, schema=2, source=source)
    rec.status = str(obj.get("status") or "active").lower()
    rec.types = [str(t).lower() for t in obj.get("types") or []]
    for loc in obj.get("locations") or []:
        details = loc.get("geonames_details") or {}
        rec.country_code = details.get("country_code")
        rec.country_name = details.get("country_name")
        rec.city = details.get("name")
        rec.geonames_id = loc.get("geonames_id")
        break
    rec.links = [
        link["value"]
        for link in obj.get("links") or []
        if isinstance(link, dict) and link.get("type") == "website" and link.get("value")
    ]
    for ext in obj.get("external_ids") or []:
        scheme = str(ext.get("type", "")).lower()
        if scheme in SCHEMES:
            rec.external_ids.setdefault(scheme, []).extend(_as_list(ext.get("all")))
    rec.relationships = [
        (str(r.get("type", "")).lower(), r["id"])
        for r in obj.get("relationships") or []
        if isinstance(r, dict) and r.get("id")
    ]
    return rec


def _parse_v1(obj: dict, source: str) -> RorRecord:
    labels = [lab["label"] for lab in obj.get("labels") or [] if isinstance(lab, dict) and lab.get("label")]
    rec = RorRecord(
        obj["id"],
        obj["name"],
        [a for a in obj.get("aliases") or [] if a],
        labels,
        [a for a in obj.get("acronyms") or [] if a],
        schema=1,
        source=source,
    )
    rec.status = str(obj.get("status") or "active").lower()
    rec.types = [str(t).lower() for t in obj.get("types") or []]
    country = obj.get("country") or {}
    rec.country_code, rec.country_name = country.get("country_code"), country.get("country_name")
    for addr in obj.get("addresses") or []:
        rec.city = addr.get("city")
        rec.geonames_id = (addr.get("geonames_city") or {}).get("id")
        break
    rec.links = [link for link in obj.get("links") or [] if isinstance(link, str) and link]
    for key, ext in (obj.get("external_ids") or {}).items():
        scheme = key.lower()
        if scheme in SCHEMES and isinstance(ext, dict):
            rec.external_ids.setdefault(scheme, []).extend(_as_list(ext.get("all")))
    rec.relationships = [
        (str(r.get("type", "")).lower(), r["id"])
        for r in obj.get("relationships") or []
        if isinstance(r, dict) and r.get("id")
    ]
    return rec


# Limits on compressed input (docs/contributing.md, "Limits"): a .gz may expand at most MAX_RATIO
# times (after the first MiB; JSON compresses 5-15x) and to at most MAX_DECOMPRESSED bytes (the
# whole ROR dump is ~1.2 GB of JSON). A single JSON value may be at most MAX_VALUE_BYTES (a ROR
# record is a few KB): together they bound the time and memory a small hostile file can cost.
MAX_RATIO = 100
MAX_DECOMPRESSED = 4 << 30
MAX_VALUE_BYTES = 16 << 20
_RATIO_FLOOR = 1 << 20


class _Bounded(io.RawIOBase):
    """A .gz file's decompressed bytes, refusing more than MAX_RATIO x its compressed size or MAX_DECOMPRESSED."""

    def __init__(self, path: Path, display: str):
        self._raw = open(path, "rb")
        self._gz = gzip.GzipFile(fileobj=self._raw, mode="rb")
        self._display = display
        self.out = 0

    def readable(self) -> bool:
        return True

    def readinto(self, b) -> int:
        data = self._gz.read(len(b))
        self.out += len(data)
        compressed = max(self._raw.tell(), 1)
        if self.out > MAX_DECOMPRESSED or (self.out > _RATIO_FLOOR and self.out > MAX_RATIO * compressed):
            raise InputError(
                [
                    Problem(
                        self._display,
                        f"the compressed file expands too much ({compressed:,} bytes gave over {self.out:,} bytes)",
                        expected=f"a .gz that expands at most {MAX_RATIO} times and to at most "
                        f"{MAX_DECOMPRESSED:,} bytes (a compression bomb is refused)",
                    )
                ]
            )
        b[: len(data)] = data
        return len(data)

    def tell(self) -> int:
        return self._raw.tell()

    def close(self) -> None:
        self._gz.close()
        self._raw.close()
        super().close()


def _open(path: Path) -> IO[str]:
    raw = io.BufferedReader(_Bounded(path, str(path))) if path.suffix == ".gz" else open(path, "rb")
    return io.TextIOWrapper(raw, encoding="utf-8")


_BLANK = re.compile(r"[ \t\r\n\ufeff]*")


def _json_values(fh: IO[str], display: str) -> Iterator[tuple[int, Any]]:
    """(line, value) for each top-level JSON value: the elements of an array, a lone object, or JSON Lines.

    Reads in 1 MiB chunks; a value is decoded as soon as the buffer holds all of it.
    """
    decoder = json.JSONDecoder()
    buf, pos, line, eof, in_array, started = "", 0, 1, False, False, False
    while True:
        # skip whitespace and array punctuation between values
        while True:
            end = _BLANK.match(buf, pos).end()
            line += buf.count("\n", pos, end)
            pos = end
            if pos < len(buf):
                ch = buf[pos]
                if ch == "[" and not started:
                    in_array, started = True, True
                    pos += 1
                    continue
                if ch == "," and in_array:
                    pos += 1
                    continue
                if ch == "]" and in_array:
                    in_array = False
                    pos += 1
                    continue
                break
            if eof:
                if in_array:
                    raise InputError(
                        [
                            Problem(
                                display,
                                "the JSON array is not closed",
                                line=line,
                                expected="a complete JSON array of ROR records ending in ']'",
                            )
                        ]
                    )
                return
            chunk = fh.read(_CHUNK)
            eof = not chunk
            buf, pos = buf[pos:] + chunk, 0
        started = True
        try:
            value, end = decoder.raw_decode(buf, pos)
        except json.JSONDecodeError as exc:
            if not eof:  # maybe only incomplete: read more and try again
                if len(buf) - pos > MAX_VALUE_BYTES:
                    raise InputError(
                        [
                            Problem(
                                display,
                                f"a single JSON value of more than {MAX_VALUE_BYTES:,} characters",
                                line=line,
                                expected="ROR records of a few KB each (an array of them, or JSON Lines)",
                            )
                        ]
                    ) from None
                chunk = fh.read(_CHUNK)
                eof = not chunk
                buf, pos = buf[pos:] + chunk, 0
                continue
            if buf[exc.pos :].strip() == "":  # ran out of input inside the value
                problem = Problem(
                    display,
                    "invalid JSON: the value starting here is cut off",
                    line=line,
                    expected="complete ROR records as JSON (an object or an array) or JSON Lines",
                )
            else:
                problem = Problem(
                    display,
                    f"invalid JSON: {exc.msg}",
                    line=line + buf.count("\n", pos, exc.pos),
                    expected="ROR records as JSON (an object or an array) or JSON Lines",
                )
            raise InputError([problem]) from None
        yield line, value
        line += buf.count("\n", pos, end)
        pos = end
        if pos > _CHUNK:  # drop what has been consumed, so the buffer stays small
            buf, pos = buf[pos:], 0


def iter_records(
    paths: Iterable[str | Path],
    on_bytes: Callable[[int, int], None] | None = None,
    errors: list[Problem] | None = None,
) -> Iterator[RorRecord]:
    """Every ROR record in `paths` (JSON object, JSON array or JSON Lines; optionally .gz), streamed.

    A value that is not a ROR record is reported in `errors` (file, line, what was expected) and
    skipped when `errors` is given; otherwise it raises InputError. `on_bytes(n)` is called with
    (index of the file, bytes read from it so far) after each record, for a progress bar.
    """
    for index, p in enumerate(paths):
        path = Path(p)
        display = str(p)
        if not path.is_file():
            raise InputError(
                [
                    Problem(
                        display,
                        "file not found" if not path.exists() else "not a file",
                        expected="a ROR JSON or JSON Lines file",
                    )
                ]
            )
        try:
            with _open(path) as fh:
                raw = fh.buffer
                for line, value in _json_values(fh, display):
                    try:
                        yield parse_record(value, display)
                    except (ValueError, KeyError, TypeError, AttributeError) as exc:
                        problem = Problem(
                            display,
                            str(exc),
                            line=line,
                            expected="a ROR record (schema v1 or v2)",
                            value=json.dumps(value, ensure_ascii=False)[:80],
                        )
                        if errors is None:
                            raise InputError([problem]) from None
                        errors.append(problem)
                    if on_bytes is not None:
                        on_bytes(index, _tell(raw))
        except UnicodeDecodeError as exc:
            raise InputError(
                [Problem(display, f"not UTF-8 text ({exc.reason})", expected="UTF-8 encoded JSON")]
            ) from None
        except (OSError, EOFError) as exc:
            raise InputError([Problem(display, f"cannot read: {exc}", expected="a readable JSON file")]) from None


def _tell(raw: Any) -> int:
    """Bytes consumed from the underlying file (the compressed size for .gz)."""
    inner = getattr(raw, "raw", None) or raw
    try:
        return inner.tell()
    except (OSError, ValueError):
        return 0
