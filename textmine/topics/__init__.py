"""Unsupervised topic discovery: clusters of comment embeddings with readable Kazakh/Russian labels."""

from textmine.topics.cluster import OUTLIER, TopicClusterer
from textmine.topics.discover import Topics, discover_topics
from textmine.topics.evaluate import agreement, shape
from textmine.topics.keywords import class_tfidf, label, representatives
from textmine.topics.lemmas import content_lemmas, guess_language
from textmine.topics.ru_labels import (
    RuReference,
    nearest_ru_labels,
    ru_reference,
    taxonomy_ru_phrases,
)
from textmine.topics.themes import relate_to_themes

__all__ = [
    "OUTLIER",
    "RuReference",
    "TopicClusterer",
    "Topics",
    "agreement",
    "class_tfidf",
    "content_lemmas",
    "discover_topics",
    "guess_language",
    "label",
    "nearest_ru_labels",
    "relate_to_themes",
    "representatives",
    "ru_reference",
    "shape",
    "taxonomy_ru_phrases",
]
