"""Classification cost per new text, by step, with the shipped heads (embedding excluded: see bench/embed.py).

Embeds N distinct texts of the SYNTHETIC corpus first (not timed), then times on fresh memos: the features'
text analysis (spaCy lemmas, once per text), theme scores (char / word / lemma TF-IDF, codebook lexicon,
embedding, heads), polarity, the uncertain rule and the evidence words.

    .venv/bin/python bench/classify.py [--n 2000] [--seed 3]
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    """Run the benchmark and print milliseconds per text for each step."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=3)
    args = parser.parse_args()
    os.chdir(ROOT)
    from textmine.classify import features
    from textmine.classify.annotator import ThemeAnnotator, assigned, uncertain_rows
    from textmine.classify.evidence import theme_evidence
    from textmine.embed import default_embedder
    from textmine.scale.synth import synth_corpus

    texts = list(dict.fromkeys(synth_corpus(args.n * 3, seed=args.seed)["text"]))[: args.n]
    embedder = default_embedder()
    vectors = embedder.embed(texts, show_progress=False)
    annotator = ThemeAnnotator(embedder)
    features._ANALYSES.clear()
    timings = {}
    started = time.perf_counter()
    frame = features.feature_frame(texts, vectors)
    timings["analysis (lemmas, once per text)"] = time.perf_counter() - started
    started = time.perf_counter()
    scores = annotator.heads.themes.predict_scores(frame)
    timings["theme scores"] = time.perf_counter() - started
    started = time.perf_counter()
    polarity = annotator.heads.polarity.predict(frame)
    timings["polarity"] = time.perf_counter() - started
    started = time.perf_counter()
    uncertain = uncertain_rows(scores, polarity)
    chosen = assigned(scores, uncertain)
    timings["uncertain rule"] = time.perf_counter() - started
    started = time.perf_counter()
    theme_evidence(texts, chosen, annotator.heads.card.themes, annotator.taxonomy.lexicon_data(),
                   annotator.heads.themes, scores)
    timings["evidence"] = time.perf_counter() - started
    total = sum(timings.values())
    print(f"{len(texts)} distinct synthetic texts, {os.cpu_count()} CPUs; milliseconds per text:")
    for step, seconds in timings.items():
        print(f"  {step:34s} {seconds / len(texts) * 1000:7.2f}")
    print(f"  {'total classification':34s} {total / len(texts) * 1000:7.2f}")
    print(f"uncertain (best guess) share: {uncertain.mean():.1%}; themed: {(chosen.sum(axis=1) > 0).mean():.1%}")


if __name__ == "__main__":
    main()
