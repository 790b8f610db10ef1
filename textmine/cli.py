"""The ``textmine`` command line. Each command calls stages; none holds logic of its own."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

app = typer.Typer(
    help="textmine: language-tag, embed, theme and browse respondent comments from public-service surveys.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
ingest_app = typer.Typer(help="Read comments into the store: a monitoring report or a survey table.", no_args_is_help=True)
eval_app = typer.Typer(help="Measure quality on the labelled sets in data/.", no_args_is_help=True)
app.add_typer(ingest_app, name="ingest")
app.add_typer(eval_app, name="eval")

StoreOption = Annotated[Optional[Path], typer.Option("--store", help="DuckDB store file [default: $TEXTMINE_STORE or data/textmine.duckdb]")]


def _fail(message: str) -> None:
    typer.secho(f"error: {message}", fg=typer.colors.RED, err=True)
    raise typer.Exit(code=2)


def _echo_lines(lines: list[str]) -> None:
    for line in lines:
        typer.echo(line)


def _parse_mapping(pairs: list[str]) -> dict[str, str]:
    mapping = {}
    for pair in pairs:
        if "=" not in pair:
            _fail(f"--map expects SOURCE_COLUMN=FIELD, got {pair!r}")
        source, target = pair.split("=", 1)
        mapping[source.strip()] = target.strip()
    return mapping


@ingest_app.command("report")
def ingest_report_command(
    file: Annotated[Path, typer.Argument(help="monitoring report as text extracted from its PDF", exists=True, dir_okay=False)],
    store: StoreOption = None,
) -> None:
    """Parse a monitoring report: respondent quotes, services, ratings; tag languages; store them."""
    from textmine.pipeline import ingest_report
    from textmine.store import Store

    with Store(store) as opened:
        _echo_lines(ingest_report(opened, file).lines())


@ingest_app.command("table")
def ingest_table_command(
    file: Annotated[Path, typer.Argument(help="CSV/TSV/XLSX/Parquet/JSONL export, one row per respondent", exists=True, dir_okay=False)],
    map_: Annotated[list[str], typer.Option("--map", help="column mapping SOURCE=FIELD, e.g. --map 'Отзыв=text' (repeatable)")] = [],
    store: StoreOption = None,
) -> None:
    """Read a survey export into the store; rows that cannot be used are listed with their reason."""
    from textmine.ingest.errors import IngestError
    from textmine.pipeline import ingest_table
    from textmine.store import Store

    try:
        with Store(store) as opened:
            _echo_lines(ingest_table(opened, file, column_map=_parse_mapping(map_)).lines())
    except IngestError as error:
        _fail(str(error))


@app.command("annotate")
def annotate_command(
    input_file: Annotated[Path, typer.Argument(metavar="IN", help="CSV/XLSX/JSONL/Parquet of comments", exists=True, dir_okay=False)],
    out: Annotated[Path, typer.Option("--out", help="output file; its extension picks the format")],
    text_column: Annotated[Optional[str], typer.Option("--text-column", help="column holding the comment text")] = None,
) -> None:
    """Score a new survey export without touching the store: the same rows plus language columns."""
    from textmine.annotate import annotate_file
    from textmine.ingest.errors import IngestError

    try:
        rows = annotate_file(input_file, out, text_column=text_column)
    except IngestError as error:
        _fail(str(error))
    typer.echo(f"wrote {rows} rows to {out}")


@app.command("export")
def export_command(
    out_dir: Annotated[Path, typer.Option("--out-dir", help="folder for comments.csv, services.csv, rejects.csv")] = Path("data/comments"),
    store: StoreOption = None,
) -> None:
    """Write the store's comments, services and rejects as CSV (the bundled dataset)."""
    from textmine.pipeline import export_bundled
    from textmine.store import Store

    with Store(store) as opened:
        for path in export_bundled(opened, out_dir):
            typer.echo(f"wrote {path}")


@app.command("run")
def run_command(
    report: Annotated[Path, typer.Option("--report", help="report to ingest", exists=True, dir_okay=False)] = Path("data/reports/monitoring_report_2018_kk.txt"),
    out_dir: Annotated[Path, typer.Option("--out-dir", help="where to write the bundled CSVs")] = Path("data/comments"),
    store: StoreOption = None,
) -> None:
    """The main job on the bundled data: ingest the seed report, tag, store, and export the bundled CSVs."""
    from textmine.pipeline import export_bundled, ingest_report
    from textmine.store import Store

    with Store(store) as opened:
        _echo_lines(ingest_report(opened, report).lines())
        for path in export_bundled(opened, out_dir):
            typer.echo(f"wrote {path}")


@app.command("info")
def info_command(store: StoreOption = None) -> None:
    """Row counts of the store's tables."""
    from textmine.store import TABLES, Store

    with Store(store, read_only=True) as opened:
        for table in TABLES:
            typer.echo(f"{table}: {opened.count(table)}")


@eval_app.command("lang")
def eval_lang_command(
    testset: Annotated[Path, typer.Option("--testset", exists=True, dir_okay=False)] = Path("data/eval/lang_testset.csv"),
) -> None:
    """Language tagging: per-class precision/recall/F1 on the labelled test set, beside baselines."""
    from textmine.langid import evaluate_language

    typer.echo(evaluate_language(testset).to_string())


if __name__ == "__main__":
    app()
