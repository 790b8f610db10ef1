"""The error every ingest stage raises for input it cannot read."""

from __future__ import annotations

from pathlib import Path


class IngestError(Exception):
    """Input that cannot be ingested; the message names the file, and the row when there is one."""

    def __init__(self, path: Path | str, problem: str, row: int | None = None) -> None:
        self.file = Path(path).name
        self.row = row
        self.problem = " ".join(problem.split())  # one line: the CLI prints it as a single error line
        where = self.file if row is None else f"{self.file}, row {row}"
        super().__init__(f"{where}: {self.problem}")
