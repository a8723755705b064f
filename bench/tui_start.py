"""First paint of the terminal UI, measured from process start (part of `make bench`).

A child process starts Kotae headless and reports the wall-clock time at which the first frame
had been rendered; the parent notes the time just before it spawns the child.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time

CHILD = """
import sys, time
from app.core.config import Config
from app.core.knowledge import load_knowledge
from app.tui.app import KotaeApp


class Probe(KotaeApp):
    def on_mount(self) -> None:
        super().on_mount()
        self.call_after_refresh(self._painted)

    def _painted(self) -> None:
        print(time.time(), flush=True)
        self.exit()


Probe(load_knowledge(), lang=sys.argv[1], config=Config()).run(headless=True, size=(80, 24))
"""


def first_paint(runs: int = 5) -> None:
    for lang in ("en", "ja"):
        times = []
        for _ in range(runs):
            start = time.time()
            proc = subprocess.run(
                [sys.executable, "-c", CHILD, lang], capture_output=True, text=True, check=True
            )
            times.append((float(proc.stdout.strip().splitlines()[-1]) - start) * 1000)
        print(
            f"first screen painted ({lang}): median {statistics.median(times):.0f} ms, "
            f"max {max(times):.0f} ms over {runs} runs (target <= 600 ms)"
        )


if __name__ == "__main__":
    first_paint()
