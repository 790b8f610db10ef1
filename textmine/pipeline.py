"""Orchestration: runs the stages in order and writes their results to the store. Holds no stage logic."""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from textmine import schema
from textmine.atomic import write_table
from textmine.langid import tag_languages
from textmine.store import Store

if TYPE_CHECKING:
    from textmine.classify.persist import Heads
    from textmine.classify.taxonomy import Described, Taxonomy
    from textmine.embed import Embedder
    from textmine.ingest.table import TableParse
    from textmine.insights.brief import Brief

BUNDLED_REPORT = Path("data/reports/monitoring_report_2018_kk.txt")
BUNDLED_DIR = Path("data/comments")


@dataclass
class IngestSummary:
    """What one ingest did: rows in, comments kept, rows rejected (by reason), seconds taken."""

    source_file: str
    rows_in: int
    comments: int
    rejected: int
    reject_reasons: dict[str, int] = field(default_factory=dict)
    services: int = 0
    seconds: float = 0.0

    def lines(self) -> list[str]:
        """Human-readable summary lines."""
        out = [
            f"{self.source_file}: {self.rows_in} rows in -> {self.comments} comments, {self.rejected} rejected"
            + (f", {self.services} services" if self.services else "")
            + f" ({self.seconds:.1f} s)"
        ]
        out += [f"  rejected: {count} x {reason}" for reason, count in self.reject_reasons.items()]
        return out


def with_languages(comments: pd.DataFrame) -> pd.DataFrame:
    """Return ``comments`` with ``lang`` and ``lang_confidence`` filled by the language tagger."""
    tagged = tag_languages(comments["text"].tolist())
    return comments.assign(lang=tagged["lang"].to_numpy(), lang_confidence=tagged["lang_confidence"].to_numpy())


def for_store(comments: pd.DataFrame, rejects: pd.DataFrame,
              keep_raw: bool = False) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``comments`` and ``rejects`` as the store keeps them: personal data masked in what respondents wrote
    (:data:`textmine.privacy.STORED_TEXT`), the originals kept only on ``keep_raw`` (store only: every table
    written out masks them again)."""
    from textmine.privacy import STORED_TEXT, without_personal_data

    return (without_personal_data(comments, keep_raw, STORED_TEXT),
            without_personal_data(rejects, keep_raw, STORED_TEXT))


def _reason_counts(rejects: pd.DataFrame) -> dict[str, int]:
    # Reasons may carry specifics after a colon ("rating '6' outside 1-5"); group on the whole text.
    return {str(k): int(v) for k, v in rejects["reason"].value_counts().head(10).items()}


def ingest_report(store: Store, path: Path, keep_raw: bool = False) -> IngestSummary:
    """Parse a monitoring report, mask personal data (unless ``keep_raw``), tag languages, and replace its rows
    (and the services and aspect-score tables) in the store."""
    from textmine.ingest.report import parse_report
    from textmine.ingest.report_aspects import parse_aspects

    started = time.perf_counter()
    parsed = parse_report(Path(path))
    comments, rejects = for_store(parsed.comments, parsed.rejects, keep_raw)
    comments = with_languages(comments)
    store.replace_source(Path(path).name, comments, rejects)
    store.replace_services(parsed.services)
    store.replace_aspects(parse_aspects(Path(path)))
    return IngestSummary(
        source_file=Path(path).name,
        rows_in=len(comments) + len(rejects),
        comments=len(comments),
        rejected=len(rejects),
        reject_reasons=_reason_counts(rejects),
        services=len(parsed.services),
        seconds=time.perf_counter() - started,
    )


def ingest_table(store: Store, path: Path, column_map: Mapping[str, str] | None = None,
                 keep_raw: bool = False) -> IngestSummary:
    """Read a survey export, mask personal data (unless ``keep_raw``), tag languages, and replace its rows in
    the store."""
    from textmine.ingest.table import read_table

    started = time.perf_counter()
    return _store_parsed(store, Path(path).name, read_table(Path(path), column_map=column_map), keep_raw, started)


def _store_parsed(store: Store, source_file: str, parsed: TableParse, keep_raw: bool, started: float) -> IngestSummary:
    """Mask, tag languages and replace ``source_file``'s rows in the store with a parsed table."""
    comments, rejects = for_store(parsed.comments, parsed.rejects, keep_raw)
    comments = with_languages(comments)
    store.replace_source(source_file, comments, rejects)
    return IngestSummary(
        source_file=source_file,
        rows_in=parsed.rows_in,
        comments=len(comments),
        rejected=len(rejects),
        reject_reasons=_reason_counts(rejects),
        seconds=time.perf_counter() - started,
    )


@dataclass
class QdpxImport:
    """What importing a ``.qdpx`` project did: the ingest, how its codes map, the labels and memos written."""

    ingest: IngestSummary
    codes: pd.DataFrame
    coded_comments: int
    decisions: int
    memos: int

    def lines(self) -> list[str]:
        """Human-readable summary lines, the proposed new themes included."""
        codable = self.codes[self.codes["how"] != "group"]
        mapped = codable[codable["how"] != "new"]
        out = [*self.ingest.lines(), f"codes: {len(mapped)} of {len(codable)} mapped onto the taxonomy"]
        out += [f"  {row.name!r} -> {row.theme if pd.notna(row.theme) else 'polarity ' + row.polarity} (by {row.how})"
                for row in mapped.itertuples()]
        out += [f"  {row.name!r}: no such theme; proposed new theme '{row.proposed_id}' (add it with the "
                "app's discovery page or edit the taxonomy, then import again)"
                for row in codable[codable["how"] == "new"].itertuples()]
        out.append(f"labels: {self.coded_comments} coded comments -> {self.decisions} new decisions in "
                   "label_feedback (used by `textmine train`)")
        out.append(f"memos: {self.memos} notes kept as memos")
        return out


def ingest_qdpx(store: Store, path: Path, keep_raw: bool = False) -> QdpxImport:
    """Import a REFI-QDA project: its text sources through the survey-table ingest (masking, language tags,
    rejects), its codes mapped onto the taxonomy, its codings as analyst feedback for training and its
    notes as memos (:mod:`textmine.ingest.qdpx`, :mod:`textmine.ingest.qdpx_codes`)."""
    from textmine.classify.taxonomy import load_taxonomy
    from textmine.ingest.qdpx import TEXT_COLUMN, read_qdpx
    from textmine.ingest.qdpx_codes import (
        coded_labels,
        label_decisions,
        map_codes,
        note_memos,
    )
    from textmine.ingest.table import parse_raw
    from textmine.memos import save_memo

    started = time.perf_counter()
    path = Path(path)
    project, taxonomy = read_qdpx(path), load_taxonomy()
    parsed = parse_raw(path, project.raw_table(), {TEXT_COLUMN: "text"})
    summary = _store_parsed(store, path.name, parsed, keep_raw, started)
    comment_ids = pd.Series(store.read("comments", "source_file = ?", [path.name]).set_index("source_line")["id"])
    by_source = pd.Series({project.sources["guid"].iloc[line - 1]: comment for line, comment in comment_ids.items()},
                          dtype=object)
    mapped = map_codes(project.codes, taxonomy)
    labels = coded_labels(project.codings, mapped)
    decisions = label_decisions(labels, by_source, taxonomy)
    key = ["comment_id", "theme", "decision", "polarity"]
    seen = set(store.read("label_feedback")[key].fillna("").astype(str).itertuples(index=False, name=None))
    fresh = decisions.loc[[row not in seen for row in decisions[key].fillna("").astype(str).itertuples(index=False, name=None)]]
    if len(fresh):
        store.add_feedback(fresh)
    memos = note_memos(project.notes, by_source, mapped)
    for memo in memos.itertuples():
        save_memo(store, memo.target_kind, memo.target_id, memo.author, memo.text, memo.at)
    return QdpxImport(summary, mapped, int(labels["source"].isin(by_source.index).sum()), len(fresh), len(memos))


def comment_vectors(store: Store, embedder: Embedder, comments: pd.DataFrame | None = None) -> tuple[pd.DataFrame, np.ndarray]:
    """The store's comments (or ``comments``) and their vectors, embedding only texts not cached yet."""
    from textmine.embed.cache import embed_with_cache

    comments = store.read("comments") if comments is None else comments
    return comments, embed_with_cache(store, embedder, comments["text"].tolist())


def classify_comments(store: Store, embedder: Embedder, mode: str = "auto") -> pd.DataFrame:
    """Assign themes, scores and polarity to every comment in the store; return the theme rows written."""
    from textmine.classify.annotator import ThemeAnnotator

    comments, vectors = comment_vectors(store, embedder)
    annotated = ThemeAnnotator(embedder, mode=mode).annotate(comments["text"].tolist(), vectors)
    themes = annotated.assign(id=comments["id"].to_numpy())[list(schema.COMMENT_THEMES.columns)]
    store.replace_themes(themes)
    return themes


def description_vectors(store: Store, embedder: Embedder, items: Sequence[Described]) -> list[np.ndarray]:
    """Per taxonomy theme or polarity, the vectors of its descriptions (through the store's cache)."""
    from textmine.embed.cache import embed_with_cache

    return [embed_with_cache(store, embedder, item.descriptions(), show_progress=False) for item in items]


def labelled_vectors(store: Store, embedder: Embedder, labelled: pd.DataFrame,
                     taxonomy: Taxonomy) -> tuple[np.ndarray, list[np.ndarray]]:
    """Vectors of the labelled texts and, per theme, of its descriptions (both through the store's cache)."""
    from textmine.embed.cache import embed_with_cache

    vectors = embed_with_cache(store, embedder, labelled["text"].tolist())
    return vectors, description_vectors(store, embedder, taxonomy.themes)


def train_heads_from_labels(store: Store, embedder: Embedder, heads_dir: Path | None = None) -> Heads:
    """Train the heads on the labelled set plus analysts' feedback in the store, and save them."""
    from textmine.classify.codebook import current_feedback, current_labels
    from textmine.classify.labels import load_labelled
    from textmine.classify.persist import save_heads
    from textmine.classify.taxonomy import load_taxonomy
    from textmine.classify.train import apply_feedback, train_heads

    taxonomy = load_taxonomy()
    labelled = apply_feedback(current_labels(load_labelled(), taxonomy), store.read("comments"),
                              store.read("comment_themes"), current_feedback(store.read("label_feedback"), taxonomy))
    vectors, descriptions = labelled_vectors(store, embedder, labelled, taxonomy)
    heads = train_heads(labelled, vectors, taxonomy, descriptions, embedder.model_id)
    save_heads(heads, heads_dir)
    return heads


def export_bundled(store: Store, out_dir: Path = BUNDLED_DIR) -> list[Path]:
    """Write the store's comments (with their themes), services, aspect scores, rejects and (once ranked)
    recommendations as the bundled CSV dataset (personal data masked, :func:`textmine.atomic.write_table`)."""
    from textmine.insights.brief import recommendations_table

    themes = store.read("comment_themes").drop(columns=["theme_mode"])
    tables = {
        "comments": store.read("comments").merge(themes, on="id", how="left"),
        "services": store.read("services"),
        "aspect_scores": store.read("aspect_scores"),
        "rejects": store.read("rejects"),
    }
    ranked, quotes = stored_priorities(store)
    if len(ranked):
        tables["recommendations"] = recommendations_table(ranked, quotes)
    order = {"comments": ["service_no", "source_line"], "services": ["service_no"],
             "aspect_scores": ["service_no", "source_line", "aspect"], "rejects": ["source_file", "source_line"],
             "recommendations": ["service_no", "kind", "rank"]}
    written = []
    for table, frame in tables.items():
        target = Path(out_dir) / f"{table}.csv"
        write_table(frame.sort_values(order[table], kind="stable").reset_index(drop=True), target)
        written.append(target)
    return written


def rank_priorities(store: Store, embedder: Embedder) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Rank every service's problems and strengths (comments, aspect scores), pick each ranked theme's quotes,
    and store both as the derived tables ``priorities`` and ``priority_quotes``."""
    from textmine.insights.brief import priority_quotes
    from textmine.insights.priority import priorities

    coded = themed_comments(store)
    _, vectors = comment_vectors(store, embedder, coded)
    ranked = priorities(coded, store.read("services"), store.read("aspect_scores"))
    quotes = priority_quotes(ranked, coded, vectors)
    store.replace_derived("priorities", ranked)
    store.replace_derived("priority_quotes", quotes)
    return ranked, quotes


def stored_priorities(store: Store) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The ``priorities`` and ``priority_quotes`` written by :func:`rank_priorities` (empty when never run)."""
    ranked = store.read_derived("priorities")
    ranked.attrs["by"] = "service_no"
    return ranked, store.read_derived("priority_quotes")


def service_briefs(store: Store, embedder: Embedder, service_nos: list[int] | None = None,
                   lang: str = "kk") -> list[Brief]:
    """Evidence briefs of the given services (all ranked services when None) in ``lang``, from the stored
    priorities and quotes (ranked first, with ``embedder``, when the store has none)."""
    from textmine.insights.brief import Evidence, StoredQuotes, service_brief

    ranked, quotes = stored_priorities(store)
    if not len(ranked):
        ranked, quotes = rank_priorities(store, embedder)
    coded = themed_comments(store)
    services, aspects = store.read("services"), store.read("aspect_scores")
    known = sorted(int(n) for n in ranked["service_no"].unique())
    wanted = known if service_nos is None else service_nos
    unknown = sorted(set(wanted) - set(known))
    if unknown:
        raise ValueError(f"no ranked themes for service(s) {unknown}; services with comments: {known[0]}-{known[-1]}")
    evidence = Evidence(ranked, coded, StoredQuotes(quotes), services, aspects)
    return [service_brief(n, evidence, lang=lang) for n in wanted]


def themed_comments(store: Store) -> pd.DataFrame:
    """The store's comments joined with their themes, scores and polarity."""
    from textmine.insights import join_themes

    return join_themes(store.read("comments"), store.read("comment_themes"))


def subset(coded: pd.DataFrame, service_no: int | None = None, region: str | None = None,
           theme: str | None = None) -> pd.DataFrame:
    """Comments of one service, region and/or theme (all when no filter is given)."""
    from textmine.insights import filter_comments

    equals = {k: v for k, v in {"service_no": service_no, "region": region}.items() if v is not None}
    return filter_comments(coded, theme=theme, **equals).reset_index(drop=True)


def discover_store_topics(store: Store, embedder: Embedder, n_clusters: int | None = None, n_groups: int = 5,
                          service_no: int | None = None, region: str | None = None,
                          theme: str | None = None) -> pd.DataFrame:
    """Cluster the (filtered) comments, relate clusters to themes, store and return the cluster table."""
    import json

    from textmine.classify.labels import split_themes
    from textmine.topics import (
        TopicClusterer,
        discover_topics,
        relate_to_themes,
        ru_reference,
    )

    comments = subset(themed_comments(store), service_no, region, theme)
    if len(comments) < 10:
        raise ValueError(f"only {len(comments)} comments match the filter; topics need at least 10")
    _, vectors = comment_vectors(store, embedder, comments)
    topics = discover_topics(comments, vectors, TopicClusterer(n_clusters=n_clusters), n_groups=n_groups,
                             ru_reference=ru_reference(embedder, store))
    related = relate_to_themes(topics.model.labels_, [split_themes(t) for t in comments["themes"]])
    related = related.rename(columns={"themes": "theme_counts"})
    clusters = topics.clusters.merge(related, on="cluster", how="left")
    scope = json.dumps({"service_no": service_no, "region": region, "theme": theme}, ensure_ascii=False)
    as_json = {c: clusters[c].map(lambda v: json.dumps(v, ensure_ascii=False)) for c in clusters.columns
               if clusters[c].map(lambda v: isinstance(v, (list, dict))).any()}
    store.replace_derived("topic_clusters", clusters.assign(**as_json, scope=scope))
    store.replace_derived("topic_assignments", topics.assignments.assign(scope=scope))
    return clusters
