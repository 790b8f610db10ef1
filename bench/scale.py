"""Scale benchmark on a SYNTHETIC corpus: chunked pipeline, incremental +N, topic re-fit/assignment.

Prints wall time per stage, comments/s, seconds per chunk, peak RSS, store size, core count and load
average, the run estimate beside the real time (with its error), then the rates needed to extrapolate to
larger corpora. ``--compare`` runs the chunked pipeline twice on fresh stores, stages one after another and
overlapped, and says whether the two stores hold the same rows and themes. App query timings on the
resulting store: ``bench/app.py --store``.

    .venv/bin/python bench/scale.py --n 10000 [--add 1000] [--compare] [--workdir out/bench_scale] [--topics-sample 10000]
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


def _load() -> str:
    return "load " + " ".join(f"{x:.2f}" for x in os.getloadavg())


def _chunked(store, corpus: Path, embedder, annotator, chunk_rows: int, overlap: bool, label: str):
    """Estimate, run and report one chunked run; return its summary."""
    from textmine.scale.chunks import process_file
    from textmine.scale.estimate import estimate_run

    print(f"[{label}] {'overlapped' if overlap else 'sequential'}; {_load()}")
    started = time.perf_counter()
    estimate = estimate_run(store, corpus, embedder, chunk_rows, annotator=annotator)
    calibration = time.perf_counter() - started
    print(f"  {estimate.line()}  [calibration {calibration:.1f} s]")
    summary = process_file(store, corpus, embedder, chunk_rows=chunk_rows, annotator=annotator, overlap=overlap)
    print("\n".join("  " + line for line in summary.lines()))
    print(f"  {summary.comments / summary.seconds:.0f} comments/s; seconds per chunk: "
          + ", ".join(f"{s:.1f}" for s in summary.chunk_seconds))
    error = estimate.seconds / summary.seconds - 1 if summary.seconds else 0.0
    print(f"  estimate {estimate.seconds:.1f} s vs real {summary.seconds:.1f} s: error {error:+.0%}; {_load()}")
    return summary


def _same_output(first: Path, second: Path) -> bool:
    """Whether two stores hold the same comments and themes (compared in key order)."""
    from textmine.store import Store

    def tables(path: Path) -> list:
        with Store(path, read_only=True) as store:
            return [store.connection.execute(f"SELECT * FROM {t} ORDER BY {k}").df()
                    for t, k in (("comments", "source_file, source_line"), ("comment_themes", "id"))]

    return all(a.equals(b) for a, b in zip(tables(first), tables(second), strict=True))


def main() -> None:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--add", type=int, default=1_000, help="rows of the incremental run")
    parser.add_argument("--chunk-rows", type=int, default=10_000)
    parser.add_argument("--topics-sample", type=int, default=10_000)
    parser.add_argument("--compare", action="store_true", help="also run the pipeline sequentially and compare")
    parser.add_argument("--workdir", type=Path, default=ROOT / "out" / "bench_scale")
    args = parser.parse_args()
    os.chdir(ROOT)
    from textmine.classify.annotator import ThemeAnnotator
    from textmine.embed import default_embedder
    from textmine.scale.dedup import duplicate_report
    from textmine.scale.incremental import assign_new_comments, refit_topics
    from textmine.scale.synth import synth_corpus, write_synth
    from textmine.store import Store

    args.workdir.mkdir(parents=True, exist_ok=True)
    print(f"machine: {os.cpu_count()} cores, {_load()} at start")
    started = time.perf_counter()
    corpus = write_synth(args.n, 0, args.workdir / f"synthetic_{args.n}.parquet")
    print(f"synth {args.n}: {time.perf_counter() - started:.1f} s")
    print(duplicate_report(synth_corpus(args.n, 0)["text"].tolist(), top=0).lines()[0])
    embedder = default_embedder()
    started = time.perf_counter()
    annotator = ThemeAnnotator(embedder)
    print(f"load heads: {time.perf_counter() - started:.1f} s")
    stores = {overlap: args.workdir / f"scale_{args.n}{'' if overlap else '_sequential'}.duckdb"
              for overlap in ((False, True) if args.compare else (True,))}
    for overlap, path in stores.items():
        path.unlink(missing_ok=True)
        with Store(path) as store:
            summary = _chunked(store, corpus, embedder, annotator, args.chunk_rows, overlap, f"{args.n} rows")
    if args.compare:
        print(f"sequential and overlapped stores hold the same comments and themes: {_same_output(*stores.values())}")
    print(f"  per row {summary.seconds / args.n * 1000:.2f} ms; per new distinct text "
          f"{(summary.stage_seconds['embed'] + summary.stage_seconds['annotate']) / max(summary.new_texts, 1) * 1000:.1f} ms "
          "(embed+annotate)")
    with Store(stores[True]) as store:
        started = time.perf_counter()
        refit_topics(store, embedder, sample=args.topics_sample)
        print(f"topics refit (sample {min(args.topics_sample, args.n)}) + assign all: {time.perf_counter() - started:.1f} s")
        added = write_synth(args.add, 1, args.workdir / f"synthetic_add_{args.add}.parquet")
        started = time.perf_counter()
        more = _chunked(store, added, embedder, annotator, args.chunk_rows, True, f"incremental +{args.add}")
        drift = assign_new_comments(store, embedder)
        print(f"incremental +{args.add} with its estimate and topic assignment: {time.perf_counter() - started:.1f} s "
              f"({more.new_texts} new distinct texts)")
        print("  " + drift.lines()[0])
    print(f"store size: {stores[True].stat().st_size / 1024**2:.0f} MiB; peak RSS {_peak_rss_gb():.2f} GiB; "
          f"{_load()} at end")
    print(f"app queries on this store: .venv/bin/python bench/app.py --store {stores[True]}")


if __name__ == "__main__":
    main()
