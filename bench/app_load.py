"""The app under load (issue 20): N concurrent sessions change filters on a store while, optionally, a
``textmine process`` run adds rows to it and publishes a new snapshot.

Each session speaks Streamlit's own websocket protocol, as a browser tab does (no browser paint): it opens
the app, then changes the region filter ``--changes`` times, waiting ``--think`` seconds (seeded jitter) in
between, and once more after the concurrent run has published. Per script run it records the latency from
the request to Streamlit's "script finished", any exception the app drew, and the total the sidebar states
("… / total"). Prints first-page and filter-change p50 / p95 / max, errors, every total seen, and whether a
session saw a total other than the store's before and after the run (half-published data) or the old total
after the run had published (stale data). Loopback only; the server is started and stopped here.

    .venv/bin/python bench/app_load.py --store STORE [--sessions 20] [--changes 10] [--think 5] [--publish FILE]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from textmine.app.local_server import free_port, wait_healthy

TOTAL = re.compile(r"пікірлер: (\d+) / (\d+)")  # the sidebar's "selected: n / total" caption (kk interface)


@dataclass
class Tally:
    """What the sessions saw."""

    first_page: list[float] = field(default_factory=list)
    changes: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    totals: set[int] = field(default_factory=set)
    after_publish: list[int] = field(default_factory=list)
    narrowed: int = 0  # filter changes after which the sidebar stated fewer comments than the total


class Session:
    """One browser tab's conversation with the app, over its websocket."""

    def __init__(self, url: str) -> None:
        self.url = url.replace("http://", "ws://") + "/_stcore/stream"
        self.page_hash = ""
        self.region_id: str | None = None
        self.regions: list[str] = []

    async def __aenter__(self) -> Session:
        from websockets.asyncio.client import connect

        self.socket = await connect(self.url, subprotocols=["streamlit"], max_size=None)
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.socket.close()

    async def run(self, regions: list[str] | None = None) -> tuple[float, list[str], tuple[int, int] | None]:
        """One script run (with the region filter set to ``regions`` when given): seconds until it finished,
        the exceptions it drew, and the (selected, total) comments the sidebar stated."""
        from streamlit.proto.BackMsg_pb2 import BackMsg
        from streamlit.proto.ClientState_pb2 import ClientState
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
        from streamlit.proto.WidgetStates_pb2 import WidgetState, WidgetStates

        widgets = WidgetStates()
        if regions is not None and self.region_id:
            state = WidgetState(id=self.region_id)
            state.string_array_value.data.extend(regions)
            widgets.widgets.append(state)
        message = BackMsg(rerun_script=ClientState(page_script_hash=self.page_hash, widget_states=widgets))
        started = time.perf_counter()
        await self.socket.send(message.SerializeToString())
        errors: list[str] = []
        total = None
        while True:
            forward = ForwardMsg()
            forward.ParseFromString(await self.socket.recv())
            kind = forward.WhichOneof("type")
            if kind == "new_session":
                self.page_hash = forward.new_session.page_script_hash
            elif kind == "delta" and forward.delta.WhichOneof("type") == "new_element":
                element = forward.delta.new_element
                which = element.WhichOneof("type")
                if which == "exception":
                    errors.append(f"{element.exception.type}: {element.exception.message}")
                elif which == "multiselect" and element.multiselect.id.endswith("f_region"):
                    self.region_id, self.regions = element.multiselect.id, list(element.multiselect.options)
                elif which == "markdown" and (found := TOTAL.search(element.markdown.body)):
                    total = int(found.group(1)), int(found.group(2))
            elif kind == "script_finished":
                return time.perf_counter() - started, errors, total


async def _session(number: int, url: str, args: argparse.Namespace, tally: Tally, published: asyncio.Event) -> None:
    rng = random.Random(number)
    await asyncio.sleep(rng.uniform(0, args.think))  # tabs open over the first think time, not all at once
    async with Session(url) as tab:
        seconds, errors, stated = await tab.run()
        tally.first_page.append(seconds)
        for step in range(args.changes + 1):
            tally.errors += errors
            if stated is not None:
                tally.totals.add(stated[1])
                tally.narrowed += step > 0 and stated[0] < stated[1]
            if step == args.changes:
                break
            await asyncio.sleep(args.think * rng.uniform(0.5, 1.5))
            picked = [tab.regions[(number + step) % len(tab.regions)]] if tab.regions else []
            seconds, errors, stated = await tab.run(picked)
            tally.changes.append(seconds)
        if args.publish:
            await published.wait()
            seconds, errors, stated = await tab.run([])
            tally.errors += errors
            tally.after_publish.append(stated[1] if stated else None)


async def _load(url: str, args: argparse.Namespace) -> tuple[Tally, float | None]:
    tally, published = Tally(), asyncio.Event()
    sessions = [asyncio.create_task(_session(n, url, args, tally, published)) for n in range(args.sessions)]
    publish_seconds = None
    if args.publish:
        started = time.perf_counter()
        writer = await asyncio.create_subprocess_exec(
            str(Path(sys.executable).with_name("textmine")), "process", str(args.publish), "--store", str(args.store),
            stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL)
        if await writer.wait() != 0:
            raise RuntimeError(f"textmine process {args.publish} exited with {writer.returncode}")
        publish_seconds = time.perf_counter() - started
        published.set()
    await asyncio.gather(*sessions)
    return tally, publish_seconds


def _peak_rss_mib(pid: int) -> float | None:
    """The peak resident memory of process ``pid`` (Linux ``VmHWM``), or ``None`` where it cannot be read."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def _total(store: Path) -> int:
    from textmine.app.query import open_corpus

    return open_corpus(store).size


def _line(what: str, seconds: list[float]) -> str:
    if not seconds:
        return f"{what}: none"
    p95 = statistics.quantiles(seconds, n=20, method="inclusive")[-1] if len(seconds) > 1 else seconds[0]
    return (f"{what}: n {len(seconds)}, p50 {statistics.median(seconds):.2f} s, p95 {p95:.2f} s, "
            f"max {max(seconds):.2f} s")


def main() -> None:
    """Start the app on the store, run the sessions (and the concurrent run), print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, required=True, help="a store with a published snapshot")
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--changes", type=int, default=10, help="filter changes per session")
    parser.add_argument("--think", type=float, default=5.0, help="mean seconds between a session's changes")
    parser.add_argument("--publish", type=Path, default=None, help="a file `textmine process` adds meanwhile")
    args = parser.parse_args()
    os.chdir(ROOT)
    before = _total(args.store)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.address", "127.0.0.1", "--server.port",
         str(port), "--server.headless", "true", "--browser.gatherUsageStats", "false",
         "--server.fileWatcherType", "none"],
        env={**os.environ, "TEXTMINE_STORE": str(args.store.resolve())}, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True)
    try:
        wait_healthy(url, server, timeout=120)
        started = time.perf_counter()
        tally, publish_seconds = asyncio.run(_load(url, args))
        wall = time.perf_counter() - started
        server_peak = _peak_rss_mib(server.pid)
    finally:
        server.terminate()
        server.wait(timeout=30)
    after = _total(args.store)
    print(f"{args.sessions} sessions x {args.changes} filter changes, think {args.think:.0f} s, on {args.store} "
          f"({before} comments); {os.cpu_count()} cores; {wall:.0f} s wall; load {os.getloadavg()[0]:.1f}; "
          f"server peak RSS {server_peak or float('nan'):.0f} MiB")
    print(_line("first page", tally.first_page))
    print(_line("filter change", tally.changes) + f"; {tally.narrowed} of them narrowed the selection")
    print(f"errors drawn by the app: {len(tally.errors)}" + "".join(f"\n  {e}" for e in sorted(set(tally.errors))[:5]))
    print(f"totals seen: {sorted(tally.totals)}; store before {before}, after {after}")
    if args.publish:
        half = sorted(tally.totals - {before, after})
        stale = sum(total != after for total in tally.after_publish)
        print(f"concurrent `textmine process {args.publish.name}`: {publish_seconds:.0f} s; half-published totals: "
              f"{half or 'none'}; sessions stale after the publish: {stale} of {len(tally.after_publish)}")


if __name__ == "__main__":
    main()
