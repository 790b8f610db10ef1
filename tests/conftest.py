"""Shared fixtures: the seed report and one parse of it per test session."""

from __future__ import annotations

from pathlib import Path

import pytest

SEED_REPORT = Path(__file__).resolve().parents[1] / "data" / "reports" / "monitoring_report_2018_kk.txt"


@pytest.fixture(scope="session")
def seed_report_path() -> Path:
    """Path of the seed monitoring report (Kazakh, 2018)."""
    return SEED_REPORT


@pytest.fixture(scope="session")
def seed_report_parse(seed_report_path: Path):
    """The seed report parsed once with the default layout."""
    from textmine.ingest.report import parse_report

    return parse_report(seed_report_path)


@pytest.fixture(scope="session")
def bundled_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store of the 986 bundled seed comments (``data/comments``, keyword-rule themes), built once; copy
    it before writing (``make test`` on a fresh clone has no ``data/textmine.duckdb``)."""
    from textmine.app.demo import build_demo_store

    return build_demo_store(tmp_path_factory.mktemp("bundled") / "bundled.duckdb",
                            folder=SEED_REPORT.parents[1] / "comments")
