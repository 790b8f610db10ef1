"""App timings against the targets of issue 18: first page < 2 s, any filter change < 0.3 s, every page's
first visit < 1.5 s.

By default on a copy of the bundled store (986 quotes, with its cached vectors), snapshot published; with
``--n N`` on a synthetic store (seed comments recombined, keyword themes). Measured in one fresh process with
Streamlit's AppTest (server-side script runs, no browser paint): the first page (cold caches), a new session
on the warm process, filter changes (region, theme), the interface-language switch, each page's first
visit, and the full-text search (the first builds the word index). ``--think S`` waits S seconds after the
first page and before each first visit, as a user reading the page would (the app warms heavy imports
and the word index in the background meanwhile); 0 fires every step at once. The load average is printed
beside, since the machine may be shared. With ``--time-save`` it also times saving one review decision (this adds
a feedback row to the store).

    .venv/bin/python bench/app.py [--think 3] [--n 100000] [--store out/bench_app.duckdb] [--rebuild] [--time-save]
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGETS = {"first page": 2.0, "new session": 2.0, "filter change": 0.3, "first visit": 1.5}


def _timed(action) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def _prepare(args: argparse.Namespace) -> Path:
    """The store to time: a published copy of the bundled store, or a synthetic one of ``--n`` comments."""
    from textmine.store import Store

    if args.rebuild or not args.store.exists():
        args.store.unlink(missing_ok=True)
        args.store.parent.mkdir(parents=True, exist_ok=True)
        if args.n is None:
            shutil.copy(ROOT / "data" / "textmine.duckdb", args.store)
            with Store(args.store):  # a writable open publishes the snapshot with the read model
                pass
        else:
            from textmine.app.demo import build_demo_store

            print(f"build store, {args.n} comments: {_timed(lambda: build_demo_store(args.store, n=args.n)):.1f} s")
    return args.store


def _row(what: str, seconds: float, target: str) -> None:
    limit = TARGETS[target]
    print(f"| {what:38s} | {seconds:7.3f} | < {limit:.1f} | {'ok' if seconds < limit else 'OVER'} | "
          f"{os.getloadavg()[0]:.1f} |")


def main() -> None:
    """Prepare the store, then print the timings as a Markdown table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=None, help="synthetic store of N comments (default: the bundled store)")
    parser.add_argument("--store", type=Path, default=None)
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--think", type=float, default=0.0, help="seconds a user reads before the next page")
    parser.add_argument("--time-save", action="store_true", help="also time saving a review decision (writes it)")
    args = parser.parse_args()
    args.store = args.store or ROOT / "out" / ("bench_app_bundled.duckdb" if args.n is None else "bench_app.duckdb")
    os.chdir(ROOT)
    store = _prepare(args)
    os.environ["TEXTMINE_STORE"] = str(store)

    from streamlit.testing.v1 import AppTest
    from streamlit.util import calc_hash

    from textmine.app.main import PAGES
    from textmine.app.query import Selection, open_corpus, value_counts

    corpus = open_corpus(store)
    print(f"store {store}: {corpus.size} comments, {len(corpus.services)} services; {os.cpu_count()} cores")
    print("| step | seconds | target | | load avg (1 min) |\n|---|---|---|---|---|")
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
    _row("first page (Overview, cold process)", _timed(at.run), "first page")
    assert not at.exception, at.exception
    time.sleep(args.think)
    fresh = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
    _row("new session, warm process", _timed(fresh.run), "new session")
    regions = value_counts(corpus, Selection(), "region", limit=5)["value"].tolist()
    times = [_timed(at.sidebar.multiselect(key="f_region").set_value([region]).run) for region in regions]
    _row(f"filter change, region (median of {len(times)})", statistics.median(times), "filter change")
    themes = corpus.theme_ids[:5]
    times = [_timed(at.sidebar.multiselect(key="f_theme").set_value([theme]).run) for theme in themes]
    _row(f"filter change, theme (median of {len(times)})", statistics.median(times), "filter change")
    times = [_timed(at.sidebar.radio(key="ui_lang").set_value(lang).run) for lang in ("ru", "en", "kk")]
    _row("interface language switch (median of 3)", statistics.median(times), "filter change")
    at.sidebar.multiselect(key="f_theme").set_value([]).run()
    for name, _ in PAGES[1:]:
        time.sleep(args.think)
        at._page_hash = calc_hash(name)  # what a browser at /<name> asks for (AppTest switches only file pages)
        _row(f"first visit: {name}", _timed(at.run), "first visit")
        assert not at.exception, at.exception
        times = [_timed(at.sidebar.multiselect(key="f_region").set_value([region]).run) for region in regions[:3]]
        _row(f"  filter change on {name} (median of 3)", statistics.median(times), "filter change")
    at._page_hash = calc_hash("quotes")
    at.run()
    time.sleep(args.think)
    _row("first full-text search (builds word index)", _timed(at.text_input(key="q_text").input("кезек").run),
         "first visit")
    times = [_timed(at.text_input(key="q_text").input(word).run) for word in ("мерзім ұзақ", "құжат", "портал")]
    _row("full-text search (median of 3)", statistics.median(times), "filter change")
    if args.time_save:
        from textmine.app.data import decisions, save_feedback
        from textmine.app.query import rows

        page = rows(corpus, Selection(), limit=100)
        first = page[page["themes"] != ""].iloc[0]
        themes = first["themes"].split(";")
        decision = decisions(first["id"], themes, themes[:1], first["polarity"], first["polarity"], "bench")
        print(f"save one review decision (store write + snapshot refresh): "
              f"{_timed(lambda: save_feedback(store, decision)):.2f} s")
    print(f"peak RSS of the process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")


if __name__ == "__main__":
    main()
