"""``annotate`` on Ray Data: the per-comment stages (normalise, langid, embed, classify) as ``map_batches``
over Parquet with an actor pool; each actor loads the embedding model and the heads once.

Ray is optional (``pip install 'textmine[ray]'``). ``address=None`` starts Ray on this machine; pass a
cluster's address (``ray://head:10001`` or ``auto``) to run there — see ``docs/scale.md``. The input is
staged as Parquet in ``staging_dir`` (a temporary folder by default; on a cluster, a path every node
can read). The output has the input's rows in input order plus the columns of
:func:`textmine.annotate.annotation_columns`, as the local ``textmine annotate`` writes them.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from textmine.annotate import ADDED, annotation_columns, assemble, read_input
from textmine.atomic import write_table
from textmine.embed.base import Embedder

ROW, TEXT = "__textmine_row", "__textmine_text"


def default_annotator(embedder: Embedder, mode: str) -> object:
    """The shipped theme heads for ``embedder`` in ``mode`` (zero-shot: the taxonomy alone when they do not fit)."""
    from textmine.classify.annotator import ThemeAnnotator

    return ThemeAnnotator(embedder, mode=mode)


def _default_embedder() -> Embedder:
    from textmine.embed import default_embedder

    return default_embedder()


class AnnotateBatch:
    """Ray Data callable class: loads the models once per actor, then annotates batches of rows."""

    def __init__(self, embedder_factory: Callable[[], Embedder], annotator_factory: Callable[[Embedder, str], object],
                 mode: str) -> None:
        self.embedder = embedder_factory()
        self.annotator = annotator_factory(self.embedder, mode)

    def __call__(self, batch: pd.DataFrame) -> pd.DataFrame:
        added = annotation_columns(batch[TEXT].fillna("").tolist(), embedder=self.embedder, annotator=self.annotator)
        return pd.concat([batch.reset_index(drop=True), added], axis=1)


def annotate_with_ray(input_file: Path, out: Path, text_column: str | None = None, mode: str = "auto",
                      keep_raw: bool = False, address: str | None = None, concurrency: int = 2, batch_size: int = 1024,
                      actor_cpus: float = 1.0,
                      staging_dir: Path | None = None,
                      embedder_factory: Callable[[], Embedder] = _default_embedder,
                      annotator_factory: Callable[[Embedder, str], object] = default_annotator) -> int:
    """Annotate ``input_file`` on Ray Data and write ``out`` atomically; return the row count (as
    :func:`textmine.annotate.annotate_file`, unreadable rows kept with the reason in ``textmine_note``,
    personal data masked unless ``keep_raw``).

    ``concurrency`` actors of ``actor_cpus`` CPUs each; leave CPUs free for the Parquet read tasks (on a
    2-CPU machine: 2 actors of 0.5 CPU), or Ray Data waits for resources that never come."""
    try:
        import ray
    except ImportError as error:
        raise RuntimeError("the Ray engine needs the optional extra: pip install 'textmine[ray]'") from error
    source = read_input(Path(input_file), text_column, keep_raw)
    staged_frame = pd.DataFrame({ROW: range(len(source.texts)), TEXT: source.texts})
    if not ray.is_initialized():
        ray.init(address=address, include_dashboard=False,
                 log_to_driver=False, configure_logging=False)
    with tempfile.TemporaryDirectory(prefix="textmine-ray-", dir=staging_dir) as folder:
        staged = Path(folder) / "texts.parquet"
        staged_frame.to_parquet(staged, index=False, row_group_size=batch_size)
        annotated = (ray.data.read_parquet(str(staged), override_num_blocks=max(concurrency, 1))
                     .map_batches(AnnotateBatch, batch_format="pandas", batch_size=batch_size,
                                  concurrency=concurrency, num_cpus=actor_cpus,
                                  fn_constructor_kwargs={"embedder_factory": embedder_factory,
                                                         "annotator_factory": annotator_factory, "mode": mode})
                     .to_pandas())
    result = assemble(source, annotated.sort_values(ROW).reset_index(drop=True)[ADDED])
    write_table(result, Path(out), mask=not keep_raw)
    return len(result)
