"""The same personal data (an IIN, a Kazakh phone number, an e-mail), in a good row and in rejected rows,
sent through every entry point: `ingest table`, `process`, `annotate` (local and Ray), `run`, the exports,
`recommend`, the rejects and the app's read model. None of it comes out; with `--keep-raw` the originals
stay in the store's `comments.raw_text` and `rejects.raw` only."""

from __future__ import annotations

import random
import zipfile
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from test_scale_chunks import HashEmbedder, RuleAnnotator
from typer.testing import CliRunner

from textmine.atomic import write_table
from textmine.cli import app
from textmine.privacy import random_iin
from textmine.store import snapshot_path

ROOT = Path(__file__).resolve().parents[1]
IIN = random_iin(random.Random(7))
PHONE, SPACED_PHONE, EMAIL = "87011234567", "+7 701 123 45 67", "aigerim.s@mail.kz"
SECRETS = (IIN, PHONE, "701 123 45 67", EMAIL)
GOOD = f"Менің ЖСН {IIN}, нәтиже әлі жоқ, хабарласыңыз {SPACED_PHONE}"
REJECTED = f"Мой номер {PHONE}, ИИН {IIN}, почта {EMAIL}, документы потеряли"
# (source line, reason) of the rejected rows: a rating outside 1-5, a phone number typed as the rating,
# an empty comment; each row carries personal data in its cells.
REJECTS = [(4, "rating '6' outside 1-5"), (5, "rating '[ТЕЛ]' outside 1-5"), (6, "empty comment")]
runner = CliRunner()


def make_embedder() -> HashEmbedder:
    """Stand-in embedder (for the Ray workers, which import it from this module)."""
    return HashEmbedder()


def make_annotator(embedder: object, mode: str, background: bool = False) -> RuleAnnotator:
    """Stand-in theme heads (for the Ray workers, and for the CLI, which loads real heads in the background)."""
    return RuleAnnotator()


def leaks(text: str) -> list[str]:
    """The personal data strings found in ``text``."""
    return [secret for secret in SECRETS if secret in text]


def database_text(path: Path, skip: frozenset[tuple[str, str]] = frozenset()) -> str:
    """Every table of the DuckDB file at ``path`` as CSV text, without the ``(table, column)`` pairs in ``skip``."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        tables = [row[0] for row in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()]
        frames = [con.execute(f'SELECT * FROM "{table}"').df() for table in tables]
    finally:
        con.close()
    return "\n".join(frame.drop(columns=[c for c in frame.columns if (table, c) in skip]).to_csv()
                     for table, frame in zip(tables, frames, strict=True))


def file_text(path: Path) -> str:
    """What a reader of ``path`` sees: tables and documents read back, other files as UTF-8 text."""
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        return pd.read_excel(path, dtype=str).to_csv()
    if suffix == ".parquet":
        return pd.read_parquet(path).to_csv()
    if suffix in (".qdpx", ".docx"):
        with zipfile.ZipFile(path) as archive:
            return "\n".join(archive.read(name).decode("utf-8", "replace") for name in archive.namelist())
    return path.read_text(encoding="utf-8")


def invoke(*arguments: str) -> str:
    """Run the CLI; fail with its output unless it succeeds; return the output (checked for leaks too)."""
    result = runner.invoke(app, [str(argument) for argument in arguments])
    assert result.exit_code == 0, result.output
    assert not leaks(result.output), result.output
    return result.output


def write_survey(path: Path) -> Path:
    """A survey export: two good rows (one with personal data in the text and the contact column) and three
    rejected ones carrying personal data (lines :data:`REJECTS`)."""
    pd.DataFrame({
        "Отзыв": [GOOD, "Кезек өте ұзақ болды, екі сағат тұрдық", REJECTED, "Очередь большая, ждали два часа", ""],
        "Оценка": ["2", "3", "6", PHONE, "5"],
        "Байланыс": [EMAIL, "", SPACED_PHONE, "", f"ЖСН {IIN}"],
    }).to_csv(path, index=False)
    return path


@pytest.fixture(scope="module", autouse=True)
def fake_models() -> Iterator[None]:
    """Every command gets the stand-in embedder and theme heads instead of the real model."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("textmine.embed.default_embedder", make_embedder)
        patch.setattr("textmine.classify.annotator.ThemeAnnotator", make_annotator)
        yield


@pytest.fixture(scope="module")
def survey(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_survey(tmp_path_factory.mktemp("survey") / "survey.csv")


@pytest.fixture(scope="module")
def ingested(survey: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store after `ingest table` and `classify`."""
    store = tmp_path_factory.mktemp("ingested") / "s.duckdb"
    output = invoke("ingest", "table", survey, "--store", store)
    assert "2 comments, 3 rejected" in output
    invoke("classify", "--store", store)
    return store


def assert_store_masked(store: Path, skip: frozenset[tuple[str, str]] = frozenset()) -> None:
    """No personal data in any table of the store or of its published snapshot (the app's read model)."""
    for path in (store, snapshot_path(store)):
        assert path.exists(), path
        assert not leaks(database_text(path, skip)), path


def stored_rejects(store: Path) -> pd.DataFrame:
    """The store's rejects (line, reason, raw) in line order."""
    con = duckdb.connect(str(store), read_only=True)
    try:
        return con.execute("SELECT source_line, reason, raw FROM rejects ORDER BY source_line").df()
    finally:
        con.close()


def test_ingest_table_masks_comments_and_rejects_in_the_store(ingested: Path) -> None:
    assert_store_masked(ingested)
    rejects = stored_rejects(ingested)
    assert list(zip(rejects["source_line"], rejects["reason"], strict=True)) == REJECTS
    assert "[ИИН]" in rejects["raw"].iloc[0] and "[ТЕЛ]" in rejects["raw"].iloc[0]
    assert "[EMAIL]" in rejects["raw"].iloc[0] and "документы потеряли" in rejects["raw"].iloc[0]


def test_every_export_masks_personal_data(ingested: Path, tmp_path: Path) -> None:
    invoke("export", "bundled", "--out-dir", tmp_path / "bundled", "--store", ingested)
    written = sorted((tmp_path / "bundled").glob("*.csv"))
    for name in ("table.csv", "table.xlsx"):
        invoke("export", "table", tmp_path / name, "--store", ingested)
    invoke("export", "qdpx", tmp_path / "project.qdpx", "--store", ingested)
    for name in ("quotes.csv", "quotes.xlsx", "quotes.md", "quotes.docx"):
        invoke("quotes", "--k", "5", "--format", name.split(".")[1], "--out", tmp_path / name, "--lang", "kk",
               "--store", ingested)
    assert "-жол" in (tmp_path / "quotes.md").read_text(encoding="utf-8")  # attributions in Kazakh
    outputs = [*written, *(tmp_path / name for name in ("table.csv", "table.xlsx", "project.qdpx", "quotes.csv",
                                                          "quotes.xlsx", "quotes.md", "quotes.docx"))]
    for path in outputs:
        assert not leaks(file_text(path)), path
    comments = pd.read_csv(tmp_path / "bundled" / "comments.csv")
    assert comments["text"].str.contains(r"\[ИИН\]").any() and comments["raw_text"].str.contains(r"\[ТЕЛ\]").any()
    rejects = pd.read_csv(tmp_path / "bundled" / "rejects.csv")
    assert list(zip(rejects["source_line"], rejects["reason"], strict=True)) == REJECTS


def test_the_app_shows_and_exports_no_personal_data(ingested: Path) -> None:
    from textmine.app.insights_adapter import export_csv, export_markdown
    from textmine.app.query import Selection, open_corpus, rows

    shown = rows(open_corpus(ingested), Selection())
    assert len(shown) == 2 and shown["text"].str.contains(r"\[ИИН\]").any()
    assert not leaks(shown.to_csv())
    assert not leaks(export_csv(shown).decode("utf-8-sig")) and not leaks(export_markdown(shown, "quotes"))


def test_keep_raw_keeps_the_originals_in_the_store_only(survey: Path, tmp_path: Path) -> None:
    from textmine.app.query import Selection, open_corpus, rows

    store = tmp_path / "kept.duckdb"
    invoke("ingest", "table", survey, "--keep-raw", "--store", store)
    assert_store_masked(store, skip=frozenset({("comments", "raw_text"), ("rejects", "raw")}))
    con = duckdb.connect(str(store), read_only=True)
    try:
        (raw_text,) = con.execute("SELECT raw_text FROM comments WHERE source_line = 2").fetchone()
    finally:
        con.close()
    assert raw_text == GOOD
    rejects = stored_rejects(store)
    assert IIN in rejects["raw"].iloc[0] and EMAIL in rejects["raw"].iloc[0]
    assert list(zip(rejects["source_line"], rejects["reason"], strict=True)) == REJECTS
    assert not leaks(rows(open_corpus(store), Selection()).to_csv())
    invoke("export", "bundled", "--out-dir", tmp_path / "bundled", "--store", store)
    for path in (tmp_path / "bundled").glob("*.csv"):
        assert not leaks(file_text(path)), path


def test_process_masks_comments_and_rejects(survey: Path, tmp_path: Path) -> None:
    store = tmp_path / "processed.duckdb"
    output = invoke("process", survey, "--chunk-rows", "2", "--store", store)
    assert "2 comments, 3 rejected" in output
    assert_store_masked(store)
    rejects = stored_rejects(store)
    assert list(zip(rejects["source_line"], rejects["reason"], strict=True)) == REJECTS
    assert "[ИИН]" in rejects["raw"].iloc[0]


@pytest.mark.parametrize("suffix", [".csv", ".xlsx", ".jsonl", ".parquet"])
def test_annotate_masks_every_text_cell_unless_kept(survey: Path, tmp_path: Path, suffix: str) -> None:
    masked, kept = tmp_path / f"masked{suffix}", tmp_path / f"kept{suffix}"
    invoke("annotate", survey, "--out", masked, "--text-column", "Отзыв")
    result = runner.invoke(app, ["annotate", str(survey), "--out", str(kept), "--text-column", "Отзыв", "--keep-raw"])
    assert result.exit_code == 0, result.output
    assert not leaks(file_text(masked)) and "[ИИН]" in file_text(masked)
    assert set(leaks(file_text(kept))) == set(SECRETS)


def test_ray_engine_masks_unless_kept(survey: Path, tmp_path: Path) -> None:
    ray = pytest.importorskip("ray", reason="Ray is an optional extra: pip install 'textmine[ray]'")
    from textmine.scale.ray_engine import annotate_with_ray

    masked, kept = tmp_path / "masked.csv", tmp_path / "kept.csv"
    here = str(Path(__file__).resolve().parent)  # so Ray workers import the stand-ins from this folder
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, runtime_env={"env_vars": {"PYTHONPATH": here}})
    try:
        for out, keep_raw in ((masked, False), (kept, True)):
            annotate_with_ray(survey, out, text_column="Отзыв", keep_raw=keep_raw, concurrency=1, actor_cpus=0.5,
                              embedder_factory=make_embedder, annotator_factory=make_annotator)
    finally:
        ray.shutdown()
    assert not leaks(file_text(masked)) and "[ИИН]" in file_text(masked)
    assert set(leaks(file_text(kept))) == set(SECRETS)


def test_run_and_recommend_mask_a_report_quote(tmp_path: Path) -> None:
    quote = "Барлығын бір жерде жасауға болады ғой"
    text = (ROOT / "data/reports/monitoring_report_2018_kk.txt").read_text(encoding="utf-8")
    assert text.count(quote) == 1
    report = tmp_path / "monitoring_report_2018_kk.txt"
    report.write_text(text.replace(quote, f"{quote}, менің ЖСН {IIN}, тел {PHONE}, {EMAIL}"), encoding="utf-8")
    store, out = tmp_path / "run.duckdb", tmp_path / "bundled"
    invoke("run", "--report", report, "--out-dir", out, "--store", store)
    assert_store_masked(store)
    comments = pd.read_csv(out / "comments.csv")
    assert comments["text"].str.contains(f"{quote}, менің ЖСН [ИИН], тел [ТЕЛ], [EMAIL]", regex=False).any()
    invoke("recommend", "--format", "md", "--out", tmp_path / "briefs.md", "--store", store)
    invoke("recommend", "--format", "csv", "--out", tmp_path / "recommendations.csv", "--store", store)
    for path in [*out.glob("*.csv"), tmp_path / "briefs.md", tmp_path / "recommendations.csv"]:
        assert not leaks(file_text(path)), path


def test_write_table_masks_every_text_cell_unless_told_not_to(tmp_path: Path) -> None:
    frame = pd.DataFrame({"Пікір": [GOOD], "contact": [EMAIL], "rating": [2]})
    assert not leaks(file_text(write_table(frame, tmp_path / "masked.tsv")))
    assert set(leaks(file_text(write_table(frame, tmp_path / "raw.tsv", mask=False)))) == {IIN, "701 123 45 67", EMAIL}
