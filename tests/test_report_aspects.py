"""Quality-aspect scores parsed from the seed report: coverage, ranges, a hand-checked gold sample, table 75's
recovered column order, and small Kazakh snippets (last year's figures, channel comparisons)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from textmine.ingest.errors import IngestError
from textmine.ingest.report_aspects import (
    load_aspect_rules,
    parse_aspects,
    quality_table,
    single_service_rows,
    text_aspects,
)
from textmine.ingest.report_layout import load_layout
from textmine.ingest.report_structure import clean_lines, parse_sample_table

GOLD = Path(__file__).resolve().parents[1] / "data" / "eval" / "aspect_gold.csv"
KEY = ["service_no", "aspect", "channel"]


@pytest.fixture(scope="module")
def aspects(seed_report_path: Path) -> pd.DataFrame:
    return parse_aspects(seed_report_path)


@pytest.fixture(scope="module")
def rules():
    return load_aspect_rules()


def test_every_service_has_aspects_and_keys_are_unique(aspects):
    per_service = aspects.groupby("service_no").size()
    assert per_service.index.tolist() == list(range(1, 61))
    assert per_service.median() >= 6
    assert not aspects[KEY].fillna({"channel": ""}).duplicated().any()


def test_values_in_range_and_themes_from_taxonomy(aspects):
    pct, score = aspects["satisfaction_pct"].dropna(), aspects["score"].dropna()
    assert pct.between(0, 100).all() and score.between(1, 5).all()
    assert (aspects["satisfaction_pct"].notna() | aspects["score"].notna()).all()
    themes = aspects.drop_duplicates("aspect").set_index("aspect")["theme"].to_dict()
    assert themes["deadlines"] == "deadlines" and themes["staff_politeness"] == "staff_attitude"
    assert pd.isna(themes["trust"]) and themes["payment"] == "costs"


def test_gold_sample(aspects):
    gold = pd.read_csv(GOLD)
    assert len(gold) >= 40
    parsed = aspects.fillna({"channel": ""})
    merged = gold.fillna({"channel": ""}).merge(parsed, on=KEY, how="left", suffixes=("", "_parsed"))
    found = merged["source"].notna()  # the parse's column (the gold has none)

    def same(a: pd.Series, b: pd.Series) -> pd.Series:
        return (a.isna() & b.isna()) | ((a - b).abs() < 1e-9)

    right = found & same(merged["satisfaction_pct"], merged["satisfaction_pct_parsed"]) \
        & same(merged["score"], merged["score_parsed"]) & (merged["source_line"] == merged["source_line_parsed"])
    recall = right.mean()
    print(f"aspect gold: {int(right.sum())}/{len(gold)} rows right (recall {recall:.3f}); "
          f"found with wrong values: {int((found & ~right).sum())}")
    wrong = merged[found & ~right]
    assert wrong.empty, wrong[KEY + ["satisfaction_pct", "satisfaction_pct_parsed", "score", "score_parsed"]]
    assert recall >= 0.95


def test_table_75_column_order_matches_single_service_prose(seed_report_path, seed_report_parse, aspects, rules):
    """The recovered header of table 75: each single-service agency's row equals its service's own figures."""
    layout = load_layout()
    lines = clean_lines(seed_report_path.read_text(encoding="utf-8").split("\n"))
    sample = parse_sample_table(lines, layout, "report")
    table = quality_table(lines, rules.tables["table_75"], "report")
    assert table.groupby("source_line").size().eq(9).all() and table["agency"].nunique() >= 20
    single = single_service_rows(table, sample, rules)
    assert sorted(single["service_no"].unique().tolist()) == [1, 2, 3, 36, 37]
    overall = table[table["column"] == "overall"].assign(agency=lambda t: t["agency"].replace({"СММ": "МСМ"}))
    services = seed_report_parse.services.set_index("service_no")
    for agency, no in (("ЖС", 1), ("БП", 2), ("ҰҚК", 3), ("ҚДМ", 36), ("ҚАӨМ", 37)):
        assert overall.loc[overall["agency"] == agency, "score"].item() == services.loc[no, "avg_score"]
    prose = aspects[(aspects["source"] == "section") & aspects["channel"].isna() & aspects["score"].notna()]
    both = single.merge(prose, left_on=["service_no", "column"], right_on=["service_no", "aspect"])
    assert len(both) >= 20
    assert ((both["score_x"] - both["score_y"]).abs() < 1e-9).all(), both


def test_last_year_figures_are_not_taken(rules):
    text = ("Қызмет көрсету сапасын сұхбаткерлердің 73,6%-ы жоғары бағалады (2017 жылы - 65,0%, 4,54 балл). "
            "Қызмет көрсету мерзімдерімен сұхбаткерлердің 81,1%-ы қанағаттанған (4,68 балл), бұл\n"
            "қанағаттанудың айтарлықтай жоғары деңгейі. 2017 жылмен салыстыратын болсақ, осы\n"
            "критерий бойынша қанағаттану 4,59 балл деңгейінде болып, 68,6%-ды құрады.")
    rows = text_aspects(text, rules)
    assert [(r["aspect"], r["satisfaction_pct"], r["score"]) for r in rows] == [("deadlines", 81.1, 4.68)]


def test_channel_comparison_gives_one_row_per_channel(rules):
    text = ("Қызметкерлердің әдептілігі бойынша меморган (4,47 балл) ХҚКО\n"
            "қызметкерлерінен (4,52 балл) қалып қойды.")
    rows = text_aspects(text, rules)
    assert [(r["aspect"], r["channel"], r["score"]) for r in rows] == [
        ("staff_politeness", "state_body", 4.47), ("staff_politeness", "pso", 4.52)]


def test_two_aspects_in_one_sentence_and_quotes_ignored(rules):
    text = ("Сұхбаткерлердің 61,1%-ы ақпараттың қолжетімділігі мен ашықтығына және 64,2%-ы ақпараттың "
            "дұрыстығына разылық танытты. «Мерзімді қысқарту керек, 4,1 балл қояр едім», Астана. "
            "Қызмет сапасымен қанағаттану 4,44 балл немесе 64,8%.")
    rows = text_aspects(text, rules)
    assert [(r["aspect"], r["satisfaction_pct"]) for r in rows] == [("info_access", 61.1), ("info_accuracy", 64.2)]
    assert rows[0]["theme"] == rows[1]["theme"] == "information"


def test_bad_aspects_file_is_a_clear_error(tmp_path):
    bad = tmp_path / "aspects.yaml"
    bad.write_text("aspects:\n  x: {theme: no_such_theme, patterns: ['x']}\n", encoding="utf-8")
    with pytest.raises(IngestError, match="no_such_theme"):
        load_aspect_rules(bad)
