"""What one front end answers from: the generation it serves, switched when a build finishes.

A front end serves exactly one generation at a time (`Served`: its query processes, manifest, result
cache and generated documents). A watcher looks at `dist/current` every `Config.poll` seconds (one
readlink, layout.current_id); when it names another generation, query processes for that one are
started beside the serving ones, and only when all of them are ready does the front end switch.
Each request leases the generation current when it starts and does all its work there, so no answer
mixes two builds; the old generation's processes are stopped once its last request is answered.

A generation that is missing, incomplete or cannot be opened never replaces a good one: the front end
keeps answering from the last good generation, says so in /health (`problem`), and tries the new one
again every RETRY seconds in case it was still being written.
"""

from __future__ import annotations

import asyncio
import json
import os
import time
from collections import OrderedDict

from .. import layout
from .config import Config
from .log import log
from .pool import Pool, PoolError
from .process import Spares

# Seconds before a generation that could not be opened is tried again.
RETRY = 2.0


class ResultCache:
    """Answers to recent identical protocol requests, for one generation (which never changes); only
    small answers are kept, and `size` 0 turns the cache off."""

    MAX_ANSWER = 256 * 1024

    def __init__(self, size: int):
        self.size = size
        self._items: OrderedDict[tuple, tuple[dict, bytes]] = OrderedDict()

    def get(self, key: tuple) -> tuple[dict, bytes] | None:
        """The cached (header, body) for `key`, or None."""
        answer = self._items.get(key)
        if answer is not None:
            self._items.move_to_end(key)
        return answer

    def put(self, key: tuple, answer: tuple[dict, bytes]) -> None:
        """Keep `answer` unless the cache is off or the answer is large."""
        if self.size <= 0 or len(answer[1]) > self.MAX_ANSWER:
            return
        self._items[key] = answer
        while len(self._items) > self.size:
            self._items.popitem(last=False)


class Served:
    """One generation as a front end serves it."""

    def __init__(self, gen: layout.Generation, pool: Pool, manifest: dict, cache_size: int):
        self.generation, self.pool, self.manifest = gen, pool, manifest
        self.id = gen.id
        self.graphs = frozenset(pool.graphs)
        self.cache = ResultCache(cache_size)
        # Documents made once per generation on first use (ontology docs, dataset descriptions).
        self.generated: OrderedDict[tuple, bytes] = OrderedDict()
        self.leases = 0
        self.retired = False

    def release(self) -> None:
        """One request fewer; a retired generation is stopped after its last one."""
        self.leases -= 1
        if self.retired and self.leases == 0:
            self.pool.close()


class Lease:
    """`with backend.lease() as served:` holds one generation for the duration of a request."""

    __slots__ = ("served",)

    def __init__(self, served: Served):
        self.served = served
        served.leases += 1

    def __enter__(self) -> Served:
        return self.served

    def __exit__(self, *exc) -> None:
        self.served.release()


class Backend:
    """The generations a front end serves, and the watcher that switches between them."""

    def __init__(self, config: Config):
        self.config = config
        self.current: Served | None = None
        self.problem: str | None = None
        self.switches = 0
        self._failed: tuple[str, float] | None = None
        self._watcher: asyncio.Task | None = None
        self._legacy = False
        self._retired: set[Served] = set()
        c = config
        self.spares = Spares(c.root, c.max_memory, c.query_processes, timeout=60.0)

    async def start(self) -> None:
        """Open the current generation (raise NoBuild or PoolError if it cannot be served) and watch."""
        out = self.config.out
        gen = layout.current_generation(out)
        self._legacy = layout.current_id(out) is None  # a build directory from before generations
        await self.spares.prime(self.config.query_processes + self.spares.count)
        self.current = await self._open(gen)
        self.spares.fill()
        self._watcher = asyncio.get_running_loop().create_task(self._watch())

    def lease(self) -> Lease:
        """Hold the current generation for one request."""
        return Lease(self.current)

    async def _open(self, gen: layout.Generation) -> Served:
        try:
            manifest = json.loads(gen.manifest.read_text(encoding="utf-8")) if gen.manifest.is_file() else {}
        except (OSError, ValueError) as exc:
            raise PoolError(503, f"its manifest cannot be read: {exc}") from None
        if not gen.store.is_dir():
            raise PoolError(503, f"it has no store ({gen.store} is missing)")
        pool = Pool(gen.path, self.config.query_processes, self.spares)
        await pool.start()
        return Served(gen, pool, manifest, self.config.cache_size)

    async def _watch(self) -> None:
        while True:
            await asyncio.sleep(self.config.poll)
            try:
                await self._tick()
            except Exception as exc:  # the watcher must outlive any one bad generation
                log({"event": "watch-error", "error": f"{type(exc).__name__}: {exc}"})

    async def _tick(self) -> None:
        out, serving = self.config.out, self.current
        newest = layout.current_id(out)
        if newest is None:
            if not self._legacy:
                self.problem = f"{out / layout.CURRENT} is missing; still serving generation {serving.id}"
            return
        if newest == serving.id and serving.pool.alive() > 0:
            self.problem = None
            return
        if self._failed and self._failed[0] == newest and time.monotonic() < self._failed[1]:
            return
        gen = layout.Generation(newest, out / layout.BUILDS / newest)
        try:
            if not gen.manifest.is_file():
                raise PoolError(503, "it is incomplete (no manifest.json)")
            fresh = await self._open(gen)
        except PoolError as exc:
            self._failed = (newest, time.monotonic() + RETRY)
            self.problem = f"generation {newest} cannot be served: {exc}; still serving generation {serving.id}"
            log({"event": "generation-refused", "generation": newest, "serving": serving.id, "error": str(exc)})
            return
        self._failed, self.problem = None, None
        self.current = fresh
        self.switches += 1
        log({"event": "generation", "generation": fresh.id, "previous": serving.id, "pid": os.getpid()})
        self._retire(serving)

    def _retire(self, served: Served) -> None:
        served.retired = True
        self._retired.add(served)
        if served.leases == 0:
            served.pool.close()
        else:  # requests still running there finish first, within their time limit
            asyncio.get_running_loop().call_later(self.config.timeout + 1, served.pool.close)

    def health(self) -> dict:
        """What /health reports about this front end's generations."""
        s = self.current
        newest = layout.current_id(self.config.out)
        return {
            "generation": s.id,
            "newest": newest if newest is not None else (s.id if self._legacy else None),
            "problem": self.problem,
            "front_end": os.getpid(),
            "query_processes": s.pool.alive(),
            "query_processes_replaced": s.pool.replaced,
            "switches": self.switches,
            "triples": s.manifest.get("triples"),
        }

    def stopping(self) -> None:
        """SIGTERM or SIGINT arrived: switch no more, and give running requests `Config.grace` seconds."""
        if self._watcher is not None:
            self._watcher.cancel()
        for served in [self.current, *self._retired]:
            if served is not None:
                served.pool.stop_within(self.config.grace)

    async def close(self, grace: float) -> None:
        """Stop watching; give running requests up to `grace` seconds, then stop every query process."""
        if self._watcher is not None:
            self._watcher.cancel()
        self.spares.close()
        deadline = time.monotonic() + grace
        while self.current is not None and self.current.leases > 0 and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        for served in [self.current, *self._retired]:
            if served is not None:
                served.pool.close(wait=True)
