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
