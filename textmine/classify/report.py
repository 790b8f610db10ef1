"""``textmine eval themes``: embed the labelled set, cross-validate every mode on one real set, print tables."""

from __future__ import annotations

from collections.abc import Callable

from textmine.classify.codebook import current_labels
from textmine.classify.evaluate import Evaluation, cross_validate
from textmine.classify.labels import load_labelled
from textmine.classify.taxonomy import REQUIRED_THEMES, load_taxonomy

PAIRS = {"seed": [("ru", "kk"), ("mixed", "kk"), ("kk_letterless", "kk")], "kzgov": [("kzgov_ru", "kzgov_kk")]}


def run_evaluation(folds: int = 5, evaluate: str = "seed", echo: Callable[[str], None] | None = None) -> Evaluation:
    """Cross-validate the trained, zero-shot, baseline and lexicon modes on the ``evaluate`` set (vectors
    cached in the store), every fold trained on everything but its held-out part."""
    from textmine.embed import default_embedder
    from textmine.pipeline import description_vectors, labelled_vectors
    from textmine.store import Store

    taxonomy = load_taxonomy()
    labelled = current_labels(load_labelled(), taxonomy)
    embedder = default_embedder()
    with Store() as store:
        vectors, descriptions = labelled_vectors(store, embedder, labelled, taxonomy)
        polarities = description_vectors(store, embedder, taxonomy.polarities)
    return cross_validate(labelled, vectors, taxonomy, descriptions, polarities, folds=folds, evaluate=evaluate,
                          progress=echo)


def print_evaluation(folds: int = 5, evaluate: str = "seed", echo: Callable[[str], None] = print) -> Evaluation:
    """Run the evaluation and print summary, per-theme, polarity and cross-lingual tables."""
    evaluation = run_evaluation(folds, evaluate, echo)
    counts = evaluation.labelled["variant"].value_counts().to_dict()
    echo(f"Evaluated: {evaluate} {counts}; {folds}-fold CV grouped by original text; every fold trained on the "
         f"rest (other folds, other real sets, written comments — never evaluated). "
         f"micro_*_required = over {', '.join(REQUIRED_THEMES)}; no_theme_share = comments with a required gold "
         f"theme given no theme.")
    echo("\n== Themes: summary ==\n" + evaluation.summary().to_string(index=False))
    variants = list(evaluation.labelled["variant"].unique())
    for mode in ("trained", "trained+uncertain", "lexicon"):
        for variant in variants[:2]:
            echo(f"\n== Per theme: {mode}, {variant} ==\n" + evaluation.per_theme(mode, variant).to_string())
    echo("\n== Corruption recall ==\n" + evaluation.recall_of("corruption").to_string())
    echo("\n== Polarity (trained head) ==\n" + evaluation.polarity_summary().to_string(index=False))
    echo("\n== Polarity (zero-shot: the taxonomy's polarity descriptions, no labels) ==\n"
         + evaluation.polarity_summary("zero_shot").to_string(index=False))
    for variant, original in PAIRS[evaluate]:
        for mode in ("trained", "trained+uncertain"):
            echo(f"\n== Cross-lingual consistency, {variant} vs {original} ({mode}) == "
                 f"{evaluation.crosslingual(mode, variant, original)}")
    return evaluation
