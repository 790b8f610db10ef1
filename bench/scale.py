"""Scale benchmark on a SYNTHETIC corpus: chunked pipeline, incremental +N, topic re-fit/assignment.

Prints wall time per stage, peak RSS, store size, core count and load average, then the rates needed
to extrapolate to larger corpora. App query timings on the resulting store: ``bench/app.py --store``.

    .venv/bin/python bench/scale.py --n 10000 [--add 1000] [--workdir out/bench_scale] [--topics-sample 10000]
"""

from __future__ import annotations

import argparse
import os
import resource
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _peak_rss_gb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2


def main() -> None:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--add", type=int, default=1_000, help="rows of the incremental run")
    parser.add_argument("--chunk-rows", type=int, default=10_000)
    parser.add_argument("--topics-sample", type=int, default=10_000)
    parser.add_argument("--workdir", type=Path, default=ROOT / "out" / "bench_scale")
    args = parser.parse_args()
    os.chdir(ROOT)
    from textmine.classify.annotator import ThemeAnnotator
    from textmine.embed import default_embedder
    from textmine.scale.chunks import process_file
    from textmine.scale.dedup import duplicate_report
    from textmine.scale.incremental import assign_new_comments, refit_topics
    from textmine.scale.synth import synth_corpus, write_synth
    from textmine.store import Store

    args.workdir.mkdir(parents=True, exist_ok=True)
    store_path = args.workdir / f"scale_{args.n}.duckdb"
    store_path.unlink(missing_ok=True)
    print(f"machine: {os.cpu_count()} cores, load average at start {os.getloadavg()}")
    started = time.perf_counter()
    corpus = write_synth(args.n, 0, args.workdir / f"synthetic_{args.n}.parquet")
    print(f"synth {args.n}: {time.perf_counter() - started:.1f} s")
    print(duplicate_report(synth_corpus(args.n, 0)["text"].tolist(), top=0).lines()[0])
    embedder = default_embedder()
    started = time.perf_counter()
    annotator = ThemeAnnotator(embedder)
    print(f"load heads: {time.perf_counter() - started:.1f} s")
    with Store(store_path) as store:
        summary = process_file(store, corpus, embedder, chunk_rows=args.chunk_rows, annotator=annotator)
        print("\n".join(summary.lines()))
        print(f"  per row {summary.seconds / args.n * 1000:.2f} ms; per new distinct text "
              f"{summary.stage_seconds['annotate'] / max(summary.new_texts, 1) * 1000:.1f} ms (embed+classify)")
        started = time.perf_counter()
        refit_topics(store, embedder, sample=args.topics_sample)
        print(f"topics refit (sample {min(args.topics_sample, args.n)}) + assign all: {time.perf_counter() - started:.1f} s")
        added = write_synth(args.add, 1, args.workdir / f"synthetic_add_{args.add}.parquet")
        started = time.perf_counter()
        more = process_file(store, added, embedder, chunk_rows=args.chunk_rows, annotator=annotator)
        drift = assign_new_comments(store, embedder)
        print(f"incremental +{args.add}: {time.perf_counter() - started:.1f} s ({more.new_texts} new distinct texts)")
        print("  " + drift.lines()[0])
    print(f"store size: {store_path.stat().st_size / 1024**2:.0f} MiB; peak RSS {_peak_rss_gb():.2f} GiB; "
          f"load average at end {os.getloadavg()}")
    print(f"app queries on this store: .venv/bin/python bench/app.py --store {store_path}")


if __name__ == "__main__":
    main()
