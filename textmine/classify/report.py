"""``textmine eval themes``: embed the labelled set, cross-validate every mode, print the tables."""

from __future__ import annotations

from collections.abc import Callable

from textmine.classify.evaluate import Evaluation, cross_validate
from textmine.classify.labels import load_labelled
from textmine.classify.taxonomy import REQUIRED_THEMES, load_taxonomy


def run_evaluation(folds: int = 5) -> Evaluation:
    """Cross-validate the trained, zero-shot and baseline modes on the labelled set (vectors cached in the store)."""
    from textmine.embed import default_embedder
    from textmine.pipeline import labelled_vectors
    from textmine.store import Store

    taxonomy = load_taxonomy()
    labelled = load_labelled()
    with Store() as store:
        vectors, descriptions = labelled_vectors(store, default_embedder(), labelled, taxonomy)
    return cross_validate(labelled, vectors, taxonomy, descriptions, folds=folds)


def print_evaluation(folds: int = 5, echo: Callable[[str], None] = print) -> Evaluation:
    """Run the evaluation and print summary, per-theme, polarity and cross-lingual tables."""
    evaluation = run_evaluation(folds)
    echo(f"Labelled texts: {evaluation.labelled['variant'].value_counts().to_dict()}; {folds}-fold CV grouped by "
         f"original quote. micro_f1_required = micro-F1 over {', '.join(REQUIRED_THEMES)}.")
    echo("\n== Themes: summary ==\n" + evaluation.summary().to_string(index=False))
    for mode in ("trained", "zero_shot", "baseline"):
        for variant in ("kk", "ru"):
            echo(f"\n== Per theme: {mode}, {variant} ==\n" + evaluation.per_theme(mode, variant).to_string())
    echo("\n== Polarity (trained head) ==\n" + evaluation.polarity_summary().to_string(index=False))
    for variant in ("ru", "mixed", "kk_letterless"):
        echo(f"\n== Cross-lingual consistency, {variant} renderings vs Kazakh originals (trained) == "
             f"{evaluation.crosslingual('trained', variant)}")
    return evaluation
