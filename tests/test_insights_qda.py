"""REFI-QDA export read back with an independent reader (pyrefiqda, models generated from the REFI-QDA
XSDs): every code and coded segment survives; the .qdc codebook round-trips into a taxonomy."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pandas as pd
import pytest
from pyrefiqda import RefiCodebook, RefiProject

from textmine.classify.taxonomy import load_taxonomy
from textmine.insights.labels import match_labels, read_labels
from textmine.insights.profile import join_themes, split_themes
from textmine.insights.qda import export_qdc, export_qdpx, guid, import_qdc
from textmine.pipeline import with_languages


@pytest.fixture(scope="module")
def coded(seed_report_parse) -> pd.DataFrame:
    comments = with_languages(seed_report_parse.comments)
    labelled = join_themes(comments, match_labels(comments, read_labels()))
    return labelled.head(120).assign(rating=[(i % 5) + 1 if i % 3 else None for i in range(120)])


def _walk(codes) -> list:
    return [c for code in codes for c in [code, *_walk(code.code)]]


def test_qdpx_reads_back_with_every_code_and_segment(coded: pd.DataFrame, tmp_path: Path) -> None:
    taxonomy = load_taxonomy()
    path = export_qdpx(coded, tmp_path / "corpus.qdpx")
    project = RefiProject.load(path, extract_dir=str(tmp_path / "x"))
    codes = {code.guid: code for code in _walk(project.code_book.codes.code)}
    for theme in taxonomy.themes:
        assert codes[guid("theme", theme.id)].name == theme.name.en
    sources = {source.name: source for source in project.sources.text_source}
    assert set(sources) == set(coded["id"])
    expected = {(row.id, t) for row in coded.itertuples() for t in split_themes(row.themes)}
    found = set()
    by_guid = {guid("theme", t): t for t in taxonomy.theme_ids}
    for row in coded.itertuples():
        source = sources[row.id]
        text = RefiProject.resolve_source_path(source.plain_text_path, tmp_path / "x").read_text(encoding="utf-8")
        assert text == row.text
        for selection in source.plain_text_selection:
            assert text[selection.start_position:selection.end_position] == row.text
            found |= {(row.id, by_guid[c.code_ref.target_guid]) for c in selection.coding
                      if c.code_ref.target_guid in by_guid}
    assert found == expected and len(expected) > 100


def test_qdpx_carries_attributes_and_cases(coded: pd.DataFrame, tmp_path: Path) -> None:
    project = RefiProject.load(export_qdpx(coded, tmp_path / "c.qdpx"), extract_dir=str(tmp_path / "y"))
    names = {v.guid: v.name for v in project.variables.variable}
    assert {"service_no", "region", "language", "rating", "polarity", "source_line"} <= set(names.values())
    rated = coded.dropna(subset=["rating"]).iloc[0]
    source = next(s for s in project.sources.text_source if s.name == rated["id"])
    values = {names[v.variable_ref.target_guid]: v.integer_value if v.integer_value is not None else v.text_value
              for v in source.variable_value}
    assert values["rating"] == int(rated["rating"]) and values["language"] == "kk"
    assert values["source_line"] == int(rated["source_line"])
    cases = project.cases.case
    assert len(cases) == coded["service_no"].nunique()
    assert sum(len(case.source_ref) for case in cases) == coded["service_no"].notna().sum()


def test_qdpx_is_deterministic(coded: pd.DataFrame, tmp_path: Path) -> None:
    first, second = (export_qdpx(coded, tmp_path / f"{n}.qdpx") for n in ("a", "b"))
    def read(path: Path) -> bytes:
        return zipfile.ZipFile(path).read("project.qde")

    assert read(first) == read(second)


def test_a_reviewers_corrections_replace_the_models_codes_and_carry_the_reviewers_name(coded: pd.DataFrame,
                                                                                    tmp_path: Path) -> None:
    from textmine.ingest.qdpx import read_qdpx

    first, second, third = coded["id"].iloc[:3]
    corrected = pd.DataFrame([(first, "costs;queues", "praise", "2026-01-02T10:00:00", "Айгерім"),
                              (second, "", None, "2026-01-01T10:00:00", None)],
                             columns=["comment_id", "themes", "polarity", "at", "reviewer"])
    read = read_qdpx(export_qdpx(coded, tmp_path / "reviewed.qdpx", corrected=corrected))
    names = dict(read.codes[["guid", "name"]].itertuples(index=False))
    sources = dict(read.sources[["guid", "name"]].itertuples(index=False))
    codings = read.codings.assign(code=lambda frame: frame["code"].map(names),
                                  source=lambda frame: frame["source"].map(sources))
    by_source = {source: sorted(zip(group["code"], group["user"], strict=True))
                 for source, group in codings.groupby("source")}
    taxonomy = load_taxonomy()
    theme, polarity = ({t.id: t.name.en for t in taxonomy.themes}, {p.id: p.name.en for p in taxonomy.polarities})
    assert by_source[first] == sorted([(theme["costs"], "Айгерім"), (theme["queues"], "Айгерім"),
                                       (polarity["praise"], "Айгерім")])
    model_polarity = coded["polarity"].iloc[1]  # not fixed by the reviewer: still the model's, by textmine
    assert by_source.get(second, []) == [(polarity[model_polarity], "textmine")]
    row = coded.iloc[2]  # not reviewed
    assert by_source[third] == sorted([*((theme[t], "textmine") for t in split_themes(row.themes)),
                                       (polarity[row.polarity], "textmine")])
    assert set(read.codings["user"]) == {"textmine", "Айгерім"}


def test_unknown_theme_is_rejected(coded: pd.DataFrame, tmp_path: Path) -> None:
    bad = coded.head(3).assign(themes="queues;teleportation")
    with pytest.raises(ValueError, match="teleportation"):
        export_qdpx(bad, tmp_path / "bad.qdpx")


def test_codebook_round_trip(tmp_path: Path) -> None:
    taxonomy = load_taxonomy()
    path = export_qdc(tmp_path / "themes.qdc")
    codebook = RefiCodebook.load(path)
    assert [c.name for c in codebook.codes.code[0].code] == [t.name.en for t in taxonomy.themes]
    imported = import_qdc(path)
    assert imported.theme_ids == taxonomy.theme_ids
    for theme, back in zip(taxonomy.themes, imported.themes, strict=True):
        assert back.name == theme.name and back.definition == theme.definition.strip()


def test_foreign_codebook_import(tmp_path: Path) -> None:
    names = ["Deadlines", "Queues", "Staff competence", "Portal failures", "Costs", "Parking"]
    codes = "".join(f'<Code guid="{guid("x", n)}" name="{n}" isCodable="true"/>' for n in names)
    path = tmp_path / "nvivo.qdc"
    path.write_text(f'<?xml version="1.0" encoding="utf-8"?><CodeBook xmlns="urn:QDA-XML:codebook:1.0">'
                    f'<Codes>{codes}</Codes></CodeBook>', encoding="utf-8")
    assert import_qdc(path).theme_ids == ["deadlines", "queues", "staff_competence", "portal_failures", "costs",
                                          "parking"]
    path.write_text(path.read_text(encoding="utf-8").replace("Queues", "Lines"), encoding="utf-8")
    with pytest.raises(ValueError, match=r"(?s)nvivo\.qdc.*required themes missing: queues"):
        import_qdc(path)
    (tmp_path / "junk.qdc").write_text("not xml", encoding="utf-8")
    with pytest.raises(ValueError, match="junk.qdc"):
        import_qdc(tmp_path / "junk.qdc")
