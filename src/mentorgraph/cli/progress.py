"""Progress of long work (reading a ROR dump, pushing graphs) on stderr, through rich.

On a terminal, rich draws a live bar; anywhere else (a pipe, a CI log) the same progress is written as
plain lines, one each time another tenth of the work is done, so logs stay readable.
"""

from __future__ import annotations

import sys
from typing import Any


class Progress:
    """Progress over `total` units (bytes, graphs); silent unless `enabled`."""

    def __init__(self, total: int, description: str, enabled: bool, unit: str = "bytes"):
        self.total = max(total, 1)
        self.description = description
        self.enabled = enabled
        self.unit = unit
        self.done = 0
        self.note = ""
        self._tenth = -1
        self._live: Any = None
        self._task: Any = None
        if enabled and sys.stderr.isatty():
            from rich.console import Console
            from rich.progress import BarColumn, DownloadColumn, MofNCompleteColumn, TextColumn, TimeElapsedColumn
            from rich.progress import Progress as RichProgress

            amount = DownloadColumn() if unit == "bytes" else MofNCompleteColumn()
            self._live = RichProgress(
                TextColumn("  {task.description}"),
                BarColumn(),
                amount,
                TextColumn("{task.fields[note]}"),
                TimeElapsedColumn(),
                console=Console(stderr=True),
            )
            self._live.start()
            self._task = self._live.add_task(description, total=self.total, note="")

    def update(self, done: int, note: str = "") -> None:
        """Set how much is done (in units) and a short note (e.g. how many records)."""
        self.done, self.note = min(done, self.total), note
        if not self.enabled:
            return
        if self._live is not None:
            self._live.update(self._task, completed=self.done, note=note)
            return
        tenth = self.done * 10 // self.total
        if tenth > self._tenth:
            self._tenth = tenth
            print(f"  {self.description}: {self.done / self.total:6.1%} {note}".rstrip(), file=sys.stderr, flush=True)

    def close(self) -> None:
        """Show the work as finished."""
        if self.enabled:
            self.update(self.total, self.note)
        if self._live is not None:
            self._live.stop()
            self._live = None
