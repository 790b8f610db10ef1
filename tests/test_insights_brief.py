"""The evidence brief on the synthetic corpus (see recommend_corpus): numbers, verbatim quotes and the
template sentences in kk and ru; Markdown, JSON, DOCX and the recommendations table."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import recommend_corpus as synthetic
from docx import Document

from textmine.classify.taxonomy import load_taxonomy
from textmine.insights.brief import (
                                     TABLE_COLUMNS,
                                     EmbeddedQuotes,
                                     Evidence,
                                     Lengths,
                                     StoredQuotes,
                                     brief_json,
                                     brief_markdown,
                                     briefs_docx,
                                     markdown_docx,
                                     priority_quotes,
                                     recommendations_table,
                                     service_brief,
)
from textmine.insights.priority import priorities
from textmine.insights.profile import split_themes
from textmine.insights.recommendation_templates import load_templates, missing_templates

TARGET = synthetic.TARGET


@pytest.fixture(scope="module")
def coded() -> pd.DataFrame:
    return synthetic.corpus()


@pytest.fixture(scope="module")
def vectors(coded: pd.DataFrame) -> np.ndarray:
    return synthetic.vectors(coded)


@pytest.fixture(scope="module")
def ranked(coded: pd.DataFrame) -> pd.DataFrame:
    return priorities(coded, synthetic.services(), synthetic.aspects(), prior_weight=10)


@pytest.fixture(scope="module")
def evidence(ranked, coded, vectors) -> Evidence:
    return Evidence(ranked, coded, EmbeddedQuotes(coded, vectors), synthetic.services(), synthetic.aspects())


@pytest.fixture(scope="module", params=["kk", "ru"])
def brief(request, evidence):
    return service_brief(TARGET, evidence, lang=request.param)


def test_brief_puts_the_known_problem_first_with_its_numbers(brief, coded: pd.DataFrame) -> None:
    top = brief.problems[0]
    assert (top.theme, top.rank, top.n_comments, top.share) == ("deadlines", 1, 10, 0.5)
    assert top.aspect_score == pytest.approx(4.10) and top.aspect_lines == [1000 + TARGET]
    assert top.impact is None and "impact" in top.missing
    assert len(brief.problems) == 3 and [s.theme for s in brief.strengths][:2] == ["staff_attitude", "praise"]
    assert (brief.service_name, brief.n_respondents, brief.avg_score) == ("Қызмет 3", 90, 4.2)
    own = coded[(coded["service_no"] == TARGET) & (coded["themes"] == "deadlines")].set_index("id")["text"]
    assert len(top.quotes) == 3 and len({q.id for q in top.quotes}) == 3
    assert all(own[q.id] == q.text for q in top.quotes)
    praise = next(s for s in brief.strengths if s.theme == "staff_attitude")
    assert praise.quotes and all(coded.set_index("id").loc[q.id, "polarity"] == "praise" for q in praise.quotes)
    quoted = [q.id for item in brief.problems + brief.strengths for q in item.quotes]
    assert len(quoted) == len(set(quoted))  # no comment quoted twice in one brief


def test_markdown_in_the_brief_language(brief) -> None:
    text = brief_markdown(brief)
    taxonomy, templates = load_taxonomy(), load_templates()
    top = brief.problems[0]
    assert getattr(taxonomy.theme("deadlines").name, brief.lang) in text
    assert templates.sentence("deadlines", "problem", brief.lang) in text
    assert templates.sentence("staff_attitude", "strength", brief.lang) in text
    assert "50%" in text and "4,10" in text and "4,45 " in text  # share, aspect score, the service's own mean
    assert "36%" in text  # 10 complaints of 20, pulled toward the survey's 10 of 120 by 10 comments: 10.83 / 30
    assert templates.phrase("impact_missing", brief.lang) in text
    plain = text.replace("\\", "")
    assert all(f"«{q.text}»" in plain and q.id in text for q in top.quotes)
    assert templates.phrase("line", brief.lang, line=top.quotes[0].source_line) in text
    other = "ru" if brief.lang == "kk" else "kk"
    assert templates.phrase("problems", other) not in text


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_a_paper_only_service_s_brief_names_its_delivery_form_and_line(coded, vectors, lang: str) -> None:
    services = synthetic.services().assign(
        delivery_form=["paper" if s == TARGET else "electronic" for s in synthetic.SERVICES],
        delivery_form_line=pd.array([777 if s == TARGET else 700 + s for s in synthetic.SERVICES], dtype="Int64"))
    ranked = priorities(coded, services, synthetic.aspects(), prior_weight=10)
    evidence = Evidence(ranked, coded, EmbeddedQuotes(coded, vectors), services, synthetic.aspects())
    brief = service_brief(TARGET, evidence, lang=lang)
    digital = next(item for item in brief.problems if item.theme == "digitalisation")
    assert (digital.n_comments, digital.delivery_form, digital.delivery_form_line) == (0, "paper", 777)
    templates = load_templates()
    text = brief_markdown(brief)
    assert templates.phrase("delivery_paper", lang, line=templates.phrase("line", lang, line=777)) in text
    assert f"({templates.phrase('component_delivery', lang)})" in text
    assert templates.phrase("evidence_problem_none_delivery", lang) in text  # no comment: the form is the evidence
    assert brief.problems[0].delivery_form is None  # the other problems carry no delivery form


def test_json_round_trips(brief) -> None:
    data = json.loads(brief_json(brief))
    assert data["lang"] == brief.lang and data["problems"][0]["theme"] == "deadlines"
    assert data["problems"][0]["impact"] is None
    assert data["problems"][0]["quotes"][0]["text"] == brief.problems[0].quotes[0].text


def test_docx_opens_and_holds_the_quotes(tmp_path: Path, evidence) -> None:
    briefs = [service_brief(TARGET, evidence, lang=lang) for lang in ("kk", "ru")]
    path = briefs_docx(briefs, tmp_path / "briefs.docx")
    text = "\n".join(p.text for p in Document(str(path)).paragraphs)
    for brief in briefs:
        assert all(f"«{q.text}»" in text for item in brief.problems + brief.strengths for q in item.quotes)
    assert "Мерзімдер" in text and "Сроки" in text
    assert not list(tmp_path.glob(".*.tmp"))


def test_markup_and_control_characters_are_neutralised(tmp_path: Path, evidence) -> None:
    brief = service_brief(TARGET, evidence, lang="kk")
    brief.problems[0].quotes[0].text = "=HYPERLINK(\"x\") **қалың** <script>\x0b"
    assert "\\*\\*қалың\\*\\* \\<script>" in brief_markdown(brief)
    text = "\n".join(p.text for p in Document(str(briefs_docx([brief], tmp_path / "b.docx"))).paragraphs)
    assert "«=HYPERLINK(\"x\") **қалың** <script>»" in text


def test_recommendations_table(ranked, coded, vectors) -> None:
    quotes = priority_quotes(ranked, coded, vectors, k=2)
    table = recommendations_table(ranked, quotes)
    assert list(table.columns) == TABLE_COLUMNS and len(table) == len(ranked)
    top = table[(table["service_no"] == TARGET) & (table["kind"] == "problem") & (table["rank"] == 1)].iloc[0]
    assert top["theme"] == "deadlines" and top["n_comments"] == 10 and top["aspect_score"] == pytest.approx(4.1)
    by_id = coded.set_index("id")
    for row in table[table["quote_ids"] != ""].itertuples():
        ids = row.quote_ids.split(";")
        assert 1 <= len(ids) <= 2 and (by_id.loc[ids, "service_no"] == row.service_no).all()
        assert all(row.theme in split_themes(t) for t in by_id.loc[ids, "themes"])
    assert (table.loc[table["n_comments"] == 0, "quote_ids"] == "").all()
    brief = service_brief(TARGET, Evidence(ranked, coded, StoredQuotes(quotes), synthetic.services()),
                          lengths=Lengths(quotes=2))
    assert ";".join(q.id for q in brief.problems[0].quotes) == top["quote_ids"]


def test_templates_cover_the_taxonomy_and_name_what_is_missing(tmp_path: Path) -> None:
    templates = load_templates()
    assert missing_templates(templates, load_taxonomy().theme_ids) == []
    with pytest.raises(KeyError, match="no templates for theme 'parking'"):
        templates.sentence("parking", "problem", "kk")
    with pytest.raises(KeyError, match="'praise' has no 'problem' sentence"):
        templates.sentence("praise", "problem", "ru")
    with pytest.raises(ValueError, match="one of kk, ru, not 'en'"):
        templates.sentence("deadlines", "problem", "en")
    broken = tmp_path / "t.yaml"
    broken.write_text("version: 1\nphrases: {kk: {title: a}, ru: {}}\nthemes: {}\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"t\.yaml: phrases for 'ru' lack title"):
        load_templates(broken)
    broken.write_text("version: 1\nphrases: {}\nthemes: {deadlines: {problem: {kk: a}}}\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"t\.yaml: invalid recommendation templates"):
        load_templates(broken)


def test_markdown_has_no_html_and_no_needless_escapes(brief) -> None:
    text = brief_markdown(brief)
    assert "<sub>" not in text and "\\." not in text and "\\-" not in text
    assert f"*{load_templates().phrase('draft_note', brief.lang)}*" in text


def test_docx_from_edited_markdown_holds_the_edit_on_a4(evidence) -> None:
    import io

    brief = service_brief(TARGET, evidence, lang="kk")
    edited = brief_markdown(brief).replace("### 1. ", "### 1. ӨҢДЕЛДІ: ", 1) + "\n**Автордың қосымшасы** – кезек.\n"
    document = Document(io.BytesIO(markdown_docx([edited], "kk")))
    paragraphs = document.paragraphs
    heading = next(p for p in paragraphs if "ӨҢДЕЛДІ" in p.text)
    assert heading.style.name == "Heading 3" and heading.text == f"1. ӨҢДЕЛДІ: {brief.problems[0].theme_name}"
    added = next(p for p in paragraphs if p.text.startswith("Автордың қосымшасы"))
    assert added.runs[0].bold and added.text == "Автордың қосымшасы – кезек."
    quote = next(p for p in paragraphs if p.text.startswith(f"«{brief.problems[0].quotes[0].text}»"))
    assert quote.style.name == "Intense Quote"
    assert (round(document.sections[0].page_width.mm), round(document.sections[0].page_height.mm)) == (210, 297)
    assert document.core_properties.title == load_templates().phrase("title", "kk")
