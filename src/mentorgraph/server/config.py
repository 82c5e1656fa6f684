"""What `mentorgraph serve` is told, in one dataclass that crosses into every front-end process.

The front ends are separate processes started by the production server (uvicorn), each building the
application from `Config.from_env()`: the command line's settings travel as JSON in one environment
variable, so every front end is configured exactly alike.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path

ENV = "MENTORGRAPH_SERVE_CONFIG"


@dataclass
class Config:
    """Everything `mentorgraph serve` is told; the defaults are the documented limits."""

    out: Path
    root: Path
    host: str = "127.0.0.1"
    port: int = 8000
    timeout: float = 10.0
    max_rows: int = 10000
    max_body: int = 1024 * 1024
    workers: int = 2  # front-end processes
    query_processes: int = 2  # per front end
    max_memory: int = 2048  # MiB of address space per query process (RLIMIT_AS); 0: no cap
    cache_size: int = 256
    allowed_services: list[str] = field(default_factory=list)
    # How often a front end looks for a new generation (one readlink), in seconds.
    poll: float = 0.2
    # Seconds a stopping server gives in-flight requests before it stops their queries.
    grace: float = 3.0

    @property
    def services(self) -> frozenset[str]:
        """The SERVICE endpoints a query may name."""
        return frozenset(self.allowed_services)

    def to_env(self) -> str:
        """This configuration as the JSON a front end reads back with from_env."""
        data = asdict(self)
        data["out"], data["root"] = str(self.out), str(self.root)
        return json.dumps(data)

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Config:
        """The configuration the `serve` command put in the environment."""
        data = json.loads((environ or os.environ)[ENV])
        data["out"], data["root"] = Path(data["out"]), Path(data["root"])
        return cls(**data)

    def limits(self) -> dict[str, str]:
        """The limits in words, for the /about page and the service description."""
        return {
            "Time limit per query": f"{self.timeout:g} s (the query is stopped; 503)",
            "Rows per result": f"{self.max_rows} (more are cut; header Mentorgraph-Truncated)",
            "Request size": f"{self.max_body} bytes (413)",
            "Memory per query process": f"{self.max_memory} MiB (503)" if self.max_memory else "not capped",
            "Writes (SPARQL Update, LOAD, ...)": "refused (403)",
            "SERVICE (federation)": (
                "allowed only to " + ", ".join(self.allowed_services) if self.allowed_services else "refused (403)"
            ),
            "FROM / FROM NAMED": "only this dataset's named graphs (403 otherwise)",
            "Front-end processes": str(self.workers),
            "Query processes per front end": str(self.query_processes),
        }
