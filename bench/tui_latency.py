"""How fast the terminal UI answers all day (part of `make bench`).

Headless, 80x24 (Textual renders the frames as in a terminal; only the output is dropped):
- Enter -> answer card painted, for 200 questions in one conversation: the time from the
  question's submission until the frame that shows its card (laid out, its first line in the
  conversation's window: the conversation scrolls to it after it is laid out);
- the first open of Browse and of Requests (screen built, first frame painted): once after the
  200 questions and once in each of a few fresh apps, reported as the median (one open is
  one sample, and a shared machine makes single samples noisy);
- a minimal Textual app in the same run (one Static per question in a VerticalScroll, and a
  first open of a screen with a header, a filter, a list of as many rows, a pane and a footer),
  so the figures can be read as ratios on a slower or faster machine.

    .venv/bin/python -m bench.tui_latency [--questions N]
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from textual.app import App, ComposeResult
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer, Header, Input, OptionList, Static

ROOT = Path(__file__).resolve().parent.parent
QUESTIONS = ROOT / "tests" / "data" / "questions.tsv"
SIZE = (80, 24)
FRESH_OPENS = 4  # fresh apps whose first opens are timed, besides the one after the questions


def questions() -> list[str]:
    with QUESTIONS.open(encoding="utf-8") as fh:
        return [r["question"] for r in csv.DictReader(fh, delimiter="\t")]


async def painted(app: App[object], ready: Callable[[], bool]) -> None:
    """Wait for the first refresh after which `ready()` holds (the frame that shows it)."""
    for _ in range(1000):
        done = asyncio.Event()
        app.call_after_refresh(done.set)
        await done.wait()
        if ready():
            return


def laid_out(widget: Widget | None) -> bool:
    return widget is not None and widget.is_mounted and widget.region.height > 0


def in_view(widget: Widget, scroller: Widget) -> bool:
    """Laid out with its first line inside the scroller's window: on screen, not below it."""
    if not laid_out(widget):
        return False
    window = scroller.content_region
    return window.y <= widget.region.y < window.bottom


def load_entries() -> list[str]:
    from app.core.knowledge import load_knowledge

    return list(load_knowledge().entries)


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


class MinimalList(Screen[None]):
    """The floor of a first open: what Browse shows, in stock widgets."""

    def __init__(self, rows: int) -> None:
        super().__init__()
        self.rows = rows

    def compose(self) -> ComposeResult:
        yield Header()
        yield Input()
        yield OptionList(*(f"entry {n}" for n in range(self.rows)), id="rows")
        yield VerticalScroll(Static("detail"))
        yield Footer()


class Minimal(App[None]):
    """The floor: a scrolling list that gets one Static per question."""

    def __init__(self, rows: int = 50) -> None:
        super().__init__()
        self.rows = rows

    def compose(self) -> ComposeResult:
        yield Header()
        yield VerticalScroll(id="log")
        yield Input()
        yield Footer()

    async def add(self, text: str) -> Static:
        line = Static(text)
        await self.query_one("#log", VerticalScroll).mount(line)
        self.query_one("#log", VerticalScroll).scroll_end(animate=False)
        return line


async def minimal_run(asked: list[str]) -> list[float]:
    app = Minimal()
    times = []
    async with app.run_test(size=SIZE):
        log = app.query_one("#log", VerticalScroll)
        for q in asked:
            t = time.perf_counter()
            line = await app.add(q)
            await painted(app, lambda line=line: in_view(line, log))
            times.append((time.perf_counter() - t) * 1000)
    return times


async def minimal_open(rows: int) -> float:
    app = Minimal(rows)
    async with app.run_test(size=SIZE):
        t = time.perf_counter()
        await app.push_screen(MinimalList(rows))
        await painted(app, lambda: laid_out(app.screen.query_one("#rows")))
        return (time.perf_counter() - t) * 1000


def make_app(data_dir: Path) -> App[int]:
    from app.core.config import Config
    from app.core.knowledge import load_knowledge
    from app.tui.app import KotaeApp

    app = KotaeApp(load_knowledge(), lang="ja", config=Config(), data_dir=data_dir)
    app.blink_cursor = False
    return app


async def started(app: App[object]) -> None:
    """Wait as a user does before the first key: the start-up work is done by then."""
    from app.tui.app import PRELOAD_AFTER

    await asyncio.sleep(PRELOAD_AFTER + 0.2)
    await painted(app, lambda: True)


async def first_opens(app: App[object]) -> tuple[float, float]:
    """Milliseconds from switching to Browse, then Requests, to their first painted frame."""
    opens = []
    for name, probe in (("browse", "#entries"), ("requests", "#requests-table")):
        t = time.perf_counter()
        await app.switch_mode(name)
        await painted(app, lambda probe=probe: laid_out(app.screen.query_one(probe)))
        opens.append((time.perf_counter() - t) * 1000)
    return opens[0], opens[1]


async def fresh_opens(data_dir: Path) -> tuple[float, float]:
    app = make_app(data_dir)
    async with app.run_test(size=SIZE):
        await started(app)
        return await first_opens(app)


async def kotae_run(asked: list[str], data_dir: Path) -> tuple[list[float], int, float, float]:
    from app.tui.widgets.cards import Card

    app = make_app(data_dir)
    times: list[float] = []
    async with app.run_test(size=SIZE):
        await started(app)
        screen = app.screen
        box = screen.query_one(Input)
        conversation = screen.query_one("#conversation")
        for q in asked:
            before = screen.query(Card).last()
            t = time.perf_counter()
            box.value = q
            await box.action_submit()

            def ready(before: Widget = before) -> bool:
                # Older cards fold away, so the count stays level: look for a new last card.
                card = screen.query(Card).last()
                return card is not before and in_view(card, conversation)

            await painted(app, ready)
            times.append((time.perf_counter() - t) * 1000)
        widgets = len(list(screen.query("*")))
        browse, requests = await first_opens(app)
    return times, widgets, browse, requests


def tui_latency(count: int = 200) -> None:
    pool = questions()
    asked = [pool[i % len(pool)] for i in range(count)]
    with tempfile.TemporaryDirectory() as tmp:
        times, widgets, browse, requests = asyncio.run(kotae_run(asked, Path(tmp)))
        browses, requestss = [browse], [requests]
        for n in range(FRESH_OPENS):
            b, r = asyncio.run(fresh_opens(Path(tmp) / f"fresh{n}"))
            browses.append(b)
            requestss.append(r)
    floor = asyncio.run(minimal_run(asked))
    rows = len(load_entries())
    floor_opens = [asyncio.run(minimal_open(rows)) for _ in range(len(browses))]
    p50, p95 = statistics.median(times), pct(times, 0.95)
    f50, f95 = statistics.median(floor), pct(floor, 0.95)
    last = times[-20:]
    print(
        f"TUI Enter -> answer card painted, {count} questions at {SIZE[0]}x{SIZE[1]}: "
        f"median {p50:.1f} ms, p95 {p95:.1f} ms, last 20 median {statistics.median(last):.1f} ms "
        f"(target p95 <= 50 ms); {widgets} widgets on screen after them"
    )
    print(
        f"  minimal Textual app, same run: median {f50:.1f} ms, p95 {f95:.1f} ms "
        f"(Kotae/minimal: median x{p50 / f50:.1f}, p95 x{p95 / f95:.1f})"
    )
    b50, r50, o50 = (statistics.median(x) for x in (browses, requestss, floor_opens))
    print(
        f"TUI first open, median of {len(browses)} apps: Browse {b50:.0f} ms, "
        f"Requests {r50:.0f} ms (target <= 150 ms); after the {count} questions: "
        f"Browse {browse:.0f} ms, Requests {requests:.0f} ms"
    )
    print(
        f"  minimal Textual app, same run: first open of a list screen {o50:.0f} ms "
        f"(Kotae/minimal: Browse x{b50 / o50:.1f}, Requests x{r50 / o50:.1f})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.tui_latency")
    parser.add_argument("--questions", type=int, default=200)
    tui_latency(parser.parse_args().questions)


if __name__ == "__main__":
    main()
