"""Personal data is masked at ingest, kept raw only in the store on opt-in, and masked in every export."""

import random
from pathlib import Path

import pandas as pd
from typer.testing import CliRunner

from textmine.cli import app
from textmine.privacy import random_iin
from textmine.store import Store

runner = CliRunner()


def _survey(path: Path) -> tuple[Path, str]:
    iin = random_iin(random.Random(7))
    pd.DataFrame({
        "Отзыв": [f"Менің ЖСН {iin}, нәтиже әлі жоқ, хабарласыңыз +7 701 234 56 78",
                  "Кезек өте ұзақ болды, екі сағат тұрдық",
                  "=HYPERLINK(\"http://x\") меня зовут Айгерим Садыкова, документы потеряли"],
        "Оценка": ["2", "3", "1"],
    }).to_csv(path, index=False)
    return path, iin


def _ingest(tmp_path: Path, *extra: str) -> tuple[Path, str]:
    survey, iin = _survey(tmp_path / "survey.csv")
    store = tmp_path / "s.duckdb"
    result = runner.invoke(app, ["ingest", "table", str(survey), "--map", "Отзыв=text", "--map", "Оценка=rating",
                                 "--store", str(store), *extra])
    assert result.exit_code == 0, result.output
    return store, iin


def test_ingest_masks_personal_data_in_the_store(tmp_path: Path) -> None:
    store, iin = _ingest(tmp_path)
    with Store(store, read_only=True) as opened:
        comments = opened.read("comments").sort_values("source_line")
    stored = " ".join(comments["text"]) + " ".join(comments["raw_text"])
    assert iin not in stored and "234 56 78" not in stored and "Садыкова" not in stored
    assert comments["text"].iloc[0].startswith("Менің ЖСН [ИИН], нәтиже әлі жоқ, хабарласыңыз [ТЕЛ]")
    assert comments["text"].iloc[1] == "Кезек өте ұзақ болды, екі сағат тұрдық"


def test_keep_raw_keeps_the_original_in_the_store_only(tmp_path: Path) -> None:
    store, iin = _ingest(tmp_path, "--keep-raw")
    with Store(store, read_only=True) as opened:
        comments = opened.read("comments").sort_values("source_line")
    assert iin in comments["raw_text"].iloc[0] and iin not in comments["text"].iloc[0]
    result = runner.invoke(app, ["export", "bundled", "--out-dir", str(tmp_path / "out"), "--store", str(store)])
    assert result.exit_code == 0, result.output
    exported = (tmp_path / "out" / "comments.csv").read_text(encoding="utf-8")
    assert iin not in exported and "234 56 78" not in exported and "[ИИН]" in exported
    # the formula cell is neutralised in the CSV
    assert "'=HYPERLINK" in exported and ',=HYPERLINK' not in exported


def test_annotate_masks_the_text_column_unless_kept(tmp_path: Path) -> None:
    from test_scale_chunks import HashEmbedder, RuleAnnotator

    from textmine.annotate import annotate_file

    survey, iin = _survey(tmp_path / "survey.csv")
    masked, kept = tmp_path / "masked.csv", tmp_path / "kept.csv"
    annotate_file(survey, masked, text_column="Отзыв", embedder=HashEmbedder(), annotator=RuleAnnotator())
    annotate_file(survey, kept, text_column="Отзыв", keep_raw=True, embedder=HashEmbedder(), annotator=RuleAnnotator())
    masked_rows = pd.read_csv(masked)
    assert iin not in masked.read_text(encoding="utf-8") and "[ИИН]" in masked_rows["Отзыв"].iloc[0]
    assert masked_rows["Оценка"].tolist() == [2, 3, 1] and len(masked_rows) == 3
    assert iin in kept.read_text(encoding="utf-8")
