"""Audit trail: every command that changes the store records what it did in the store itself.

``runs`` holds one row per run: command and options, input files with their SHA-256, rows in /
processed / rejected, embedding model id, taxonomy version, code version (package version and git
commit), start and end (UTC), seconds, status (``running`` while under way, then ``ok`` or ``failed``
with the error). ``run_stages`` holds one row per timed stage of a run. The run row is written when the
run starts, so a run killed outright stays ``running``; a failed run rolls back any transaction it left
open and is recorded as failed, and the original error is raised again.

    with Store() as store, recorded_run(store, "ingest table", inputs=[path]) as run:
        with run.stage("ingest"):
            summary = ingest_table(store, path)
        run.count(rows_in=summary.rows_in, processed=summary.comments, rejected=summary.rejected)
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import subprocess
import time
import uuid
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

import duckdb
import pandas as pd

from textmine.store import Store

log = logging.getLogger(__name__)

_COUNTS = ("rows_in", "processed", "rejected")


def _now() -> datetime:
    """Now in UTC, without tzinfo (the tables hold UTC)."""
    return datetime.now(UTC).replace(tzinfo=None)


def file_record(path: Path | str) -> dict[str, object]:
    """An input file as recorded: its path, size in bytes and SHA-256."""
    path = Path(path)
    with path.open("rb") as handle:
        digest = hashlib.file_digest(handle, "sha256").hexdigest()
    return {"path": str(path), "bytes": path.stat().st_size, "sha256": digest}


@functools.cache
def code_version() -> tuple[str, str | None]:
    """The installed package version and, when running from a git checkout, its commit."""
    version = metadata.version("textmine")
    checkout = Path(__file__).resolve().parents[1]
    if not (checkout / ".git").exists():
        return version, None
    try:
        done = subprocess.run(["git", "-C", str(checkout), "rev-parse", "HEAD"], capture_output=True, text=True,
                              timeout=10, check=True)
    except (OSError, subprocess.SubprocessError):
        return version, None
    return version, done.stdout.strip() or None


def _taxonomy_version() -> int | None:
    from textmine.classify.taxonomy import load_taxonomy

    try:
        return load_taxonomy().version
    except (OSError, ValueError):
        return None


@dataclass
class Stage:
    """One timed stage of a run."""

    name: str
    started_at: datetime
    seconds: float = 0.0
    status: str = "running"


@dataclass
class Run:
    """What a run did so far; the command fills it in through :meth:`stage`, :meth:`count` and :meth:`note`."""

    command: str
    arguments: dict[str, object] = field(default_factory=dict)
    run_id: str = field(default_factory=lambda: uuid.uuid4().hex[:12])
    started_at: datetime = field(default_factory=_now)
    inputs: list[dict[str, object]] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    model_id: str | None = None
    taxonomy_version: int | None = None
    stages: list[Stage] = field(default_factory=list)

    @contextmanager
    def stage(self, name: str) -> Iterator[Stage]:
        """Time the enclosed block as stage ``name`` (status ``ok``, or ``failed`` if it raises)."""
        stage = Stage(name, _now())
        self.stages.append(stage)
        started = time.perf_counter()
        try:
            yield stage
            stage.status = "ok"
        except BaseException:
            stage.status = "failed"
            raise
        finally:
            stage.seconds = time.perf_counter() - started

    def count(self, rows_in: int | None = None, processed: int | None = None, rejected: int | None = None) -> None:
        """Add to the run's row counts (called once per input when a run reads several)."""
        for name, value in zip(_COUNTS, (rows_in, processed, rejected), strict=True):
            if value is not None:
                self.counts[name] = self.counts.get(name, 0) + int(value)

    def note(self, model_id: str | None = None, taxonomy_version: int | None = None) -> None:
        """Record the embedding model and taxonomy version the run used."""
        self.model_id = model_id if model_id is not None else self.model_id
        self.taxonomy_version = taxonomy_version if taxonomy_version is not None else self.taxonomy_version


def _insert_start(store: Store, run: Run) -> None:
    version, commit = code_version()
    store.connection.execute(
        "INSERT INTO runs (run_id, command, arguments, started_at, code_version, git_commit, status) "
        "VALUES (?, ?, ?, ?, ?, ?, 'running')",
        [run.run_id, run.command, json.dumps(run.arguments, ensure_ascii=False, default=str), run.started_at,
         version, commit])


def _finish(store: Store, run: Run, status: str, error: str | None) -> None:
    ended = _now()
    con = store.connection
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute(
            "UPDATE runs SET inputs = ?, rows_in = ?, processed = ?, rejected = ?, model_id = ?, taxonomy_version = ?, "
            "ended_at = ?, seconds = ?, status = ?, error = ? WHERE run_id = ?",
            [json.dumps(run.inputs, ensure_ascii=False), *(run.counts.get(c) for c in _COUNTS), run.model_id,
             run.taxonomy_version if run.taxonomy_version is not None else _taxonomy_version(), ended,
             (ended - run.started_at).total_seconds(), status, error, run.run_id])
        for position, stage in enumerate(run.stages, start=1):
            con.execute("INSERT INTO run_stages (run_id, position, stage, started_at, seconds, status) "
                        "VALUES (?, ?, ?, ?, ?, ?)",
                        [run.run_id, position, stage.name, stage.started_at, stage.seconds, stage.status])
    except BaseException:
        con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")


def _rollback_open_transaction(store: Store) -> None:
    """Abandon a transaction the failed work left open (DuckDB refuses a rollback when there is none)."""
    try:
        store.connection.execute("ROLLBACK")
    except duckdb.TransactionException:
        pass


@contextmanager
def recorded_run(store: Store, command: str, inputs: Iterable[Path | str] = (),
                 arguments: Mapping[str, object] | None = None) -> Iterator[Run]:
    """Record the enclosed work as a run of ``command`` on ``inputs`` in ``store`` (see the module docstring)."""
    run = Run(command=command, arguments={k: v for k, v in (arguments or {}).items() if v is not None})
    _insert_start(store, run)
    try:
        run.inputs = [file_record(path) for path in inputs]
        yield run
    except BaseException as error:
        message = f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
        try:
            _rollback_open_transaction(store)
            _finish(store, run, "failed", message)
        except duckdb.Error as record_error:
            log.warning("could not record failed run %s in %s: %s", run.run_id, store.path, record_error)
        raise
    _finish(store, run, "ok", None)


def list_runs(store: Store, last: int | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The recorded runs, newest first (the ``last`` ones when given), and their stages."""
    present = {row[0] for row in store.connection.execute("SHOW TABLES").fetchall()}
    if "runs" not in present:
        return pd.DataFrame(), pd.DataFrame()
    limit = f" LIMIT {int(last)}" if last is not None else ""
    runs = store.connection.execute(f"SELECT * FROM runs ORDER BY started_at DESC, run_id{limit}").df()
    stages = store.connection.execute(
        "SELECT * FROM run_stages WHERE list_contains(?::VARCHAR[], run_id) ORDER BY run_id, position",
        [runs["run_id"].tolist()]).df()
    return runs, stages


def _value(value: object) -> object | None:
    return None if value is None or pd.isna(value) else value


def run_line(run: pd.Series, stages: pd.DataFrame) -> str:
    """One readable line for a recorded run."""
    counts = [f"{name.replace('_', ' ')} {int(run[name])}" for name in _COUNTS if _value(run[name]) is not None]
    inputs = [f"{Path(str(i['path'])).name} (sha256 {str(i['sha256'])[:12]})" for i in json.loads(run["inputs"] or "[]")]
    commit = _value(run["git_commit"])
    seconds = _value(run["seconds"])
    parts = [
        f"{run['started_at']:%Y-%m-%d %H:%M:%S} UTC",
        run["run_id"],
        f"{run['status']:<7}",
        run["command"],
        f"{seconds:.1f} s" if seconds is not None else "",
        ", ".join(counts),
        ", ".join(inputs),
        f"model {run['model_id']}" if _value(run["model_id"]) else "",
        f"taxonomy v{int(run['taxonomy_version'])}" if _value(run["taxonomy_version"]) is not None else "",
        f"code {run['code_version']}" + (f"+{commit[:8]}" if commit else ""),
        "stages " + ", ".join(f"{s.stage} {s.seconds:.1f} s{'' if s.status == 'ok' else ' ' + s.status}"
                              for s in stages.itertuples()) if len(stages) else "",
        f"error: {run['error']}" if _value(run["error"]) else "",
    ]
    return " | ".join(part for part in parts if part)


def run_lines(store: Store, last: int | None = None) -> list[str]:
    """Readable lines for the recorded runs, newest first."""
    runs, stages = list_runs(store, last)
    return [run_line(run, stages[stages["run_id"] == run["run_id"]]) for _, run in runs.iterrows()]
