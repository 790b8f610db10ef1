"""Saving and loading fitted heads without pickle: skops files plus a JSON card of what they were fitted with.

A heads folder holds ``themes.skops``, ``zero_shot.skops``, ``polarity.skops`` and ``card.json``
(taxonomy version, embedding model id, themes, training-set size and fingerprint). Loading
refuses heads fitted against another embedding model or taxonomy version, and refuses any file whose
types are not on the allow-list below (skops never executes code from the file).
"""

from __future__ import annotations

import json
import zipfile
from dataclasses import asdict, dataclass
from pathlib import Path

import skops.io
from sklearn.base import BaseEstimator
from sklearn.feature_extraction.text import CountVectorizer

from textmine.atomic import atomic_path
from textmine.classify.model import (
    PolarityClassifier,
    TrainedThemeClassifier,
    ZeroShotThemeClassifier,
)

_FILES = {"themes": "themes.skops", "zero_shot": "zero_shot.skops", "polarity": "polarity.skops"}
# Types skops does not trust by default that our heads contain. Exact names, never prefixes: a prefix such as
# ``builtins.`` would admit ``builtins.exec``, which skops calls with arguments taken from the file.
_ALLOWED_TYPES = frozenset({
    "textmine.classify.folding.fold_text", "textmine.classify.features.lemma_terms",
    "textmine.classify.features.LexiconHits",
    "textmine.classify.model.PolarityClassifier", "textmine.classify.model.TrainedThemeClassifier",
    "textmine.classify.model.ZeroShotThemeClassifier",
})


class HeadsMismatch(RuntimeError):
    """The heads folder cannot serve this run: heads missing, fitted with another embedding model or taxonomy
    than the one in use, or holding types outside the allow-list."""


@dataclass
class HeadsCard:
    """What a set of heads was fitted with."""

    taxonomy_version: int
    embedding_model_id: str
    themes: list[str]
    polarities: list[str]
    n_train: int
    training_data_sha1: str


@dataclass
class Heads:
    """The fitted classifiers and their card."""

    card: HeadsCard
    themes: TrainedThemeClassifier
    zero_shot: ZeroShotThemeClassifier
    polarity: PolarityClassifier


def default_heads_dir() -> Path:
    """The heads folder: ``$TEXTMINE_HEADS`` or ``models/heads`` under the data root (``textmine.settings``)."""
    from textmine.settings import settings

    return settings().heads_dir


def plain_vocabularies(estimator: object) -> None:
    """Give every fitted vectorizer inside ``estimator`` a vocabulary of plain ints (in place). skops writes
    each NumPy integer as an array of its own: ~170k of them made loading the heads take ~13 s."""
    if isinstance(estimator, CountVectorizer) and hasattr(estimator, "vocabulary_"):
        estimator.vocabulary_ = {term: int(column) for term, column in estimator.vocabulary_.items()}
    if isinstance(estimator, BaseEstimator):
        parts = list(vars(estimator).values())
    elif isinstance(estimator, (list, tuple)):
        parts = list(estimator)
    else:
        return
    for part in parts:
        plain_vocabularies(part)


def save_heads(heads: Heads, folder: Path | None = None) -> None:
    """Write every head and the card atomically into ``folder`` (default: :func:`default_heads_dir`)."""
    folder = folder or default_heads_dir()
    folder.mkdir(parents=True, exist_ok=True)
    for name, filename in _FILES.items():
        plain_vocabularies(getattr(heads, name))
        with atomic_path(folder / filename) as temporary:
            skops.io.dump(getattr(heads, name), temporary, compression=zipfile.ZIP_DEFLATED, compresslevel=9)
    with atomic_path(folder / "card.json") as temporary:
        temporary.write_text(json.dumps(asdict(heads.card), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def _load_one(path: Path):
    untrusted = skops.io.get_untrusted_types(file=path)
    refused = [name for name in untrusted if name not in _ALLOWED_TYPES]
    if refused:
        raise HeadsMismatch(f"{path}: refusing to load types outside the allow-list: {', '.join(refused)}")
    return skops.io.load(path, trusted=untrusted)


def read_card(folder: Path, embedding_model_id: str, taxonomy_version: int) -> HeadsCard:
    """The card of the heads in ``folder`` (a quick read); raise ``HeadsMismatch`` if some heads are missing or
    they were fitted with another model or taxonomy."""
    if not heads_exist(folder):
        missing = [name for name in ("card.json", *_FILES.values()) if not (folder / name).exists()]
        raise HeadsMismatch(f"{folder}: no trained heads ({', '.join(missing)} missing); train them with "
                            "`textmine train`")
    card = HeadsCard(**json.loads((folder / "card.json").read_text(encoding="utf-8")))
    if card.embedding_model_id != embedding_model_id:
        raise HeadsMismatch(f"{folder}: heads were trained on embeddings of {card.embedding_model_id!r}, "
                            f"but the embedder in use is {embedding_model_id!r}; retrain with `textmine train`")
    if card.taxonomy_version != taxonomy_version:
        raise HeadsMismatch(f"{folder}: heads were trained with taxonomy version {card.taxonomy_version}, "
                            f"the taxonomy in use is version {taxonomy_version}; retrain with `textmine train`")
    return card


def load_heads(folder: Path, embedding_model_id: str, taxonomy_version: int) -> Heads:
    """Load heads from ``folder``; raise ``HeadsMismatch`` as :func:`read_card` does, or when a file holds types
    outside the allow-list."""
    return load_head_files(folder, read_card(folder, embedding_model_id, taxonomy_version))


def load_head_files(folder: Path, card: HeadsCard) -> Heads:
    """The heads in ``folder`` whose ``card`` was read (and checked) by :func:`read_card`; raise ``HeadsMismatch``
    when a file holds types outside the allow-list."""
    return Heads(card=card, **{name: _load_one(folder / filename) for name, filename in _FILES.items()})


def heads_exist(folder: Path | None = None) -> bool:
    """Whether ``folder`` (default: :func:`default_heads_dir`) holds a complete set of heads."""
    folder = folder or default_heads_dir()
    return (folder / "card.json").exists() and all((folder / f).exists() for f in _FILES.values())
