"""Options and helpers every command module shares (``--store``, ``--taxonomy``, failing with a message)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from textmine.classify.mode import Mode


def _use_taxonomy(path: Path | None) -> Path | None:
    """``--taxonomy`` callback: validate the file and make it the taxonomy of this process (and of the app it
    starts) through :func:`textmine.classify.taxonomy.use_taxonomy`."""
    if path is not None:
        from textmine.classify.taxonomy import use_taxonomy

        try:
            use_taxonomy(path)
        except ValueError as error:
            raise typer.BadParameter(str(error)) from error
    return path


TaxonomyOption = Annotated[Path | None, typer.Option(
    "--taxonomy", callback=_use_taxonomy, dir_okay=False,
    help="taxonomy YAML [default: $TEXTMINE_TAXONOMY or the packaged one]")]
ModeOption = Annotated[Mode, typer.Option(
    "--mode", help="themes from: auto (the trained heads) | trained | zero_shot (similarity to the taxonomy; "
                   "works without trained heads that fit the embedding model)")]
StoreOption = Annotated[Path | None, typer.Option("--store", help="DuckDB store file [default: $TEXTMINE_STORE or data/textmine.duckdb]")]


def fail(message: str) -> None:
    """Print ``error: message`` in red on stderr and exit with code 2."""
    typer.secho(f"error: {message}", fg=typer.colors.RED, err=True)
    raise typer.Exit(code=2)
