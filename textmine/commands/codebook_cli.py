"""``textmine codebook``, ``textmine memo`` and ``textmine import``: the analyst's QDA workflow from the command
line. Commands only call stages."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from textmine.commands.options import StoreOption, TaxonomyOption, fail

WhyOption = Annotated[str, typer.Option("--why", help="reason, kept in the taxonomy's history")]
ByOption = Annotated[str | None, typer.Option("--by", help="who makes the change [default: the login name]")]
OutOption = Annotated[Path | None, typer.Option("--out", help="taxonomy file to write [default: the one read, or data/taxonomy_draft.yaml when that is the packaged one]")]
KkOption = Annotated[str | None, typer.Option("--kk", help="name in Kazakh")]
RuOption = Annotated[str | None, typer.Option("--ru", help="name in Russian")]
EnOption = Annotated[str | None, typer.Option("--en", help="name in English")]

codebook_app = typer.Typer(help="Codebook operations with history: rename, merge, split, retire, parent themes.",
                           no_args_is_help=True)
memo_app = typer.Typer(help="Memos: free-text notes on a quote (comment), a theme or a service.", no_args_is_help=True)
import_app = typer.Typer(help="Bring a project coded in another QDA tool back in.", no_args_is_help=True)


def _names(kk: str | None, ru: str | None, en: str | None, required: bool, what: str):
    from textmine.classify.taxonomy import Names

    given = {"kk": kk, "ru": ru, "en": en}
    if not any(given.values()) and not required:
        return None
    missing = [lang for lang, value in given.items() if not value]
    if missing:
        fail(f"{what}: give its name in every language; missing --{', --'.join(missing)}")
    return Names(**given)


def _apply(operation, *args, out: Path | None, **kwargs) -> None:
    """Run a codebook operation on the resolved taxonomy, write the result, say what to retrain."""
    from textmine.classify.codebook import apply_change, retrain_note, trained_version
    from textmine.classify.taxonomy import taxonomy_path

    source = taxonomy_path()
    try:
        changed, target = apply_change(operation, *args, out=out, **kwargs)
    except (KeyError, ValueError) as error:
        fail(str(error).strip('"'))
    change = changed.history[-1]
    typer.echo(f"taxonomy version {changed.version} written to {target}: {change.op} "
               f"{', '.join(change.sources)}" + (f" -> {change.target}" if change.target else ""))
    if target.resolve() != source.resolve():
        typer.echo(f"use it with --taxonomy {target} (or export TEXTMINE_TAXONOMY={target})")
    typer.echo(retrain_note(changed, trained_version()))


@codebook_app.command("rename")
def rename_command(old: str, new: str, why: WhyOption, kk: KkOption = None, ru: RuOption = None,
                   en: EnOption = None, by: ByOption = None, out: OutOption = None,
                   taxonomy: TaxonomyOption = None) -> None:
    """Give theme OLD the id NEW (labels follow); --kk/--ru/--en change its names (NEW = OLD: names only)."""
    from textmine.classify.codebook import rename

    _apply(rename, old, new, why, _names(kk, ru, en, False, new), by=by, out=out)


@codebook_app.command("merge")
def merge_command(source: str, target: str, why: WhyOption, by: ByOption = None, out: OutOption = None,
                  taxonomy: TaxonomyOption = None) -> None:
    """Merge theme SOURCE into TARGET: SOURCE's labels, examples and codebook words go to TARGET."""
    from textmine.classify.codebook import merge

    _apply(merge, source, target, why, by=by, out=out)


@codebook_app.command("split")
def split_command(
    source: str, new: str, why: WhyOption,
    definition: Annotated[str, typer.Option("--definition", help="what the new theme covers")],
    word_kk: Annotated[list[str] | None, typer.Option("--word-kk", help="Kazakh codebook word of the new theme (repeatable; lexicon syntax: word, stem*, re:...)")] = None,
    word_ru: Annotated[list[str] | None, typer.Option("--word-ru", help="Russian codebook word (repeatable)")] = None,
    example_kk: Annotated[list[str] | None, typer.Option("--example-kk", help="Kazakh example phrase (repeatable)")] = None,
    example_ru: Annotated[list[str] | None, typer.Option("--example-ru", help="Russian example phrase (repeatable)")] = None,
    kk: KkOption = None, ru: RuOption = None, en: EnOption = None, by: ByOption = None, out: OutOption = None,
    taxonomy: TaxonomyOption = None,
) -> None:
    """Carve theme NEW out of SOURCE: SOURCE's labelled texts on which NEW's words match move to NEW;
    the store's comments move on the next `textmine train` + `textmine classify`."""
    from textmine.classify.codebook import split
    from textmine.classify.taxonomy import Examples, Theme, ThemeLexicon

    try:
        theme = Theme(id=new, name=_names(kk, ru, en, True, new), definition=definition,
                      examples=Examples(kk=example_kk or [], ru=example_ru or []),
                      lexicon=ThemeLexicon(kk=word_kk or [], ru=word_ru or []))
    except ValueError as error:
        fail(str(error))
    _apply(split, source, theme, why, by=by, out=out)


@codebook_app.command("retire")
def retire_command(theme: str, why: WhyOption, by: ByOption = None, out: OutOption = None,
                   taxonomy: TaxonomyOption = None) -> None:
    """Take THEME out of the codebook; its labels are dropped."""
    from textmine.classify.codebook import retire

    _apply(retire, theme, why, by=by, out=out)


@codebook_app.command("parent")
def parent_command(parent: str, children: list[str], why: WhyOption, kk: KkOption = None, ru: RuOption = None,
                   en: EnOption = None, by: ByOption = None, out: OutOption = None,
                   taxonomy: TaxonomyOption = None) -> None:
    """Put CHILDREN under parent theme PARENT (a new parent needs --kk, --ru and --en); counts roll up."""
    from textmine.classify.codebook import set_parent

    _apply(set_parent, parent, list(children), why, _names(kk, ru, en, False, parent), by=by, out=out)


@codebook_app.command("history")
def history_command(taxonomy: TaxonomyOption = None) -> None:
    """The codebook operations that led to the taxonomy, how old labels map, and what must be retrained."""
    from textmine.classify.codebook import (
        history_lines,
        label_mapping,
        retrain_note,
        trained_version,
    )
    from textmine.classify.taxonomy import load_taxonomy, taxonomy_path

    current = load_taxonomy()
    typer.echo(f"{taxonomy_path()}: version {current.version}, {len(current.themes)} themes, "
               f"{len(current.parents)} parents")
    for line in history_lines(current):
        typer.echo(line)
    for old, new in label_mapping(current).items():
        typer.echo(f"labels {old} -> {', '.join(new) or '(dropped)'}")
    for parent in current.parents:
        typer.echo(f"parent {parent.id}: {', '.join(parent.themes)}")
    typer.echo(retrain_note(current, trained_version()))


@memo_app.command("add")
def memo_add_command(
    kind: Annotated[str, typer.Argument(help="quote | theme | service")],
    target: Annotated[str, typer.Argument(help="comment id, theme id or service number")],
    text: Annotated[str, typer.Argument(help="the memo (an empty text deletes your memo on the target)")],
    author: Annotated[str | None, typer.Option("--author", help="who writes it [default: the login name]")] = None,
    store: StoreOption = None,
    taxonomy: TaxonomyOption = None,
) -> None:
    """Write (or edit: one memo per author and target) a memo on a quote, a theme or a service."""
    import getpass

    from textmine.memos import save_memo
    from textmine.store import Store

    try:
        with Store(store, touches=("memos",)) as opened:
            kept = save_memo(opened, kind, target, author or getpass.getuser(), text)
    except (KeyError, ValueError) as error:
        fail(str(error).strip('"'))
    typer.echo(f"{'saved' if kept else 'deleted'} memo on {kind} {target}")


@memo_app.command("list")
def memo_list_command(
    kind: Annotated[str | None, typer.Option("--kind", help="only memos on quote | theme | service")] = None,
    target: Annotated[str | None, typer.Option("--target", help="only memos on this id")] = None,
    store: StoreOption = None,
) -> None:
    """The memos in the store: kind, target, author, time, text."""
    from textmine.store import Store

    with Store(store, read_only=True) as opened:
        memos = opened.read("memos")
    if kind:
        memos = memos[memos["target_kind"] == kind]
    if target:
        memos = memos[memos["target_id"] == target]
    for row in memos.sort_values(["target_kind", "target_id", "at"]).itertuples():
        typer.echo(f"{row.target_kind} {row.target_id} · {row.author} · {row.at}: {row.text}")
    if memos.empty:
        typer.echo("no memos")


@import_app.command("qdpx")
def import_qdpx_command(
    file: Annotated[Path, typer.Argument(help="REFI-QDA project (.qdpx) from NVivo, MAXQDA, ATLAS.ti, QualCoder or textmine", exists=True, dir_okay=False)],
    keep_raw: Annotated[bool, typer.Option("--keep-raw", help="keep the unmasked original in the store's raw_text")] = False,
    store: StoreOption = None,
    taxonomy: TaxonomyOption = None,
) -> None:
    """Import a coded project: text sources as comments (masked, language-tagged, rejects listed), codes mapped
    onto the taxonomy (others proposed as new themes), codings as labels for `textmine train`, notes as memos."""
    from textmine.audit import recorded_run
    from textmine.ingest.errors import IngestError
    from textmine.pipeline import ingest_qdpx
    from textmine.store import Store

    try:
        with Store(store) as opened, recorded_run(opened, "import qdpx", inputs=[file]) as run:
            result = ingest_qdpx(opened, file, keep_raw=keep_raw)
            run.count(rows_in=result.ingest.rows_in, processed=result.ingest.comments, rejected=result.ingest.rejected)
    except IngestError as error:
        fail(str(error))
    for line in result.lines():
        typer.echo(line)
