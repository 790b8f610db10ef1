"""App timings on a synthetic store (seed comments recombined, keyword themes; 100,000 by default).

Measures, in one fresh process: building the store and publishing its snapshot with the read model
(setup, not a target), opening the read model, the first page (cold caches: the whole script incl.
opening), and then reruns after a filter change, a page switch and a full-text search, each repeated.
Timings are AppTest script runs (server side, no browser paint). Targets (issue 9, 1M comments):
first page < 2 s, filter change < 0.3 s. With ``--time-save`` it also times saving one review decision
(the Review page's write: store + snapshot refresh) — this adds a feedback row to the store.

    .venv/bin/python bench/app.py [--n 100000] [--store out/bench_app.duckdb] [--rebuild] [--time-save]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _timed(action) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def main() -> None:
    """Build (or reuse) the store, then print the timings."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--store", type=Path, default=ROOT / "out" / "bench_app.duckdb")
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--time-save", action="store_true", help="also time saving a review decision (writes it)")
    args = parser.parse_args()
    os.chdir(ROOT)
    from textmine.app.demo import build_demo_store

    if args.rebuild or not args.store.exists():
        args.store.unlink(missing_ok=True)
        args.store.parent.mkdir(parents=True, exist_ok=True)
        print(f"build store, {args.n} comments: {_timed(lambda: build_demo_store(args.store, n=args.n)):.1f} s")
    os.environ["TEXTMINE_STORE"] = str(args.store)

    from textmine.app.query import Selection, open_corpus, value_counts

    corpus = open_corpus(args.store)
    print(f"store: {corpus.size} comments, {len(corpus.services)} services, "
          f"{args.store.stat().st_size / 2**20:.0f} MiB (+ snapshot with read model)")
    print(f"open_corpus alone: {_timed(lambda: open_corpus(args.store)):.3f} s")

    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    print(f"first page (Overview, cold caches): {_timed(at.run):.2f} s")
    assert not at.exception, at.exception
    regions = value_counts(corpus, Selection(), "region", limit=5)["value"].tolist()
    filter_times = [_timed(at.sidebar.multiselect(key="f_region").set_value([region]).run) for region in regions]
    print(f"filter change on Overview (region), median of {len(regions)}: {statistics.median(filter_times):.3f} s "
          f"(max {max(filter_times):.3f})")
    for page in ("quotes", "themes", "services", "crosstab", "review"):
        switch = _timed(at.sidebar.radio(key="page").set_value(page).run)
        at.sidebar.multiselect(key="f_region").set_value([]).run()
        times = [_timed(at.sidebar.multiselect(key="f_region").set_value([region]).run) for region in regions]
        assert not at.exception, at.exception
        print(f"{page:9s} page switch {switch:.3f} s; filter change median {statistics.median(times):.3f} s (max {max(times):.3f})")
    at.sidebar.radio(key="page").set_value("quotes").run()
    search = [_timed(at.text_input(key="q_text").input(word).run) for word in ("кезек", "мерзім ұзақ", "құжат")]
    print(f"full-text search on Quotes, median of 3: {statistics.median(search):.3f} s")
    if args.time_save:
        from textmine.app.data import decisions, save_feedback
        from textmine.app.query import rows

        page = rows(corpus, Selection(), limit=100)
        first = page[page["themes"] != ""].iloc[0]
        themes = first["themes"].split(";")
        decision = decisions(first["id"], themes, themes[:1], first["polarity"], first["polarity"])
        print(f"save one review decision (store write + snapshot refresh): "
              f"{_timed(lambda: save_feedback(args.store, decision)):.2f} s")
    print(f"peak RSS of the process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB; "
          f"{os.cpu_count()} cores")


if __name__ == "__main__":
    main()
