"""Orchestration: runs the stages in order and writes their results to the store. Holds no stage logic."""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from textmine.atomic import write_table
from textmine.langid import tag_languages
from textmine.store import Store

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


def _reason_counts(rejects: pd.DataFrame) -> dict[str, int]:
    # Reasons may carry specifics after a colon ("rating '6' outside 1-5"); group on the whole text.
    return {str(k): int(v) for k, v in rejects["reason"].value_counts().head(10).items()}


def ingest_report(store: Store, path: Path) -> IngestSummary:
    """Parse a monitoring report, tag languages, and replace its rows (and the services table) in the store."""
    from textmine.ingest.report import parse_report

    started = time.perf_counter()
    parsed = parse_report(Path(path))
    comments = with_languages(parsed.comments)
    store.replace_source(Path(path).name, comments, parsed.rejects)
    store.replace_services(parsed.services)
    return IngestSummary(
        source_file=Path(path).name,
        rows_in=len(comments) + len(parsed.rejects),
        comments=len(comments),
        rejected=len(parsed.rejects),
        reject_reasons=_reason_counts(parsed.rejects),
        services=len(parsed.services),
        seconds=time.perf_counter() - started,
    )


def ingest_table(store: Store, path: Path, column_map: Mapping[str, str] | None = None) -> IngestSummary:
    """Read a survey export, tag languages, and replace its rows in the store."""
    from textmine.ingest.table import read_table

    started = time.perf_counter()
    parsed = read_table(Path(path), column_map=column_map)
    comments = with_languages(parsed.comments)
    store.replace_source(Path(path).name, comments, parsed.rejects)
    return IngestSummary(
        source_file=Path(path).name,
        rows_in=parsed.rows_in,
        comments=len(comments),
        rejected=len(parsed.rejects),
        reject_reasons=_reason_counts(parsed.rejects),
        seconds=time.perf_counter() - started,
    )


def export_bundled(store: Store, out_dir: Path = BUNDLED_DIR) -> list[Path]:
    """Write the store's comments, services and rejects as the bundled CSV dataset."""
    written = []
    for table, order in (("comments", ["service_no", "source_line"]), ("services", ["service_no"]),
                         ("rejects", ["source_file", "source_line"])):
        frame = store.read(table).sort_values(order, kind="stable").reset_index(drop=True)
        target = Path(out_dir) / f"{table}.csv"
        write_table(frame, target)
        written.append(target)
    return written
