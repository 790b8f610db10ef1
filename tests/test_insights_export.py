"""Citation exports: Markdown, DOCX (read back with python-docx), CSV/XLSX with formula-safe cells."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from docx import Document
from openpyxl import load_workbook

from textmine.atomic import write_table
from textmine.insights.export import quotes_docx, quotes_markdown, safe_cell

QUOTES = pd.DataFrame({
    "rank": [1, 2], "id": ["a", "b"],
    "text": ["Кезек көп, далада күттік", "=HYPERLINK(\"http://x\")"],
    "ru": ["Очередь большая, ждали на улице", None],
    "service_no": [12, 3], "service_name": ["Жер учаскесі", "Апостиль"], "region": ["Астана", None],
    "lang": ["kk", "kk"], "source_file": ["monitoring_report_2018_kk.txt"] * 2, "source_line": [4921, 10654],
    "centrality": [0.9, 0.7], "theme_score": [0.8, 0.6], "quotability": [1.0, 0.9], "redundancy": [0.0, 0.2],
})


@pytest.mark.parametrize("value", ["=1+1", "+7 701", "-2", "@SUM(A1)", "\tx", "\rx"])
def test_formula_like_cells_are_neutralised(value: str) -> None:
    assert safe_cell(value) == "'" + value


def test_plain_cells_are_untouched() -> None:
    assert safe_cell("Кезек") == "Кезек" and safe_cell(5) == 5 and safe_cell("a=b") == "a=b"


def test_markdown_has_guillemets_counterpart_attribution_and_scores() -> None:
    text = quotes_markdown(QUOTES, "Queues", counterpart="ru")
    assert "1. «Кезек көп, далада күттік»" in text
    assert "«Очередь большая, ждали на улице»" in text
    assert "service 12 «Жер учаскесі»; Астана; kk; monitoring_report_2018_kk.txt, line 4921" in text
    assert "centrality 0.90" in text and text.count("*ru:*") == 1


def test_docx_reads_back(tmp_path: Path) -> None:
    path = quotes_docx(QUOTES, tmp_path / "quotes.docx", "Queues", counterpart="ru")
    paragraphs = [p.text for p in Document(str(path)).paragraphs]
    assert paragraphs[0] == "Queues"
    assert "«Кезек көп, далада күттік»" in paragraphs and "«Очередь большая, ждали на улице»" in paragraphs
    assert any(p.startswith("— service 3 «Апостиль»") for p in paragraphs)


def test_csv_and_xlsx_are_formula_safe(tmp_path: Path) -> None:
    csv = pd.read_csv(write_table(QUOTES, tmp_path / "q.csv"))
    assert csv.loc[1, "text"].startswith("'=") and csv.loc[0, "text"] == QUOTES.loc[0, "text"]
    sheet = load_workbook(write_table(QUOTES, tmp_path / "q.xlsx")).active
    texts = [row[2] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert texts[1].startswith("'=") and sheet.cell(row=2, column=5).value == 12
    with pytest.raises(ValueError, match="unknown table format"):
        write_table(QUOTES, tmp_path / "q.ods")
