"""Citation exports: Markdown, DOCX (read back with python-docx), CSV/XLSX with formula-safe cells."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from docx import Document
from openpyxl import load_workbook

from textmine.atomic import write_table
from textmine.insights.export import interleave, quotes_docx, quotes_markdown, safe_cell, service_counts
from textmine.insights.markdown import escape

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
    assert "service 12 «Жер учаскесі»; Астана; Kazakh; monitoring_report_2018_kk.txt, line 4921" in text
    assert "centrality 0.90" in text and text.count("*ru:*") == 1


@pytest.mark.parametrize(("lang", "attributed"), [
    ("kk", "12-қызмет «Жер учаскесі»; Астана; қазақша; monitoring_report_2018_kk.txt, 4921-жол"),
    ("ru", "услуга 12 «Жер учаскесі»; Астана; казахский; monitoring_report_2018_kk.txt, строка 4921"),
])
def test_attribution_follows_the_interface_language(lang: str, attributed: str) -> None:
    text = quotes_markdown(QUOTES, "Кезек", show_scores=False, lang=lang)
    assert f"— {attributed}" in text and "service" not in text and "line" not in text


def test_docx_reads_back_on_a4(tmp_path: Path) -> None:
    path = quotes_docx(QUOTES, tmp_path / "quotes.docx", "Queues", counterpart="ru", lang="kk")
    document = Document(str(path))
    paragraphs = [p.text for p in document.paragraphs]
    assert paragraphs[0] == "Queues" and paragraphs[1] == "12-қызмет: 1; 3-қызмет: 1"
    assert "«Кезек көп, далада күттік»" in paragraphs and "«Очередь большая, ждали на улице»" in paragraphs
    assert any(p.startswith("— 3-қызмет «Апостиль»") for p in paragraphs)
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)


def test_interleave_takes_services_in_turn_and_counts_each() -> None:
    quotes = pd.DataFrame({"service_no": [2, 2, 2, 13, 13, 5], "id": ["a", "b", "c", "d", "e", "f"]})
    assert interleave(quotes)["id"].tolist() == ["a", "d", "f", "b", "e", "c"]
    assert service_counts(quotes, "ru") == "услуга 2: 3; услуга 13: 2; услуга 5: 1"


@pytest.mark.parametrize(("text", "expected"), [
    ("Маман жақсы деді. Рахмет!", "Маман жақсы деді. Рахмет!"),
    ("**қалың** <b>x</b> a_b `c` [сілтеме](x)", "\\*\\*қалың\\*\\* \\<b>x\\</b> a_b \\`c\\` \\[сілтеме\\](x)"),
    ("# тақырып", "\\# тақырып"),
    ("1. бірінші", "1\\. бірінші"),
    ("- тізім", "\\- тізім"),
    ("monitoring_report_2018_kk.txt _сөз_", "monitoring_report_2018_kk.txt \\_сөз\\_"),
    ("Кезек\nұзақ", "Кезек ұзақ"),
])
def test_markdown_escapes_only_markup(text: str, expected: str) -> None:
    assert escape(text) == expected


def test_csv_and_xlsx_are_formula_safe(tmp_path: Path) -> None:
    csv = pd.read_csv(write_table(QUOTES, tmp_path / "q.csv"))
    assert csv.loc[1, "text"].startswith("'=") and csv.loc[0, "text"] == QUOTES.loc[0, "text"]
    sheet = load_workbook(write_table(QUOTES, tmp_path / "q.xlsx")).active
    texts = [row[2] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert texts[1].startswith("'=") and sheet.cell(row=2, column=5).value == 12
    with pytest.raises(ValueError, match="unknown table format"):
        write_table(QUOTES, tmp_path / "q.ods")


@pytest.mark.parametrize("text", ["**қалың** <script>alert(1)</script> ~~x~~ &amp; _y_ `z` ![i](j) деді.",
                                  "a_b_c __d__ e_ _f x__y__z",
                                  "> дәйексөз", "12) пункт", "+ плюс", "=== тең"])
def test_escaped_text_renders_as_itself(text: str) -> None:
    from html import unescape

    from markdown_it import MarkdownIt

    html = MarkdownIt("commonmark").enable("strikethrough").render(f"Пікір: {escape(text)}\n\n{escape(text)}")
    assert unescape(html) == f"<p>Пікір: {text}</p>\n<p>{text}</p>\n"
