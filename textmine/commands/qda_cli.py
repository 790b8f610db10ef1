"""``textmine agreement``, ``words``, ``stopwords`` and ``waves``: the analyst's QDA views from the command
line (logic in ``textmine.qda``)."""

from __future__ import annotations

from typing import Annotated

import pandas as pd
import typer

from textmine.commands.options import StoreOption, fail

waves_app = typer.Typer(help="Survey waves in one store: the change in each theme's share between two waves.")


def _table(frame: pd.DataFrame, digits: int = 3) -> str:
    return frame.round(digits).to_string(index=False, na_rep="—") if len(frame) else "(none)"


def agreement_command(
    sample: Annotated[int | None, typer.Option("--sample", help="only the comments of the seeded sample of N drawn from the whole store (as the app draws it with no filter)")] = None,
    seed: Annotated[int, typer.Option("--seed", help="seed of the sample")] = 0,
    coder: Annotated[list[str] | None, typer.Option("--coder", help="coder to compare (repeatable) [default: every coder]")] = None,
    with_model: Annotated[bool, typer.Option("--with-model", help="count the model's themes as one more coder")] = False,
    show_disagreements: Annotated[bool, typer.Option("--disagreements", help="also list the comments where the coders differ")] = False,
    store: StoreOption = None,
) -> None:
    """Agreement between coders per theme: percent agreement, Cohen's kappa (two coders), Krippendorff's alpha."""
    from textmine.classify.taxonomy import load_taxonomy
    from textmine.qda import agreement
    from textmine.qda.published import read_store, store_frame
    from textmine.store import Store

    with Store(store, read_only=True) as opened:
        labels = read_store(opened, "coder_labels")
        if sample is not None:
            try:
                ids = agreement.sample_ids(store_frame(opened), "comments", "true", [], sample, seed)
            except ValueError as error:
                fail(str(error))
            labels = labels[labels["comment_id"].isin(ids)]
        if labels.empty:
            fail(f"{opened.path}: no coder labels{' in that sample' if sample else ''}; label a sample in the app's Agreement page")
        coders = list(coder) if coder else sorted(set(labels["coder"]) - {agreement.SETTLED})
        if with_model:
            ids = sorted(set(labels["comment_id"]))
            labels = pd.concat([labels, agreement.model_labels(ids, opened.read("comment_themes"), load_taxonomy().theme_ids)])
            coders.append(agreement.MODEL)
    missing = sorted(set(coders) - set(labels["coder"]))
    if missing:
        fail(f"no labels from coder {', '.join(missing)}; coders: {', '.join(sorted(set(labels['coder'])))}")
    theme_ids = [t for t in load_taxonomy().theme_ids if t in set(labels["theme"])]
    typer.echo(f"coders: {', '.join(coders)}; comments labelled: {labels['comment_id'].nunique()}")
    typer.echo(_table(agreement.agreement_table(labels, theme_ids, coders)))
    if show_disagreements:
        typer.echo("\ndisagreements (settle them in the app's Agreement page):")
        typer.echo(_table(agreement.disagreements(labels, coders)))


def _criteria(spec: str) -> dict[str, str]:
    pairs = [part.split("=", 1) for part in spec.split(",") if part.strip()]
    if not pairs or any(len(pair) != 2 for pair in pairs):
        fail(f"--compare expects KEY=VALUE[,KEY=VALUE], e.g. 'polarity=praise', got {spec!r}")
    return {key.strip(): value.strip() for key, value in pairs}


def words_command(
    theme: Annotated[str | None, typer.Option("--theme", help="theme id")] = None,
    service: Annotated[int | None, typer.Option("--service", help="service number")] = None,
    region: Annotated[str | None, typer.Option("--region", help="region name")] = None,
    polarity: Annotated[str | None, typer.Option("--polarity", help="complaint | praise | suggestion | neutral")] = None,
    lang: Annotated[str | None, typer.Option("--lang", help="comment language, e.g. kk, ru, mixed")] = None,
    kwic: Annotated[str | None, typer.Option("--kwic", help="show this word in its contexts (any inflection)")] = None,
    compare: Annotated[str | None, typer.Option("--compare", help="second selection KEY=VALUE[,...] (keys theme, service, region, polarity, lang): words typical of each side")] = None,
    top: Annotated[int, typer.Option("--top", help="rows to show")] = 25,
    store: StoreOption = None,
) -> None:
    """Word frequencies on lemmas (Kazakh and Russian) for a selection, keyword in context, or the words
    that set two selections apart (weighted log-odds, Monroe et al. 2008)."""
    from textmine.app.query import count, open_corpus
    from textmine.qda import words
    from textmine.qda.published import read_table
    from textmine.store import default_path

    path = store or default_path()
    if not path.exists():
        fail(f"store {path} does not exist")
    corpus = open_corpus(path)
    stops = words.stop_words(read_table(path, "stop_word_edits"))
    try:
        first = words.criteria_selection(corpus, {"theme": theme, "service": service, "region": region,
                                                  "polarity": polarity, "lang": lang})
        second = words.criteria_selection(corpus, _criteria(compare)) if compare else None
    except ValueError as error:
        fail(str(error))
    found, freq, forms = words.selection_words(corpus, first, stops)
    typer.echo(f"comments: {len(found)} of {count(corpus, first)} selected")
    if kwic:
        typer.echo(_table(words.kwic(found["id"].tolist(), forms, kwic).head(top)))
    elif second is not None:
        other, other_freq, _ = words.selection_words(corpus, second, stops)
        typer.echo(f"compared with: {len(other)} comments ({compare})")
        typer.echo(_table(words.compare(freq, other_freq, top)))
    else:
        typer.echo(_table(freq.head(top)))


def stopwords_command(
    add: Annotated[list[str] | None, typer.Option("--add", help="word to treat as a stop word (repeatable)")] = None,
    remove: Annotated[list[str] | None, typer.Option("--remove", help="word to count again (repeatable)")] = None,
    lang: Annotated[str, typer.Option("--lang", help="kk | ru")] = "kk",
    store: StoreOption = None,
) -> None:
    """Edit the stop words of the word views (stored in the store); without options list the edits."""
    from textmine.qda import words
    from textmine.store import Store

    try:
        edits = [words.edit_rows(chosen, lang, stop) for chosen, stop in ((add, True), (remove, False)) if chosen]
    except ValueError as error:
        fail(str(error))
    from textmine.qda.published import read_store

    with Store(store, read_only=not edits, **({"touches": ("stop_word_edits",)} if edits else {})) as opened:
        for rows in edits:
            opened.append("stop_word_edits", rows)
        typer.echo(_table(read_store(opened, "stop_word_edits")))


@waves_app.callback(invoke_without_command=True)
def waves_command(
    ctx: typer.Context,
    before: Annotated[str | None, typer.Option("--before", help="earlier wave [default: the second to last]")] = None,
    after: Annotated[str | None, typer.Option("--after", help="later wave [default: the last]")] = None,
    service: Annotated[int | None, typer.Option("--service", help="one service's rows only")] = None,
    everything: Annotated[bool, typer.Option("--all", help="also themes whose share did not clearly change")] = False,
    store: StoreOption = None,
) -> None:
    """Per service and theme the change in share between two waves with its 95% interval, new and vanished themes."""
    if ctx.invoked_subcommand:
        return
    from textmine.qda import waves
    from textmine.qda.published import read_store, store_frame
    from textmine.store import Store

    with Store(store, read_only=True) as opened:
        assignments = read_store(opened, "waves")
        try:
            table, before, after = waves.between(waves.wave_counts(store_frame(opened), assignments), before, after)
        except ValueError as error:
            fail(f"{opened.path}: {error}; add one with `textmine waves assign FILE WAVE` or `textmine waves synthetic`")
    synthetic = assignments.loc[assignments["synthetic"] & assignments["wave"].isin([before, after]), "source_file"]
    typer.echo(f"waves {before} -> {after}" + (f" (synthetic: {', '.join(sorted(set(synthetic)))})" if len(synthetic) else ""))
    if service is not None:
        table = table[table["service_no"] == service]
    table = table.assign(service_name=table["service_name"].str.slice(0, 40))
    typer.echo(_table(table if everything else table[table["status"] != "same"]))


@waves_app.command("assign")
def waves_assign_command(
    source_file: Annotated[str, typer.Argument(help="source file name as stored (see `textmine info`)")],
    wave: Annotated[str, typer.Argument(help="its wave, e.g. 2019 or 2019-H1")],
    store: StoreOption = None,
) -> None:
    """Put every comment of a source file in a wave."""
    from textmine.qda import waves
    from textmine.store import Store

    with Store(store, touches=("waves",)) as opened:
        known = set(opened.read("comments")["source_file"])
        if source_file not in known:
            fail(f"{opened.path} has no comments from {source_file!r}; files: {', '.join(sorted(known))}")
        opened.append("waves", waves.assignment_rows(source_file, wave))
    typer.echo(f"{source_file} -> wave {wave}")


@waves_app.command("synthetic")
def waves_synthetic_command(
    wave: Annotated[str, typer.Option("--wave", help="name of the synthetic wave")] = "synthetic",
    base: Annotated[str | None, typer.Option("--from", help="wave to resample [default: the last]")] = None,
    shift: Annotated[list[str] | None, typer.Option("--shift", help="THEME=FACTOR weight of comments with the theme (repeatable; 0 drops it)")] = None,
    seed: Annotated[int, typer.Option("--seed")] = 0,
    store: StoreOption = None,
) -> None:
    """Add a synthetic wave (for tests and demos, never real data; marked synthetic): the comments of a wave
    resampled per service with the given theme weights."""
    from textmine.audit import recorded_run
    from textmine.qda import waves
    from textmine.store import Store

    factors = {}
    for item in shift or []:
        theme, _, factor = item.partition("=")
        try:
            factors[theme.strip()] = float(factor)
        except ValueError:
            fail(f"--shift expects THEME=FACTOR, got {item!r}")
    from textmine.classify.taxonomy import load_taxonomy

    unknown = sorted(set(factors) - set(load_taxonomy().theme_ids))
    if unknown:
        fail(f"--shift names themes not in the taxonomy: {', '.join(unknown)}")
    with Store(store) as opened, recorded_run(opened, "waves synthetic", arguments={"wave": wave, "shift": factors, "seed": seed}) as run:
        comments = opened.read("comments")
        comments = comments.assign(wave=waves.file_waves(comments["source_file"], opened.read("waves")).to_numpy())
        base = base or waves.ordered_waves(comments["wave"])[-1]
        try:
            new_comments, new_themes, row = waves.synthetic_wave(
                comments[comments["wave"] == base].drop(columns="wave"), opened.read("comment_themes"), wave, factors, seed)
        except ValueError as error:
            fail(str(error))
        opened.replace_source(row.iloc[0]["source_file"], new_comments, opened.read("rejects").iloc[0:0])
        opened.replace_themes(new_themes)
        opened.append("waves", row)
        run.count(processed=len(new_comments))
    typer.echo(f"wave {wave} (synthetic, from {base}): {len(new_comments)} comments in {row.iloc[0]['source_file']}")


def register(app: typer.Typer) -> None:
    """Add these commands to the ``textmine`` app."""
    app.command("agreement")(agreement_command)
    app.command("words")(words_command)
    app.command("stopwords")(stopwords_command)
    app.add_typer(waves_app, name="waves")
